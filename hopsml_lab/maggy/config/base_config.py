"""maggy's ``BaseConfig``: ``lagom`` without a search, which runs the training function
on every executor. Constructing one works; ``experiment.lagom`` with it (or with no
configuration) raises, naming ``hopsml_lab.experiment.launch`` instead.
"""

from __future__ import annotations

from .lagom import LagomConfig


class BaseConfig(LagomConfig):
    def __init__(self, name: str = "base", hb_interval: int = 1, description: str = "") -> None:
        super().__init__(name, description, hb_interval)
