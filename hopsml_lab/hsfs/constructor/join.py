"""hsfs' ``Join``: one join of a query with a sub-query."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .query import Query


class Join:
    """A join as ``Query.join`` records it (``join_type`` upper-cased)."""

    INNER = "INNER"
    LEFT = "LEFT"
    RIGHT = "RIGHT"
    FULL = "FULL"
    CROSS = "CROSS"
    LEFT_SEMI_JOIN = "LEFT_SEMI_JOIN"

    def __init__(
        self,
        query: Query,
        on: list[str] | None,
        left_on: list[str] | None,
        right_on: list[str] | None,
        join_type: str | None,
        prefix: str | None,
        **kwargs: Any,
    ) -> None:
        self._query = query
        self._on = list(on or [])
        self._left_on = list(left_on or [])
        self._right_on = list(right_on or [])
        self._join_type = (join_type or self.LEFT).upper()
        self._prefix = prefix

    @property
    def query(self) -> Query:
        return self._query

    @property
    def on(self) -> list[str]:
        return self._on

    @property
    def left_on(self) -> list[str]:
        return self._left_on

    @property
    def right_on(self) -> list[str]:
        return self._right_on

    @property
    def join_type(self) -> str:
        return self._join_type

    @property
    def prefix(self) -> str | None:
        return self._prefix

    def __repr__(self) -> str:
        return f"Join({self._join_type}, on={self._on or (self._left_on, self._right_on)})"
