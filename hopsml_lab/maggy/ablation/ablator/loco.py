"""maggy's ``LOCO`` ablator (leave one component out): a base trial with everything,
then one trial per included feature, layer, layer group and custom model generator.

Feature trials read the study's training dataset without that feature (label split
off); layer trials build the base model without that layer or group. Each trial's
``ablated_feature`` / ``ablated_layer`` is ``"None"`` for what it keeps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ....experiments.ablation import NONE
from ....experiments.ablation_data import AblatedDataset, TrainingDataSource
from ....experiments.ablation_model import AblatedModel, LayerSelection
from ...core.exceptions import BadArgumentsError, NotSupportedError
from ...trial import Trial
from ..training_data import training_data_source
from .abstractablator import AbstractAblator


class LOCO(AbstractAblator):
    def __init__(self, ablation_study: Any, final_store: list[Any]) -> None:
        super().__init__(ablation_study, final_store)
        self._source: TrainingDataSource | None = None
        self.base_dataset_generator = self.get_dataset_generator(ablated_feature=None)

    def get_number_of_trials(self) -> int:
        model = self.ablation_study.model
        return (
            len(self.ablation_study.features.included_features)
            + len(model.layers.included_layers)
            + len(model.layers.included_groups)
            + len(model.custom_model_generators)
            + 1  # the base (reference) trial with every component
        )

    @property
    def source(self) -> TrainingDataSource:
        """The study's training dataset, looked up once."""
        if self._source is None:
            self._source = training_data_source(self.ablation_study)
        return self._source

    def get_dataset_generator(
        self,
        ablated_feature: str | None = None,
        dataset_type: str = "tfrecord",
        shuffle_buffer_size: int = 10000,
    ) -> Callable[..., Any]:
        """The study's own ``dataset_generator`` if it has one; else a function reading
        the training dataset without ``ablated_feature`` as ``(x, y)`` batches."""
        if self.ablation_study.custom_dataset_generator:
            return self.ablation_study.custom_dataset_generator  # type: ignore[no-any-return]
        if dataset_type != "tfrecord":
            raise NotSupportedError(
                "dataset type",
                dataset_type,
                "Use 'tfrecord' or write your own custom dataset generator.",
            )
        if ablated_feature is not None:
            self.source.check_features([ablated_feature])
        return AblatedDataset(self.source, ablated_feature)

    def get_model_generator(
        self,
        layer_identifier: str | set[str] | None = None,
        custom_model_generator: tuple[Callable[[], Any], str] | None = None,
    ) -> Callable[[], Any]:
        """The base model generator, a custom one, or the base model without the layer
        (a name) or layer group (a set of names; a one-name set is a prefix)."""
        if layer_identifier is not None and custom_model_generator is not None:
            raise BadArgumentsError(
                "get_model_generator",
                "At least one of 'layer_identifier' or 'custom_model_generator' should be 'None'.",
            )
        if custom_model_generator:
            return custom_model_generator[0]
        base = self.ablation_study.model.base_model_generator
        if layer_identifier is None:
            return base  # type: ignore[no-any-return]
        return AblatedModel(base, LayerSelection.of(layer_identifier))

    def initialize(self) -> None:
        """The base trial, then one per feature, layer, layer group and custom model."""
        study = self.ablation_study
        dicts = [self.create_trial_dict()]
        dicts += [
            self.create_trial_dict(ablated_feature=f) for f in study.features.included_features
        ]
        dicts += [
            self.create_trial_dict(layer_identifier=layer)
            for layer in study.model.layers.included_layers
        ]
        dicts += [
            self.create_trial_dict(layer_identifier=set(group))
            for group in study.model.layers.included_groups
        ]
        dicts += [
            self.create_trial_dict(custom_model_generator=custom)
            for custom in study.model.custom_model_generators
        ]
        self.trial_buffer.extend(Trial(d, trial_type="ablation") for d in dicts)

    def get_trial(self, ablation_trial: Trial | None = None) -> Trial | None:
        return self.trial_buffer.pop() if self.trial_buffer else None

    def finalize_experiment(self, trials: Any) -> None:
        return

    def create_trial_dict(
        self,
        ablated_feature: str | None = None,
        layer_identifier: str | set[str] | None = None,
        custom_model_generator: tuple[Callable[[], Any], str] | None = None,
    ) -> dict[str, Any]:
        """A ``Trial``'s params: ``dataset_function``, ``model_function``,
        ``ablated_feature`` and ``ablated_layer``."""
        trial: dict[str, Any] = {
            "dataset_function": (
                self.base_dataset_generator
                if ablated_feature is None
                else self.get_dataset_generator(ablated_feature, dataset_type="tfrecord")
            ),
            "ablated_feature": NONE if ablated_feature is None else ablated_feature,
        }
        if custom_model_generator is not None:
            trial["model_function"] = self.get_model_generator(
                custom_model_generator=custom_model_generator
            )
            trial["ablated_layer"] = "Custom model: " + custom_model_generator[1]
        elif layer_identifier is not None:
            trial["model_function"] = self.get_model_generator(layer_identifier=layer_identifier)
            trial["ablated_layer"] = LayerSelection.of(layer_identifier).label
        else:
            trial["model_function"] = self.ablation_study.model.base_model_generator
            trial["ablated_layer"] = NONE
        return trial
