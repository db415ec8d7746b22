"""hsfs' ``TrainingDatasetSplit``: one split of a training dataset (random by
``percentage``, or by event time ``[start_time, end_time)`` in epoch ms)."""

from __future__ import annotations

import json
from typing import Any


class TrainingDatasetSplit:
    """A split: ``name`` (``"train"``, ``"validation"``, ``"test"`` or your own),
    ``split_type`` (``RANDOM_SPLIT`` or ``TIME_SERIES_SPLIT``), ``percentage``,
    ``start_time``, ``end_time``."""

    TIME_SERIES_SPLIT = "TIME_SERIES_SPLIT"
    RANDOM_SPLIT = "RANDOM_SPLIT"
    TRAIN = "train"
    VALIDATION = "validation"
    TEST = "test"

    def __init__(
        self,
        name: str,
        split_type: str,
        percentage: float | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        **kwargs: Any,
    ) -> None:
        self._name = name
        self._split_type = split_type
        self._percentage = percentage
        self._start_time = start_time
        self._end_time = end_time

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, name: str) -> None:
        self._name = name

    @property
    def percentage(self) -> float | None:
        return self._percentage

    @percentage.setter
    def percentage(self, percentage: float | None) -> None:
        self._percentage = percentage

    @property
    def split_type(self) -> str:
        return self._split_type

    @split_type.setter
    def split_type(self, split_type: str) -> None:
        self._split_type = split_type

    @property
    def start_time(self) -> int | None:
        return self._start_time

    @start_time.setter
    def start_time(self, start_time: int | None) -> None:
        self._start_time = start_time

    @property
    def end_time(self) -> int | None:
        return self._end_time

    @end_time.setter
    def end_time(self, end_time: int | None) -> None:
        self._end_time = end_time

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self._name,
            "percentage": self._percentage,
            "splitType": self._split_type,
            "startTime": self._start_time,
            "endTime": self._end_time,
        }

    def json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_response_json(cls, json_dict: dict[str, Any]) -> TrainingDatasetSplit:
        get = json_dict.get
        return cls(
            name=json_dict["name"],
            split_type=get("splitType", get("split_type", cls.RANDOM_SPLIT)),
            percentage=get("percentage"),
            start_time=get("startTime", get("start_time")),
            end_time=get("endTime", get("end_time")),
        )

    def __repr__(self) -> str:
        return (
            f"TrainingDatasetSplit({self._name!r}, {self._split_type!r}, {self._percentage!r}, "
            f"{self._start_time!r}, {self._end_time!r})"
        )
