"""hsfs' ``GeExpectation``: one expectation of a suite (type, kwargs, meta), its id
set when the suite is saved to a feature group (also kept as ``meta["expectationId"]``).

>>> e = GeExpectation("expect_column_values_to_not_be_null", {"column": "age"}, {})
>>> e.to_json_dict()["expectationType"]
'expect_column_values_to_not_be_null'
"""

from __future__ import annotations

import json
from typing import Any

from .core.constants import GE_MAJOR, ge_expectation_configuration
from .core.json_forms import JsonForm
from .core.json_forms import decamelize as _decamelize


class GeExpectation(JsonForm):
    """Metadata object representing a feature validation expectation in the Feature Store."""

    def __init__(
        self,
        expectation_type: str,
        kwargs: dict[str, Any] | str,
        meta: dict[str, Any] | str,
        id: int | None = None,
        href: str | None = None,
    ) -> None:
        self._id = id
        self._href = href
        self._expectation_type = expectation_type
        self.kwargs = kwargs
        self.meta = meta
        if "expectationId" in self._meta:  # from a GE object or a saved suite
            self._id = self._meta["expectationId"]
        if "expectation_id" in self._meta:  # a decamelized REST answer
            self._meta["expectationId"] = self._meta.pop("expectation_id")

    @classmethod
    def from_ge_type(cls, ge_expectation: Any) -> GeExpectation:
        """A ``GeExpectation`` of GE's ``ExpectationConfiguration`` (0.18 or 1.x)."""
        json_dict = dict(ge_expectation.to_json_dict())
        if "type" in json_dict and "expectation_type" not in json_dict:
            json_dict["expectation_type"] = json_dict.pop("type")
        known = ("expectation_type", "kwargs", "meta", "id", "href")
        json_dict = {k: v for k, v in json_dict.items() if k in known}
        if not isinstance(json_dict.get("id"), int):
            json_dict.pop("id", None)  # GE 1.x ids are UUIDs, not Hopsworks ids
        json_dict.setdefault("meta", {})
        return cls(**json_dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self._id,
            "expectationType": self._expectation_type,
            "kwargs": json.dumps(self._kwargs),
            "meta": json.dumps(self._meta),
        }

    def to_json_dict(self, decamelize: bool = False) -> dict[str, Any]:
        the_dict = {
            "id": self._id,
            "expectationType": self._expectation_type,
            "kwargs": self._kwargs,
            "meta": self._meta,
        }
        return _decamelize(the_dict) if decamelize else the_dict

    def __str__(self) -> str:
        return self.json()

    def __repr__(self) -> str:
        return (
            f"GeExpectation(id={self._id},"
            f"expectation_type='{self._expectation_type}', "
            f"kwargs={self._kwargs}, meta={self._meta})"
        )

    def to_ge_type(self) -> Any:
        """GE's ``ExpectationConfiguration`` (needs great_expectations installed)."""
        configuration = ge_expectation_configuration()
        if GE_MAJOR == 1:
            return configuration(type=self.expectation_type, kwargs=self.kwargs, meta=self.meta)
        return configuration(
            expectation_type=self.expectation_type, kwargs=self.kwargs, meta=self.meta
        )

    @property
    def id(self) -> int | None:
        """Id of the expectation, set when its suite is saved to a feature group."""
        return self._id or None

    @id.setter
    def id(self, id: int | str | None) -> None:
        if isinstance(id, int):
            self._id = id
        elif isinstance(id, str):
            self._id = int(id)

    @property
    def expectation_type(self) -> str:
        """Type of the expectation."""
        return self._expectation_type

    @expectation_type.setter
    def expectation_type(self, expectation_type: str) -> None:
        self._expectation_type = expectation_type

    @property
    def kwargs(self) -> dict[str, Any]:
        """Kwargs to run the expectation."""
        return self._kwargs

    @kwargs.setter
    def kwargs(self, kwargs: dict[str, Any] | str) -> None:
        if isinstance(kwargs, dict):
            self._kwargs = kwargs
        elif isinstance(kwargs, str):
            self._kwargs = json.loads(kwargs)
        else:
            raise ValueError("Kwargs field must be stringified json or dict.")

    @property
    def meta(self) -> dict[str, Any]:
        """Meta field of the expectation to store additional information."""
        return self._meta

    @meta.setter
    def meta(self, meta: dict[str, Any] | str) -> None:
        if isinstance(meta, dict):
            self._meta = meta
        elif isinstance(meta, str):
            self._meta = json.loads(meta)
        else:
            raise ValueError("Meta field must be stringified json or dict.")
