"""maggy's ``AblationConfig`` (leave-one-component-out studies): not in HopsML Lab yet.

Constructing one raises, naming what to use instead today.
"""

from __future__ import annotations

from typing import Any

from .._unavailable import not_yet
from .lagom import LagomConfig


class AblationConfig(LagomConfig):
    def __init__(
        self,
        ablation_study: Any,
        ablator: Any = "loco",
        direction: str = "max",
        name: str = "ablationStudy",
        description: str = "",
        hb_interval: int = 1,
        model: Any = None,
        dataset: Any = None,
    ) -> None:
        raise not_yet(
            "ablation study (AblationConfig)",
            "run one trial per left-out feature or layer with "
            "hopsml_lab.experiment.grid_search over a parameter naming what to leave out",
        )
