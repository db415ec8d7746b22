"""maggy's ``AblationStudy`` and its ``Features``, ``Model`` and ``Layers`` parts: not in
HopsML Lab yet; constructing any of them raises."""

from __future__ import annotations

from typing import Any

from .._unavailable import not_yet

INSTEAD = (
    "run one trial per left-out feature or layer with hopsml_lab.experiment.grid_search "
    "over a parameter naming what to leave out"
)


class AblationStudy:
    def __init__(
        self,
        training_dataset_name: str,
        training_dataset_version: int,
        label_name: str,
        **kwargs: Any,
    ) -> None:
        raise not_yet("ablation study (AblationStudy)", INSTEAD)


class Features:
    def __init__(self) -> None:
        raise not_yet("ablation study (AblationStudy.features)", INSTEAD)


class Model:
    def __init__(self) -> None:
        raise not_yet("ablation study (AblationStudy.model)", INSTEAD)


class Layers:
    def __init__(self) -> None:
        raise not_yet("ablation study (AblationStudy.model.layers)", INSTEAD)
