"""hsfs' ``Feature``: a named, typed column of a feature group."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..featurestore.featuregroups.spec import feature_name

if TYPE_CHECKING:
    from .constructor.filter import Filter


class Feature:
    """A feature (column) of a feature group, with hsfs' 5.x signature. Comparisons
    (``fg.amount > 10``, ``fg.city.isin([...])``, ``fg.name.like("%x%")``) build the
    ``Filter`` objects queries filter with; ``&`` and ``|`` combine them."""

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

    # -- filters ------------------------------------------------------------------

    def _filter(self, condition: str, value: Any) -> Filter:
        from .constructor.filter import Filter, filter_value

        if isinstance(value, Feature):
            raise TypeError(
                f"compare feature {self._name!r} with a value, not with feature "
                f"{value.name!r} (join the groups on it instead)"
            )
        return Filter(self, condition, filter_value(self._type, value, self._name))

    def __lt__(self, other: Any) -> Filter:
        return self._filter("LESS_THAN", other)

    def __le__(self, other: Any) -> Filter:
        return self._filter("LESS_THAN_OR_EQUAL", other)

    def __eq__(self, other: Any) -> Filter:  # type: ignore[override]
        return self._filter("EQUALS", other)

    def __ne__(self, other: Any) -> Filter:  # type: ignore[override]
        return self._filter("NOT_EQUALS", other)

    def __ge__(self, other: Any) -> Filter:
        return self._filter("GREATER_THAN_OR_EQUAL", other)

    def __gt__(self, other: Any) -> Filter:
        return self._filter("GREATER_THAN", other)

    def isin(self, other: list[Any]) -> Filter:
        """Rows whose value is one of ``other`` (stored as a JSON list, as hsfs does)."""
        from .constructor.filter import Filter, isin_value

        if isinstance(other, str) or not hasattr(other, "__iter__"):
            raise TypeError(f"isin takes a list of values, not {other!r}")
        return Filter(self, "IN", isin_value(other))

    def contains(self, other: list[Any]) -> Filter:
        """Deprecated in hsfs: ``isin``."""
        return self.isin(other)

    def like(self, other: str) -> Filter:
        """Rows whose value matches the SQL pattern ``other`` (``%`` any run, ``_`` one)."""
        from .constructor.filter import Filter

        return Filter(self, "LIKE", other)

    def __hash__(self) -> int:
        return hash(f"{self._feature_group_id}_{self._name}")

    def __repr__(self) -> str:
        return f"Feature({self._name!r}, {self._type!r}, {self._description!r})"
