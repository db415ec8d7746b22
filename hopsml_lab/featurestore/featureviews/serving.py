"""Feature vectors from the online store, as hsfs 5.x's ``VectorServer`` with its SQL
client assembles them (``fv.init_serving``, ``get_feature_vector(s)``,
``get_inference_helper(s)`` delegate here).

Serving keys are the primary keys of the query's groups, computed as the Hopsworks
backend computes them for a feature view (``FeatureViewController.getServingKeys``):

* groups in join order (``fg0, fg1, …``); first each join condition whose right
  feature is a primary key of the joined group: its serving key joins on the left
  feature, and is *not required* (the caller gives the left feature's value once) when
  that left feature is a primary key of the query's first group; then every other
  primary key of the group, required;
* a required key's name is the join's prefix + the feature; a name taken already gets
  the prefix ``0_``, ``1_``, … (``0_<prefix>`` … with a prefix) until it is free;
* keys of a group whose view features are all labels are dropped, unless another key
  joins on them.

A vector is one lookup per group (by the full primary key; a group whose keys the entry
does not give is not looked up), its columns the view's features in query order less
labels and helper columns. ``passed_features`` override fetched values. Nothing found
and nothing passed: ``None`` (``vectors`` drops that entry), unless ``allow_missing``;
some features missing: ``FeatureStoreException``, unless ``allow_missing`` (gaps are
``None``). A serving key given in the entry fills its slot when the vector has it.
Model-dependent transformations (not those of labels) run per row through
``transformations.apply_row``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import FeatureGroupWarning, FeatureStoreException
from ..featuregroups.online import RowReader, coerce_key, decoder, integer, row_reader
from ..query.plan import Plan, build_plan

if TYPE_CHECKING:
    from ...catalog import FeatureGroupRecord, FeatureViewRecord
    from ..featuregroups.groups import FeatureGroups

RETURN_TYPES = ("list", "numpy", "pandas", "polars")
_ABSENT = object()
HELPER_RETURN_TYPES = ("dict", "pandas", "polars")


@dataclass(frozen=True)
class ServingKey:
    """hsfs' ``ServingKey``: a primary key of a group of the view, and the name the
    caller gives its value under (``required_serving_key``)."""

    feature_name: str
    join_index: int
    feature_group_id: int
    feature_group_name: str
    feature_group_version: int
    required: bool = True
    prefix: str = ""
    join_on: str | None = None

    @property
    def required_serving_key(self) -> str:
        """The entry's key for this value: prefix + feature if required, else the left
        feature it joins on."""
        return self.prefix + self.feature_name if self.required else (self.join_on or "")


@dataclass
class ViewParts:
    """What serving needs of a feature view: its query's plan (``build_plan``; with its
    outputs as the view's features), labels and helper columns."""

    plan: Plan
    labels: list[str] = field(default_factory=list)
    inference_helper_columns: list[str] = field(default_factory=list)
    training_helper_columns: list[str] = field(default_factory=list)


def _free_prefix(taken: set[str], feature: str, prefix: str | None) -> str | None:
    """``prefix``, or when ``prefix + feature`` is taken the first free ``<i>_<prefix>``."""
    if (prefix or "") + feature not in taken:
        return prefix
    i = 0
    while f"{i}_{prefix or ''}{feature}" in taken:
        i += 1
    return f"{i}_{prefix or ''}"


def serving_keys(plan: Plan, labels: Sequence[str] = ()) -> list[ServingKey]:
    """The view's serving keys in the backend's order (see the module)."""
    first_keys = set(plan.nodes[0].group.primary_key)
    taken: set[str] = set()  # prefix + feature of the keys so far
    keys: list[ServingKey] = []
    for index, node in enumerate(plan.nodes):
        group = node.group
        primary = [f.name for f in group.features if f.name in group.primary_key]
        done: set[str] = set()  # join prefix + feature of this group's keys
        wanted = [
            (right, left) for left, right in zip(node.parent_keys, node.keys, strict=True)
        ]  # join conditions on a plain column of the group leave its own keys asked for
        wanted = [(right, left) for right, left in wanted if right in primary]
        wanted += [(name, None) for name in primary]
        for feature, join_on in wanted:
            if join_on is None and (node.prefix or "") + feature in done:
                continue
            required = join_on is None or join_on not in first_keys
            prefix = _free_prefix(taken, feature, node.prefix) if required else node.prefix
            key = ServingKey(
                feature_name=feature,
                join_index=index,
                feature_group_id=group.id,
                feature_group_name=group.name,
                feature_group_version=group.version,
                required=required,
                prefix=prefix or "",
                join_on=join_on,
            )
            keys.append(key)
            taken.add(key.prefix + feature)
            done.add((node.prefix or "") + feature)
    label_set = set(labels)
    features: dict[int, list[str]] = {}
    for alias, _, name in plan.outputs:
        features.setdefault(plan.node(alias).group.id, []).append(name)
    label_only = {g for g, names in features.items() if all(n in label_set for n in names)}
    joined_on = {k.join_on for k in keys}
    return [
        k
        for k in keys
        if k.feature_group_id not in label_only or k.prefix + k.feature_name in joined_on
    ]


@dataclass
class _Lookup:
    """One group's lookup: how its key is bound from an entry and what it gives."""

    alias: str
    group_id: int
    kinds: list[str]  # the hsfs types of the primary key columns, in key order
    bindings: list[tuple[str, str]]  # per key column: (required serving key, feature name)
    fields: list[tuple[str, str, Callable[[Any], Any] | None]]  # (column, output, decoder)

    def key(self, entry: dict[str, Any]) -> str | None:
        """The row key the entry names (None: it leaves a key out or cannot match)."""
        if self.kinds == ["bigint"] or self.kinds == ["int"]:  # the common case, quicker
            required, name = self.bindings[0]
            value = entry[required] if required in entry else entry.get(name, _ABSENT)
            if value is _ABSENT:
                return None
            try:
                return f"[{integer(value)}]"
            except (TypeError, ValueError, OverflowError):
                return None
        values = []
        for required, name in self.bindings:
            if required in entry:
                values.append(entry[required])
            elif name in entry:
                values.append(entry[name])
            else:
                return None
        return coerce_key(self.kinds, values)


def _polars() -> Any:
    try:
        import polars
    except ImportError:
        raise ModuleNotFoundError(
            "return_type 'polars' needs the polars package: pip install polars, or use "
            "return_type='pandas'"
        ) from None
    return polars


def _view_parts(view: FeatureViewRecord, groups: FeatureGroups) -> ViewParts:
    from .view_spec import spec_from_json

    def lookup(group_id: int, name: str, version: int) -> FeatureGroupRecord:
        group = groups.get(name, version)
        if group is None or group.id != group_id:
            raise FeatureStoreException(
                f"feature view {view.name!r} version {view.version} reads feature group "
                f"{name!r} version {version}, which was deleted: it cannot be served"
            )
        return group

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeatureGroupWarning)
        plan = build_plan(spec_from_json(view.query, lookup))
    return ViewParts(
        plan,
        list(view.labels),
        list(view.inference_helper_columns),
        list(view.training_helper_columns),
    )


def serving_for(
    view: ViewParts | FeatureViewRecord,
    groups: FeatureGroups,
    transformations: Sequence[Any] | None = None,
    fitted: Any = None,
) -> Serving:
    """A ``Serving`` of ``view`` (a ``FeatureViewRecord``, or its ``ViewParts``) over the
    online store of ``groups``' catalog; ``transformations`` are the view's bound
    model-dependent transformation functions, ``fitted`` their training statistics."""
    parts = view if isinstance(view, ViewParts) else _view_parts(view, groups)
    return Serving(parts, groups, list(transformations or []), fitted)


class Serving:
    """Feature vectors of one feature view; lookups prepared once (``serving_for``)."""

    def __init__(
        self,
        parts: ViewParts,
        groups: FeatureGroups,
        transformations: list[Any],
        fitted: Any = None,
    ) -> None:
        plan = parts.plan
        offline = sorted(
            {f"{n.group.name} (version {n.group.version})" for n in plan.nodes}
            - {
                f"{n.group.name} (version {n.group.version})"
                for n in plan.nodes
                if n.group.online_enabled
            }
        )
        if offline:
            raise FeatureStoreException(
                "Feature vectors come from the online store, so every feature group of the "
                f"view must be online enabled; {', '.join(offline)} are not: create them "
                "with online_enabled=True"
            )
        keyless = sorted({n.group.name for n in plan.nodes if not n.group.primary_key})
        if keyless:
            raise FeatureStoreException(
                f"feature group(s) {keyless} have no primary key: feature vectors are looked "
                "up by primary key, so every group of the view needs one"
            )
        self.plan = plan
        self.labels = list(parts.labels)
        self.inference_helper_columns = list(parts.inference_helper_columns)
        self.training_helper_columns = list(parts.training_helper_columns)
        self.serving_keys = serving_keys(plan, self.labels)
        self.required_serving_keys = [k.required_serving_key for k in self.serving_keys]
        left_out = set(self.labels) | set(self.inference_helper_columns)
        left_out |= set(self.training_helper_columns)
        self.feature_vector_columns = [n for _, _, n in plan.outputs if n not in left_out]
        self._required = frozenset(self.feature_vector_columns)
        self._valid = frozenset(self.required_serving_keys)
        self._composite: dict[int, list[tuple[str, str]]] = {}
        for key in self.serving_keys:
            self._composite.setdefault(key.feature_group_id, []).append(
                (key.required_serving_key, key.feature_name)
            )
        # required serving key -> (feature, view features of groups of that name); hsfs
        # matches groups by name here.
        self._per_key: dict[str, tuple[str, frozenset[str]]] = {}
        for key in self.serving_keys:
            names = frozenset(
                n
                for a, _, n in plan.outputs
                if plan.node(a).group.name == key.feature_group_name and n not in self.labels
            )
            self._per_key[key.required_serving_key] = (key.feature_name, names)
        self._bound = self._serving_transformations(transformations)
        # With transformations, a vector's rows also give the inference helper columns
        # (hsfs fetches them with the features then: a transformation may read them).
        helpers = self.inference_helper_columns if self._bound else []
        self._lookups = self._prepare([*self.feature_vector_columns, *helpers])
        self._helper_lookups = self._prepare(self.inference_helper_columns)
        self._fitted = fitted
        self._transformed_columns: list[str] | None = None
        self._reader: RowReader = row_reader(groups.lab.db)

    def _prepare(self, wanted: Sequence[str]) -> list[_Lookup]:
        """A lookup per group with an output in ``wanted`` (hsfs' prepared statements)."""
        wanted_set = set(wanted)
        lookups = []
        for index, node in enumerate(self.plan.nodes):
            fields = [
                (column, name, decoder(self._kind(node.group, column)))
                for alias, column, name in self.plan.outputs
                if alias == node.alias and name in wanted_set
            ]
            if not fields:
                continue
            mine = {k.feature_name: k for k in self.serving_keys if k.join_index == index}
            if any(k not in mine for k in node.group.primary_key):
                continue
            lookups.append(
                _Lookup(
                    alias=node.alias,
                    group_id=node.group.id,
                    kinds=[self._kind(node.group, k) for k in node.group.primary_key],
                    bindings=[(mine[k].required_serving_key, k) for k in node.group.primary_key],
                    fields=fields,
                )
            )
        return lookups

    @staticmethod
    def _kind(group: FeatureGroupRecord, column: str) -> str:
        return next(f.type for f in group.features if f.name == column)

    def _serving_transformations(self, bound: list[Any]) -> list[Any]:
        if not bound:
            return []
        from .view_transforms import without_labels

        return without_labels(bound, self.labels)

    @property
    def primary_keys(self) -> set[str]:
        """hsfs' ``FeatureView.primary_keys``: the serving keys' names."""
        return set(self.required_serving_keys)

    # -- one vector -------------------------------------------------------------------

    def vector(
        self,
        entry: dict[str, Any],
        passed_features: dict[str, Any] | None = None,
        return_type: str = "list",
        allow_missing: bool = False,
        transform: bool = True,
    ) -> Any:
        """The feature vector of ``entry`` (serving key -> value), as ``return_type``
        says: a list, a 1-D numpy array, or a one-row pandas/polars frame; ``None``
        (list) when no group has a row for it and nothing was passed."""
        entry = self._validate(entry, allow_missing, passed_features)
        result = self._fetch(entry, self._lookups)
        vector = self._assemble(result, passed_features, allow_missing, entry, transform)
        return self._returned(vector, return_type, transform, batch=False)

    def _validate(
        self,
        entry: dict[str, Any] | None,
        allow_missing: bool,
        passed: dict[str, Any] | None,
    ) -> dict[str, Any]:
        if not entry:
            raise FeatureStoreException(
                "no serving keys given: pass the values of the view's serving keys "
                f"{self.required_serving_keys}, e.g. get_feature_vector({{...}})"
            )
        for key in entry:
            if key not in self._valid:
                raise FeatureStoreException(
                    f"Provided key {key} is not a serving key. Required serving keys: "
                    f"{self.required_serving_keys}."
                )
        for group in self._composite.values():
            present = [required in entry or name in entry for required, name in group]
            if any(present) and not all(present):
                raise FeatureStoreException(
                    "Provide either all composite serving keys or none. Composite keys: "
                    f"{[r for r, _ in group]} or {[n for _, n in group]} in entry {entry}."
                )
        if not allow_missing:
            passed_names = set(passed or ())
            missing = {}
            for required, (name, fetched) in self._per_key.items():
                if required not in entry and name not in entry and not fetched <= passed_names:
                    missing[required] = set(fetched - passed_names)
            if missing:
                raise FeatureStoreException(
                    f"Incomplete feature vector requests: {missing}. Give the missing serving "
                    "keys in the entry, or the features they would fetch in passed_features, "
                    "or pass allow_missing=True to get the vector with gaps"
                )
        return dict(entry)

    def _fetch(self, entry: dict[str, Any], lookups: list[_Lookup]) -> dict[str, Any]:
        """One lookup per group whose key the entry gives; the rows' outputs."""
        asked: list[tuple[int, str]] = []
        used: list[_Lookup] = []
        for lookup in lookups:
            key = lookup.key(entry)
            if key is not None:
                asked.append((lookup.group_id, key))
                used.append(lookup)
        result: dict[str, Any] = {}
        if not asked:
            return result
        for lookup, row in zip(used, self._reader.one(asked), strict=True):
            if row is not None:
                _put(result, lookup, row)
        return result

    def _assemble(
        self,
        result: dict[str, Any],
        passed: dict[str, Any] | None,
        allow_missing: bool,
        entry: dict[str, Any] | None,
        transform: bool,
    ) -> list[Any] | None:
        if passed:
            result.update(passed)
        if not result and not allow_missing:
            return None
        if entry:  # a serving key the caller gave fills its slot
            for key, value in entry.items():
                if (
                    value is not None
                    and (not passed or key not in passed)
                    and result.get(key) is None
                    and key in self._required
                ):
                    result[key] = value
        if not allow_missing:
            missing = self._required.difference(result)
            if missing:
                raise FeatureStoreException(
                    f"Feature(s) {set(missing)} is missing from vector. Either no row matches "
                    "the entry in the online store of one of the view's feature groups, or "
                    f"the serving keys {self.required_serving_keys} were not all given. "
                    "Give the features in passed_features, or pass allow_missing=True"
                )
        if transform and self._bound:
            return self._transformed(result)
        return [result.get(name) for name in self.feature_vector_columns]

    def _transformed(self, row: dict[str, Any]) -> list[Any]:
        from ..transformations import engine as transformations

        out = transformations.apply_row(self._bound, row, self._fitted)
        if self._transformed_columns is None:
            kept = [c for c in self.feature_vector_columns if c in out]
            self._transformed_columns = kept + [c for c in out if c not in row]
        return [out.get(name) for name in self._transformed_columns]

    def columns(self, transform: bool = True) -> list[str]:
        """The names of a vector's values (transformed ones once a vector was made)."""
        if transform and self._bound and self._transformed_columns is not None:
            return list(self._transformed_columns)
        return list(self.feature_vector_columns)

    def _returned(self, vectors: Any, return_type: str, transform: bool, batch: bool) -> Any:
        kind = str(return_type).lower()
        if kind == "list":
            return vectors
        if kind == "numpy":
            return np.array(vectors)
        if kind not in RETURN_TYPES:
            raise ValueError(
                f"return_type {return_type!r}: use 'list', 'numpy', 'pandas' or 'polars'"
            )
        names = self.columns(transform)
        empty = [None] * len(names)  # hsfs' one all-missing row for a vector not found
        rows = vectors if batch else [vectors if vectors is not None else empty]
        if kind == "pandas":
            return pd.DataFrame(rows, columns=names)
        return _polars().DataFrame(rows, schema=names, orient="row")

    # -- many vectors ---------------------------------------------------------------

    def vectors(
        self,
        entries: list[dict[str, Any]],
        passed_features: list[dict[str, Any]] | None = None,
        return_type: str = "list",
        allow_missing: bool = False,
        transform: bool = True,
    ) -> Any:
        """The vectors of ``entries``, one query per group for them all; an entry no
        group has a row for (and nothing passed) is left out, as hsfs does."""
        passed_features = passed_features or []
        if passed_features and len(passed_features) != len(entries):
            raise FeatureStoreException(
                f"passed_features has {len(passed_features)} items for {len(entries)} "
                "entries: give one dictionary per entry, or none"
            )
        if not entries:
            raise FeatureStoreException(
                "no serving keys given: pass a list of entries, each the values of the "
                f"view's serving keys {self.required_serving_keys}"
            )
        checked = [
            self._validate(e, allow_missing, passed_features[i] if passed_features else None)
            for i, e in enumerate(entries)
        ]
        results = self._fetch_many(checked, self._lookups)
        vectors = []
        for i, (entry, result) in enumerate(zip(checked, results, strict=True)):
            passed = passed_features[i] if passed_features else None
            vector = self._assemble(result, passed, allow_missing, entry, transform)
            if vector is not None:
                vectors.append(vector)
        return self._returned(vectors, return_type, transform, batch=True)

    def _fetch_many(
        self, entries: list[dict[str, Any]], lookups: list[_Lookup]
    ) -> list[dict[str, Any]]:
        """One ``IN`` query per group for all entries; each entry's rows' outputs."""
        results: list[dict[str, Any]] = [{} for _ in entries]
        keyed = [[lookup.key(entry) for entry in entries] for lookup in lookups]
        asked = [
            (lookup.group_id, list(dict.fromkeys(k for k in keys if k is not None)))
            for lookup, keys in zip(lookups, keyed, strict=True)
        ]
        found = self._reader.many([a for a in asked if a[1]])
        rows = iter(found)
        for lookup, keys, (_, unique) in zip(lookups, keyed, asked, strict=True):
            if not unique:
                continue
            by_key = next(rows)
            for result, key in zip(results, keys, strict=True):
                row = by_key.get(key) if key is not None else None
                if row is not None:
                    _put(result, lookup, row)
        return results

    # -- inference helpers ------------------------------------------------------------

    def inference_helper(self, entry: dict[str, Any], return_type: str = "pandas") -> Any:
        """The inference helper columns of ``entry``: a dict, or a one-row frame."""
        values = self._fetch(dict(entry or {}), self._helper_lookups)
        return self._helpers(values, return_type, batch=False)

    def inference_helpers(self, entries: list[dict[str, Any]], return_type: str = "pandas") -> Any:
        """The inference helper columns of each entry (``None`` where no row is)."""
        found = self._fetch_many([dict(e or {}) for e in entries], self._helper_lookups)
        rows = [{c: r.get(c) for c in self.inference_helper_columns} for r in found]
        return self._helpers(rows, return_type, batch=True)

    @staticmethod
    def _helpers(values: Any, return_type: str, batch: bool) -> Any:
        kind = str(return_type).lower()
        if kind == "dict":
            return values
        rows = values if batch else [values]
        if kind == "pandas":
            return pd.DataFrame(rows)
        if kind == "polars":
            return _polars().DataFrame(rows)
        raise ValueError(f"return_type {return_type!r}: use 'dict', 'pandas' or 'polars'")

    def close(self) -> None:
        """Close the lookups' database connections."""
        self._reader.close()


def _put(result: dict[str, Any], lookup: _Lookup, row: dict[str, Any]) -> None:
    for column, name, read in lookup.fields:
        value = row.get(column)
        result[name] = value if read is None or value is None else read(value)
