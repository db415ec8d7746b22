"""maggy's ``NoStoppingRule``: never stops a trial (``es_policy='none'``)."""

from __future__ import annotations

from typing import Any

from .abstractearlystop import AbstractEarlyStop


class NoStoppingRule(AbstractEarlyStop):
    @staticmethod
    def earlystop_check(to_check: Any, finalized_trials: list[Any], direction: str) -> None:
        return None
