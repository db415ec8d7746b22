"""maggy's ``AbstractAblator``: the policy that turns an ``AblationStudy`` into trials.

A subclass makes its trials in ``initialize()`` (into ``trial_buffer``) or hands them out
one by one from ``get_trial()``; ``experiment.lagom`` asks for trials until it gets
``None`` (at most ``get_number_of_trials()``), then runs them all as one experiment.
Each trial is a maggy ``Trial`` of type ``"ablation"`` whose params hold
``dataset_function``, ``model_function``, ``ablated_feature`` and ``ablated_layer``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from ...trial import Trial


class AbstractAblator(ABC):
    def __init__(self, ablation_study: Any, final_store: list[Any]) -> None:
        self.ablation_study = ablation_study
        self.final_store = final_store
        self.trial_buffer: list[Trial] = []

    @abstractmethod
    def get_number_of_trials(self) -> int:
        """How many trials the study has, the base (reference) trial included."""

    @abstractmethod
    def get_dataset_generator(
        self, ablated_feature: str | None, dataset_type: str = "tfrecord"
    ) -> Callable[..., Any]:
        """The ``dataset_function(num_epochs, batch_size)`` of a trial leaving out
        ``ablated_feature`` (None: every feature)."""

    @abstractmethod
    def get_model_generator(self, ablated_layer: Any) -> Callable[[], Any]:
        """The ``model_function()`` of a trial leaving out ``ablated_layer``."""

    @abstractmethod
    def initialize(self) -> None:
        """Make the trials (or the first of them) before the experiment starts."""

    @abstractmethod
    def get_trial(self, ablation_trial: Trial | None = None) -> Trial | None:
        """The next ``Trial`` to run, or ``None`` when there are no more."""

    @abstractmethod
    def finalize_experiment(self, trials: Any) -> None:
        """Called once the trials have run (clean-up, extra logging)."""

    def name(self) -> str:
        return str(self.__class__.__name__)
