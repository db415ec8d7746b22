"""hsfs' ``Filter`` (one comparison on a feature) and ``Logic`` (AND / OR of filters)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from ...featurestore.errors import BadTime
from ...featurestore.query.plan import Combined, Condition
from ...featurestore.times import to_epoch_ms


class Filter:
    """``feature <condition> value``, made by ``Feature``'s operators (``fg.amount > 10``)."""

    GE = "GREATER_THAN_OR_EQUAL"
    GT = "GREATER_THAN"
    NE = "NOT_EQUALS"
    EQ = "EQUALS"
    LE = "LESS_THAN_OR_EQUAL"
    LT = "LESS_THAN"
    IN = "IN"
    LK = "LIKE"

    def __init__(self, feature: Any, condition: str, value: Any, **kwargs: Any) -> None:
        self._feature = feature
        self._condition = condition
        self._value = value

    @property
    def feature(self) -> Any:
        return self._feature

    @property
    def condition(self) -> str:
        return self._condition

    @property
    def value(self) -> Any:
        return self._value

    def __and__(self, other: Filter | Logic) -> Logic:
        return Logic._combine(Logic.AND, self, other)

    def __or__(self, other: Filter | Logic) -> Logic:
        return Logic._combine(Logic.OR, self, other)

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature": self._feature.name,
            "condition": self._condition,
            "value": str(self._value),
        }

    def _predicate(self) -> Condition:
        return Condition(
            self._feature.feature_group_id, self._feature.name, self._condition, self._value
        )

    def __repr__(self) -> str:
        return f"Filter({self._feature.name!r}, {self._condition!r}, {self._value!r})"


class Logic:
    """``left AND right`` / ``left OR right`` of filters or logics; ``SINGLE`` wraps one."""

    AND = "AND"
    OR = "OR"
    SINGLE = "SINGLE"

    def __init__(
        self,
        type: str,  # hsfs' name
        left_f: Filter | None = None,
        right_f: Filter | None = None,
        left_l: Logic | None = None,
        right_l: Logic | None = None,
        **kwargs: Any,
    ) -> None:
        self._type = type
        self._left_f, self._right_f = left_f, right_f
        self._left_l, self._right_l = left_l, right_l

    @classmethod
    def _combine(cls, kind: str, left: Filter | Logic, right: Filter | Logic) -> Logic:
        for side in (left, right):
            if not isinstance(side, Filter | Logic):
                raise TypeError(
                    f"combine filters with & and | only with Filter or Logic objects, not "
                    f"{type(side).__name__} (wrap comparisons in parentheses)"
                )
        return cls(
            kind,
            left_f=left if isinstance(left, Filter) else None,
            right_f=right if isinstance(right, Filter) else None,
            left_l=left if isinstance(left, Logic) else None,
            right_l=right if isinstance(right, Logic) else None,
        )

    @classmethod
    def _And(cls, left: Filter | Logic, right: Filter | Logic) -> Logic:
        return cls._combine(cls.AND, left, right)

    @classmethod
    def _Or(cls, left: Filter | Logic, right: Filter | Logic) -> Logic:
        return cls._combine(cls.OR, left, right)

    @classmethod
    def _Single(cls, left: Filter) -> Logic:
        return cls(cls.SINGLE, left_f=left)

    @property
    def type(self) -> str:
        return self._type

    def __and__(self, other: Filter | Logic) -> Logic:
        return Logic._combine(Logic.AND, self, other)

    def __or__(self, other: Filter | Logic) -> Logic:
        return Logic._combine(Logic.OR, self, other)

    def _predicate(self) -> Condition | Combined:
        left = self._left_f or self._left_l
        right = self._right_f or self._right_l
        assert left is not None
        if self._type == self.SINGLE or right is None:
            return left._predicate()
        return Combined(self._type, left._predicate(), right._predicate())

    def __repr__(self) -> str:
        parts = [self._left_f or self._left_l, self._right_f or self._right_l]
        return f"Logic({self._type!r}, {', '.join(repr(p) for p in parts if p is not None)})"


def filter_value(feature_type: str | None, value: Any, feature: str = "") -> Any:
    """The value a comparison stores, as hsfs' ``Feature._get_filter_value``: any value
    compared with a ``timestamp`` feature is read as hsfs'
    ``util._convert_event_time_to_timestamp`` reads a time (``times.to_epoch_ms``: a
    datetime or ``pd.Timestamp``, naive meaning UTC; a date, as midnight UTC; an int
    epoch, seconds up to 10 digits, else milliseconds; a string in hsfs' formats) and
    stored as the UTC time to the second, ``%Y-%m-%d %H:%M:%S`` (hsfs drops the
    milliseconds). Other features' values stay as given, and so does ``None`` (hsfs
    fails on it; here it compares as SQL's ``IS NULL``)."""
    if feature_type != "timestamp" or value is None:
        return value
    what = f"timestamp feature {feature!r}" if feature else "a timestamp feature"
    try:
        millis = to_epoch_ms(value)
    except BadTime as error:
        raise BadTime(f"cannot compare {what} with {value!r}: {error}") from None
    if millis is None:  # an empty string: hsfs fails on it too
        raise BadTime(f"cannot compare {what} with {value!r}: give a time, not an empty string")
    moment = datetime.fromtimestamp(millis / 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def isin_value(values: Any) -> str:
    return json.dumps(list(values), default=str)
