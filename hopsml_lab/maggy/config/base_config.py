"""maggy's ``BaseConfig``: ``lagom`` without a search. ``experiment.lagom(train_fn,
BaseConfig())`` calls ``train_fn()`` once (maggy calls it on every executor), records it
as a one-trial experiment and returns maggy's ``{"test result": {key: [value]}}``.
"""

from __future__ import annotations

from .lagom import LagomConfig


class BaseConfig(LagomConfig):
    def __init__(self, name: str = "base", hb_interval: int = 1, description: str = "") -> None:
        super().__init__(name, description, hb_interval)
