"""maggy's ``LOCO`` (leave one component out) ablator: not in HopsML Lab yet."""

from __future__ import annotations

from typing import Any

from ..._unavailable import not_yet
from ..ablationstudy import INSTEAD
from .abstractablator import AbstractAblator


class LOCO(AbstractAblator):
    def __init__(self, ablation_study: Any, final_store: Any) -> None:
        raise not_yet("LOCO ablator", INSTEAD)
