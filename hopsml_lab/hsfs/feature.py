"""hsfs' ``Feature``: a named, typed column of a feature group."""

from __future__ import annotations

from typing import Any

from ..featurestore.groups import feature_name


class Feature:
    """A feature (column) of a feature group, with hsfs' 5.x signature. Filter
    expressions (``fg.amount > 10``) come with queries in a later version."""

    def __init__(
        self,
        name: str,
        type: str | None = None,  # hsfs' name
        description: str | None = None,
        primary: bool = False,
        foreign: bool = False,
        partition: bool = False,
        hudi_precombine_key: bool = False,
        offline_only: bool = False,
        online_type: str | None = None,
        default_value: str | None = None,
        feature_group_id: int | None = None,
        feature_group: Any = None,
        on_demand: bool = False,
        use_fully_qualified_name: bool = False,
        column_name: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.original_name = name
        self._name = feature_name(name)
        self._type = type
        self._description = description
        self._primary = bool(primary)
        self._foreign = bool(foreign)
        self._partition = bool(partition)
        self._hudi_precombine_key = bool(hudi_precombine_key)
        self._online_type = online_type
        self._default_value = default_value
        self._feature_group_id = feature_group_id
        self._feature_group = feature_group
        self._on_demand = on_demand
        self.column_name = column_name or self._name

    @property
    def name(self) -> str:
        return self._name

    @property
    def type(self) -> str | None:
        return self._type

    @property
    def description(self) -> str | None:
        return self._description

    @description.setter
    def description(self, text: str | None) -> None:
        self._description = text

    @property
    def primary(self) -> bool:
        return self._primary

    @property
    def foreign(self) -> bool:
        return self._foreign

    @property
    def partition(self) -> bool:
        return self._partition

    @property
    def online_type(self) -> str | None:
        return self._online_type

    @property
    def default_value(self) -> str | None:
        return self._default_value

    @property
    def feature_group_id(self) -> int | None:
        return self._feature_group_id

    def __repr__(self) -> str:
        return f"Feature({self._name!r}, {self._type!r}, {self._description!r})"
