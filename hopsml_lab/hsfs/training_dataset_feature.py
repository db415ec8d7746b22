"""hsfs' ``TrainingDatasetFeature``: a column of a feature view (or training dataset)
with its type, position, feature group and whether it is a label or a helper column."""

from __future__ import annotations

from typing import Any

from ..featurestore.featuregroups.spec import feature_name

COMPLEX_TYPES = ("MAP", "ARRAY", "STRUCT", "UNIONTYPE")


class TrainingDatasetFeature:
    """``TrainingDatasetFeature(name, type=None, index=None, featuregroup=None,
    feature_group_feature_name=None, label=False, inference_helper_column=False,
    training_helper_column=False, transformation_function=None)`` as in hsfs 5.x."""

    def __init__(
        self,
        name: str,
        type: str | None = None,  # hsfs' name
        index: int | None = None,
        featuregroup: Any = None,
        feature_group_feature_name: str | None = None,
        label: bool = False,
        inference_helper_column: bool = False,
        training_helper_column: bool = False,
        transformation_function: Any = None,
        **kwargs: Any,
    ) -> None:
        self._name = feature_name(name)
        self._type = type
        self._index = index
        self._feature_group = featuregroup
        self._feature_group_feature_name = feature_group_feature_name
        self._label = label
        self._inference_helper_column = inference_helper_column
        self._training_helper_column = training_helper_column
        self._on_demand_transformation_function = transformation_function

    def is_complex(self) -> bool:
        """Whether the feature has a complex (array, map, struct) type."""
        return str(self._type).upper().startswith(COMPLEX_TYPES)

    @property
    def name(self) -> str:
        return self._name

    @property
    def type(self) -> str | None:
        return self._type

    @property
    def index(self) -> int | None:
        return self._index

    @property
    def label(self) -> bool:
        return self._label

    @label.setter
    def label(self, label: bool) -> None:
        self._label = label

    @property
    def inference_helper_column(self) -> bool:
        return self._inference_helper_column

    @inference_helper_column.setter
    def inference_helper_column(self, value: bool) -> None:
        self._inference_helper_column = value

    @property
    def training_helper_column(self) -> bool:
        return self._training_helper_column

    @training_helper_column.setter
    def training_helper_column(self, value: bool) -> None:
        self._training_helper_column = value

    @property
    def on_demand_transformation_function(self) -> Any:
        return self._on_demand_transformation_function

    @property
    def feature_group(self) -> Any:
        return self._feature_group

    @property
    def feature_group_feature_name(self) -> str | None:
        return self._feature_group_feature_name

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self._name,
            "type": self._type,
            "index": self._index,
            "label": self._label,
            "inferenceHelperColumn": self._inference_helper_column,
            "trainingHelperColumn": self._training_helper_column,
            "featureGroupFeatureName": self._feature_group_feature_name,
        }

    def __repr__(self) -> str:
        return (
            f"Training Dataset Feature({self._name!r}, {self._type!r}, {self._index!r}, "
            f"{self._label}, {self._feature_group_feature_name})"
        )
