"""maggy's ``AbstractAblator``: not in HopsML Lab yet; constructing a subclass raises."""

from __future__ import annotations

from abc import ABC
from typing import Any

from ..._unavailable import not_yet
from ..ablationstudy import INSTEAD


class AbstractAblator(ABC):  # noqa: B024 - constructing any ablator raises here
    def __init__(self, ablation_study: Any, final_store: Any) -> None:
        raise not_yet(f"ablator {type(self).__name__}", INSTEAD)

    def name(self) -> str:
        return type(self).__name__
