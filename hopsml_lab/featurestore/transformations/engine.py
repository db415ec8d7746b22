"""Transformation functions on feature views: bound to the view's features, fitted on the
training split, applied the same way to training data, batch data and feature vectors.

This follows hsfs 5.2.1 (``core/transformation_function_engine.py``, ``engine/python.py``):

- ``bind``: what a view's ``transformation_functions`` may hold (udfs, bound or not, and
  ``TransformationFunction`` objects; a ``{feature: udf}`` dict as hsfs 3.x took is read
  too) become model-dependent transformations, ordered as hsfs orders them (by first
  output name, then so that a transformation reading another's output runs after it).
- ``fit``: the statistics the transformations read, from the training split only. When a
  transformation needs statistics of another's output, the producers run first.
- ``apply``: the frame with every output added and the dropped inputs removed: surviving
  input columns first, in their order, then the outputs in execution order (a column a
  transformation writes over moves to the end). Drops happen after all transformations, so
  a dropped feature can still feed another transformation.
- ``apply_row``: the same for one feature vector, with scalars where the udf's mode allows
  (python and default mode udfs; the built-ins through ``transformation_fast``); a
  pandas-mode udf gets one-row Series. Missing results are ``None``.
- ``to_json``/``from_json``: hsfs' serialised form (the udf's source is stored and is what
  runs); ``output_names``: the view's columns after transformation.

A ``context`` passed to ``apply``/``apply_row`` replaces every udf's own
``transformation_context`` for that call (hsfs' request context); without one, each udf
gets the context set on it (``tf.transformation_context = {...}``), or ``{}``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from graphlib import CycleError, TopologicalSorter
from typing import Any, Protocol

import pandas as pd

from ...hsfs.hopsworks_udf import HopsworksUdf, UDFExecutionMode, _pandas_output
from ...hsfs.transformation_function import (
    TransformationFunction,
    TransformationType,
    default_output_names,
)
from ...hsfs.transformation_statistics import (
    FeatureTransformationStatistics,
    TransformationStatistics,
)
from . import fast as transformation_fast
from . import stats as transformation_stats
from .errors import TransformationFunctionException

__all__ = [
    "BoundTransform",
    "TransformationFunctionException",
    "add_outputs",
    "apply",
    "apply_row",
    "attach_statistics",
    "bind",
    "fit",
    "fit_with",
    "from_json",
    "output_names",
    "to_json",
]

_BUILTIN_SOURCES: dict[str, str] | None = None
_NOTHING_FITTED: Mapping[str, Any] = {}


def _builtin_sources() -> dict[str, str]:
    global _BUILTIN_SOURCES
    if _BUILTIN_SOURCES is None:
        from ...hsfs import builtin_transformations as builtins

        _BUILTIN_SOURCES = {
            name: getattr(builtins, name)._function_source for name in builtins.__all__
        }
    return _BUILTIN_SOURCES


class _Prepared:
    """What a transformation needs to run with one fitted-statistics dict."""

    __slots__ = ("feature_stats", "fitted", "memo", "names", "statistics")

    def __init__(
        self,
        fitted: Mapping[str, Any],
        statistics: TransformationStatistics | None,
        feature_stats: FeatureTransformationStatistics | None,
        names: list[str],
    ) -> None:
        self.fitted = fitted
        self.statistics = statistics
        self.feature_stats = feature_stats
        self.names = names
        self.memo: dict[Any, Any] = {}


class BoundTransform:
    """One transformation of a view: the ``TransformationFunction`` (``.function``, with
    its udf ``.udf``), the features it reads (``inputs``), the ones it removes
    (``dropped``) and the features it needs statistics of (``statistics_features``)."""

    def __init__(self, function: TransformationFunction) -> None:
        self.function = function
        udf = function.hopsworks_udf
        self.udf: HopsworksUdf = udf
        self.name: str = udf.function_name
        self.inputs: list[str] = list(udf.transformation_features)
        self.dropped: list[str] = list(udf.dropped_features or [])
        self.statistics_features: list[str] = list(udf.statistics_features)
        self.kind: TransformationType = function.transformation_type
        self.mode: UDFExecutionMode = udf.execution_mode
        self._one_hot = self.name == "one_hot_encoder" and udf._generate_output_col_name
        builtin_source = _builtin_sources().get(self.name)
        self._native = (
            transformation_fast.NATIVE.get(self.name)
            if builtin_source is not None and builtin_source == udf._function_source
            else None
        )
        self._prepared: _Prepared | None = None

    def __repr__(self) -> str:
        return f"BoundTransform({self.udf!r} -> {', '.join(self.outputs())})"

    # -- outputs --------------------------------------------------------------------------

    def outputs(self, fitted: Mapping[str, Any] | None = None) -> list[str]:
        """The columns it writes. A one_hot_encoder writes one per training category, so
        its names need ``fitted``; without it, the single pre-fit name hsfs shows."""
        if self._one_hot and fitted:
            return self._prepare(fitted).names
        return list(self.function.output_column_names)

    def _one_hot_names(self, stats: FeatureTransformationStatistics | None) -> list[str]:
        unique = stats.unique_values if stats is not None else None
        n = len(unique) if unique is not None else 1
        return default_output_names(self.name, self.inputs, n, self.dropped, self.kind) if n else []

    # -- statistics -----------------------------------------------------------------------

    def _prepare(self, fitted: Mapping[str, Any] | None) -> _Prepared:
        fitted = fitted if fitted is not None else _NOTHING_FITTED
        prepared = self._prepared
        if prepared is not None and prepared.fitted is fitted:
            return prepared
        statistics = None
        feature_stats = None
        if self.statistics_features:
            missing = [f for f in self.statistics_features if f not in fitted]
            if missing:
                raise TransformationFunctionException(
                    f"No fitted statistics for {', '.join(repr(m) for m in missing)}, which "
                    f"{self.udf!r} needs: fit the transformations on the training split first "
                    "(create training data).",
                    missing_features=set(missing),
                    transformation_function_name=self.name,
                    transformation_type=self.kind.value,
                )
            statistics = TransformationStatistics(*self.udf._statistics_argument_names)
            for feature, arg in self.udf._statistics_argument_mapping.items():
                if arg is not None:
                    value = FeatureTransformationStatistics(**dict(fitted[feature]))
                    statistics.set_statistics(arg, value)
                    feature_stats = feature_stats or value
        names = (
            self._one_hot_names(feature_stats)
            if self._one_hot
            else list(self.function.output_column_names)
        )
        prepared = _Prepared(fitted, statistics, feature_stats, names)
        self._prepared = prepared
        return prepared

    def _context(self, context: dict[str, Any] | None) -> dict[str, Any]:
        return context if context else self.udf.transformation_context

    # -- running --------------------------------------------------------------------------

    def _undefined(self, error: NameError) -> TransformationFunctionException:
        name = getattr(error, "name", None) or str(error)
        return TransformationFunctionException(
            f"Transformation function {self.udf!r} uses {name!r}, which is not defined where "
            "it runs: a udf runs from its source, with the import lines of the file or "
            "notebook it was written in and the notebook's globals, so define or import it "
            "inside the function.",
            transformation_function_name=self.name,
            transformation_type=self.kind.value,
        )

    def run_frame(
        self,
        columns: list[pd.Series],
        index: pd.Index,
        fitted: Mapping[str, Any] | None,
        context: dict[str, Any] | None,
    ) -> pd.DataFrame:
        """The output columns for these input columns (a frame indexed like the input)."""
        prepared = self._prepare(fitted)
        names = prepared.names
        if not names:
            return pd.DataFrame(index=index)
        fn = self.udf._make()(prepared.statistics, self._context(context))
        multi = len(names) > 1
        mode = self.mode._get_current_execution_mode(online=False)
        if mode == UDFExecutionMode.PANDAS:
            try:
                raw = fn(*columns)
            except NameError as e:
                raise self._undefined(e) from e
            result = _pandas_output(raw, names, multi, len(index))
            if multi:
                result.index = index
                return result
            return pd.DataFrame({names[0]: result.set_axis(index)})
        values = [column.tolist() for column in columns]
        try:
            results = [fn(*row) for row in zip(*values, strict=True)]
        except NameError as e:
            raise self._undefined(e) from e
        if multi:
            return pd.DataFrame(results, columns=names, index=index)
        return pd.DataFrame({names[0]: results}, index=index)

    def run_values(
        self,
        values: list[Any],
        fitted: Mapping[str, Any] | None,
        context: dict[str, Any] | None,
    ) -> tuple[list[str], list[Any]]:
        """The output names and values for one value per input."""
        prepared = self._prepare(fitted)
        names = prepared.names
        if not names:
            return names, []
        ctx = self._context(context)
        if self._native is not None:
            return names, self._native(values[0], prepared.feature_stats, ctx, prepared.memo)
        fn = self.udf._make()(prepared.statistics, ctx)
        mode = self.mode._get_current_execution_mode(online=True)
        if mode == UDFExecutionMode.PANDAS:
            series = [
                pd.Series([v], name=name) for v, name in zip(values, self.inputs, strict=True)
            ]
            try:
                raw = fn(*series)
            except NameError as e:
                raise self._undefined(e) from e
            result = _pandas_output(raw, names, len(names) > 1, 1)
            if isinstance(result, pd.Series):
                return names, [_scalar(result.iloc[0])]
            return names, [_scalar(result[name].iloc[0]) for name in names]
        try:
            result = fn(*values)
        except NameError as e:
            raise self._undefined(e) from e
        if len(names) > 1:
            if not isinstance(result, (tuple, list)) or len(result) != len(names):
                raise TransformationFunctionException(
                    f"{self.udf!r} declares {len(names)} outputs ({', '.join(names)}) but "
                    f"returned {type(result).__name__}: return a tuple of {len(names)} values."
                )
            return names, list(result)
        return names, [result]


def _scalar(value: Any) -> Any:
    if transformation_fast.missing(value):
        return None
    return value.item() if hasattr(value, "item") and not isinstance(value, str) else value


# --- bind ---------------------------------------------------------------------------------


def _as_function(item: Any, kind: TransformationType, position: int) -> TransformationFunction:
    if isinstance(item, HopsworksUdf):
        return TransformationFunction(
            None, copy.deepcopy(item), version=1, transformation_type=kind
        )
    if isinstance(item, TransformationFunction):
        function = copy.deepcopy(item)
        if function.transformation_type in (None, TransformationType.UNDEFINED):
            function.transformation_type = kind
        TransformationFunction._validate_transformation_type(
            function.transformation_type, function.hopsworks_udf
        )
        return function
    raise TransformationFunctionException(
        "transformation_functions takes udfs (made with @udf, or the built-ins of "
        "hsfs.builtin_transformations) and TransformationFunction objects; item "
        f"{position} is a {type(item).__name__}."
    )


def _items(items: Any) -> list[Any]:
    if items is None:
        return []
    if isinstance(items, (HopsworksUdf, TransformationFunction)):
        return [items]
    if isinstance(items, Mapping):  # hsfs 3.x: {feature_name: transformation function}
        out = []
        for feature, function in items.items():
            if not isinstance(function, (HopsworksUdf, TransformationFunction)):
                out.append(function)  # refused below with its position
            else:
                out.append(function(feature))
        return out
    if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        raise TransformationFunctionException(
            "transformation_functions takes a list of udfs or TransformationFunction "
            f"objects, not a {type(items).__name__}."
        )
    return list(items)


def bind(items: Any, features: list[str], *, on_demand: bool = False) -> list[BoundTransform]:
    """The view's transformations, checked against its features and in execution order.
    ``on_demand=True`` binds a feature group's on-demand transformations instead (no
    statistics; outputs named after the function)."""
    kind = TransformationType.ON_DEMAND if on_demand else TransformationType.MODEL_DEPENDENT
    functions = [_as_function(item, kind, i) for i, item in enumerate(_items(items))]
    for function in functions:
        udf = function.hopsworks_udf
        if not udf._has_source:
            raise TransformationFunctionException(
                f"The source code of transformation function {udf!r} cannot be read, so it "
                "cannot be stored with the feature view: define it with `def` in a notebook "
                "cell or a .py file (not through exec or an interactive prompt).",
                transformation_function_name=udf.function_name,
            )
    functions.sort(key=lambda f: f.output_column_names[0] if f.output_column_names else "")
    bound = [BoundTransform(f) for f in functions]
    producers: dict[str, BoundTransform] = {}
    for b in bound:
        for column in b.outputs():
            other = producers.get(column)
            if other is not None:
                raise TransformationFunctionException(
                    f"Output column '{column}' is produced by both '{other.name}' and "
                    f"'{b.name}': give one of them other names with .alias(...)."
                )
            producers[column] = b
    available = set(features)
    for b in bound:
        missing = [f for f in b.inputs if f not in available and f not in producers]
        if missing:
            hint = ""
            if b.inputs == list(b.udf._transformation_function_argument_names or []):
                hint = (
                    f" Call the function with the feature names to use, e.g. "
                    f"{b.name}({', '.join(repr(f) for f in features[: len(b.inputs)])})."
                )
            raise TransformationFunctionException(
                f"Transformation function {b.udf!r} reads feature(s) "
                f"{', '.join(repr(m) for m in missing)}, which the feature view does not "
                f"have (it has {', '.join(features)}).{hint}",
                missing_features=set(missing),
                transformation_function_name=b.name,
                transformation_type=kind.value,
            )
    return _execution_order(bound, producers)


def _execution_order(
    bound: list[BoundTransform], producers: dict[str, BoundTransform]
) -> list[BoundTransform]:
    """hsfs' DAG order: a transformation after the ones whose outputs it reads."""
    graph: dict[int, list[int]] = {}
    for b in bound:
        preds: list[int] = []
        for feature in b.inputs:
            producer = producers.get(feature)
            if producer is not None and producer is not b and id(producer) not in preds:
                preds.append(id(producer))
        graph[id(b)] = preds
    by_id = {id(b): b for b in bound}
    try:
        return [by_id[i] for i in TopologicalSorter(graph).static_order()]
    except CycleError as e:
        cycle = " -> ".join(by_id[i].name for i in e.args[1] if i in by_id)
        raise TransformationFunctionException(
            f"Cyclic dependency detected in transformation functions: {cycle}. Chaining is "
            "inferred from output/input column names; rename outputs with `.alias()` to "
            "break unintended cycles."
        ) from e


# --- fit ----------------------------------------------------------------------------------


class FitBackend(Protocol):
    """Where ``fit`` computes: pandas here, Spark in ``spark_stats``."""

    def columns(self, frame: Any) -> list[str]: ...

    def compute(
        self, frame: Any, features: list[str], encoders: set[str], histograms: set[str]
    ) -> dict[str, Any]: ...

    def extend(self, frame: Any, item: BoundTransform, fitted: dict[str, Any]) -> Any:
        """``frame`` with ``item``'s outputs added (nothing dropped)."""
        ...


class _PandasFit:
    def columns(self, frame: pd.DataFrame) -> list[str]:
        return list(frame.columns)

    def compute(
        self, frame: pd.DataFrame, features: list[str], encoders: set[str], histograms: set[str]
    ) -> dict[str, Any]:
        return transformation_stats.compute(frame, features, encoders, histograms)

    def extend(self, frame: pd.DataFrame, item: BoundTransform, fitted: dict[str, Any]) -> Any:
        return add_outputs(frame, item, fitted)


def add_outputs(
    frame: pd.DataFrame, item: BoundTransform, fitted: Mapping[str, Any] | None
) -> pd.DataFrame:
    """``frame`` (changed in place) with ``item``'s outputs added, nothing dropped: how a
    chained fit runs a transformation before fitting the next."""
    out = item.run_frame([frame[f] for f in item.inputs], frame.index, fitted, None)
    for column in out.columns:
        frame[column] = out[column]
    return frame


def fit(bound: list[BoundTransform], train: pd.DataFrame) -> dict[str, Any]:
    """The statistics the transformations need, computed from ``train`` (the training
    split) only: ``{feature: {min, max, mean, std_dev, percentiles, extended_statistics:
    {unique_values, histogram}, ...}}``, JSON-able."""
    return fit_with(bound, train, _PandasFit())


def fit_with(bound: list[BoundTransform], train: Any, backend: FitBackend) -> dict[str, Any]:
    """``fit`` on any frame ``backend`` computes on (pandas, or Spark: ``spark_stats``)."""
    needed = [f for b in bound for f in b.statistics_features]
    if not needed:
        return {}
    encoders = {
        f for b in bound if b.name in transformation_stats.ENCODERS for f in b.statistics_features
    }
    histograms = {
        f
        for b in bound
        if b.name in transformation_stats.HISTOGRAM_USERS
        for f in b.statistics_features
    }
    producers = {column: b for b in bound for column in b.outputs()}
    chained = any(
        producers.get(f) is not None and producers[f] is not b
        for b in bound
        for f in b.statistics_features
    )
    if not chained:
        fitted = backend.compute(train, list(dict.fromkeys(needed)), encoders, histograms)
        return json.loads(json.dumps(fitted))
    # Statistics of an intermediate output: run the transformations in order on the
    # training split, computing each one's statistics just before it runs.
    fitted = {}
    working = train.copy(deep=False) if isinstance(train, pd.DataFrame) else train
    for b in bound:
        todo = [f for f in b.statistics_features if f not in fitted]
        if todo:
            computed = backend.compute(working, todo, encoders, histograms)
            fitted.update(json.loads(json.dumps(computed)))
        missing = [f for f in b.inputs if f not in backend.columns(working)]
        if missing:
            raise TransformationFunctionException(
                f"Feature(s) {', '.join(missing)} of {b.udf!r} are not in the training data.",
                missing_features=set(missing),
            )
        working = backend.extend(working, b, fitted)
    return fitted


# --- apply --------------------------------------------------------------------------------


def _check_context(context: Any) -> dict[str, Any] | None:
    if context is not None and not isinstance(context, dict):
        raise TransformationFunctionException(
            "Transformation context variable must be passed as dictionary."
        )
    return context


def _missing_inputs(bound: list[BoundTransform], have: Iterable[str], fitted: Any) -> None:
    available = set(have)
    for b in bound:
        missing = [f for f in b.inputs if f not in available]
        if missing:
            raise TransformationFunctionException(
                f"The following feature(s): `{', '.join(missing)}`, required for the "
                f"transformation function '{b.name}' are not available.",
                missing_features=set(missing),
                transformation_function_name=b.name,
                transformation_type=b.kind.value,
            )
        available.update(b.outputs(fitted))


def apply(
    bound: list[BoundTransform],
    frame: pd.DataFrame,
    fitted: Mapping[str, Any] | None,
    context: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """``frame`` with the transformations applied, as hsfs lays it out (see the module
    docstring). ``fitted``: what ``fit`` returned."""
    if not bound:
        return frame
    context = _check_context(context)
    _missing_inputs(bound, frame.columns, fitted)
    store: dict[str, pd.Series] = {}
    produced: list[str] = []
    dropped: set[str] = set()
    for b in bound:
        columns = [store[f] if f in store else frame[f] for f in b.inputs]
        out = b.run_frame(columns, frame.index, fitted, context)
        for column in out.columns:
            if column not in store:
                produced.append(column)
            store[column] = out[column]
        dropped.update(b.dropped)
    overwritten = [c for c in frame.columns if c in store]
    base = frame.drop(columns=overwritten) if overwritten else frame
    result = pd.concat([base, pd.DataFrame(store, index=frame.index)], axis=1)
    order = [c for c in frame.columns if c not in store] + produced
    return result[[c for c in order if c not in dropped]]


def apply_row(
    bound: list[BoundTransform],
    row: Mapping[str, Any],
    fitted: Mapping[str, Any] | None,
    context: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One feature vector (``{feature: value}``) transformed as ``apply`` transforms a
    one-row frame, keys in the same order; missing results are ``None``."""
    if not bound:
        return dict(row)
    _check_context(context)
    values = dict(row)
    produced: dict[str, None] = {}
    dropped: set[str] = set()
    for b in bound:
        try:
            args = [values[f] for f in b.inputs]
        except KeyError:
            _missing_inputs(bound, row.keys(), fitted)
            raise
        names, outputs = b.run_values(args, fitted, context)
        for name, value in zip(names, outputs, strict=True):
            values[name] = value
            produced[name] = None
        if b.dropped:
            dropped.update(b.dropped)
    result = {k: v for k, v in values.items() if k not in produced and k not in dropped}
    for name in produced:
        if name not in dropped:
            result[name] = values[name]
    return result


def attach_statistics(bound: list[BoundTransform], fitted: Mapping[str, Any] | None) -> None:
    """Give each transformation its fitted statistics the way hsfs shows them
    (``tf.transformation_statistics.feature.min``, and a one_hot_encoder's output names)."""
    for b in bound:
        if b.statistics_features:
            b.udf._statistics = b._prepare(fitted).statistics


# --- names and storage --------------------------------------------------------------------


def output_names(
    bound: list[BoundTransform],
    features: list[str],
    fitted: Mapping[str, Any] | None = None,
) -> list[str]:
    """The view's column names after transformation (a one_hot_encoder's depend on the
    categories seen in training: pass ``fitted``)."""
    produced: list[str] = []
    dropped: set[str] = set()
    for b in bound:
        for name in b.outputs(fitted):
            if name not in produced:
                produced.append(name)
        dropped.update(b.dropped)
    made = set(produced)
    order = [f for f in features if f not in made] + produced
    return [c for c in order if c not in dropped]


def to_json(bound: list[BoundTransform]) -> list[dict[str, Any]]:
    """The transformations as the catalog keeps them: hsfs' ``TransformationFunction``
    form (udf source included) plus the udf's own transformation context."""
    out = []
    for b in bound:
        data = b.function.to_dict()
        if b.udf._generate_output_col_name:
            data["hopsworksUdf"]["outputColumnNames"] = None
        context = b.udf.transformation_context
        if context:
            try:
                json.dumps(context)
            except (TypeError, ValueError) as e:
                raise TransformationFunctionException(
                    f"The transformation context of {b.udf!r} cannot be stored as JSON ({e}): "
                    "pass it when reading data or vectors instead."
                ) from e
            data["transformationContext"] = context
        out.append(data)
    return out


def from_json(data: list[dict[str, Any]]) -> list[BoundTransform]:
    """The transformations ``to_json`` stored, in the same order."""
    bound = []
    for item in data or []:
        function = TransformationFunction.from_response_json(item)
        if not isinstance(function, TransformationFunction):
            raise TransformationFunctionException(
                "A stored transformation function is not one object: " + json.dumps(item)[:200]
            )
        bound.append(BoundTransform(function))
    return bound
