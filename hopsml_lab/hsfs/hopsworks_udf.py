"""hsfs' ``HopsworksUdf`` and the ``@udf`` decorator (``hopsworks.udf``).

``@udf(return_type, drop=None, mode="default")`` turns a function into a ``HopsworksUdf``:
metadata (argument names, output types, dropped arguments, execution mode) plus the
function's source, which is what is stored and what runs, as in Hopsworks. Calling the
udf with feature names binds it (``scale("amount")``); ``.alias(...)`` names its outputs.

How it runs (as in hsfs 5.2.1): the stored source, with its decorators, type hints and the
``statistics``/``context`` parameters removed, is compiled once in a copy of ``__main__``'s
globals plus the import lines of the file it was defined in. ``statistics`` (the fitted
``TransformationStatistics``) and ``context`` (the transformation context, ``{}`` when
none) are visible to the body as names. ``mode="pandas"`` gets pandas Series (one per
argument) and returns a Series, a DataFrame or a tuple of Series; ``mode="python"`` gets
one value per argument and returns a value or a tuple; ``mode="default"`` is pandas for
training and batch data and python for single feature vectors.
"""

from __future__ import annotations

import ast
import copy
import inspect
import json
import linecache
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal

from ..featurestore.transformations.errors import TransformationFunctionException
from .transformation_statistics import TransformationStatistics

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "HopsworksUdf",
    "TransformationFeature",
    "UDFExecutionMode",
    "UDFKeyWords",
    "udf",
]

MAX_LENGTH_NAME = 63  # hopsworks_common.constants.FEATURES.MAX_LENGTH_NAME


class UDFExecutionMode(Enum):
    """How a udf is called: ``pandas`` (Series in, Series out), ``python`` (one value per
    argument) or ``default`` (pandas offline, python online)."""

    DEFAULT = "default"
    PYTHON = "python"
    PANDAS = "pandas"

    def _get_current_execution_mode(self, online: bool) -> UDFExecutionMode:
        if self == UDFExecutionMode.DEFAULT:
            return UDFExecutionMode.PYTHON if online else UDFExecutionMode.PANDAS
        return self

    @staticmethod
    def from_string(execution_mode: str) -> UDFExecutionMode:
        try:
            return UDFExecutionMode[str(execution_mode).upper()]
        except KeyError as e:
            raise TransformationFunctionException(
                f"Invalid execution mode `{execution_mode}` for UDF. Please use `default`, "
                "`python` or `pandas` instead."
            ) from e


class UDFKeyWords(Enum):
    """Argument names a udf receives values for, not features."""

    STATISTICS = "statistics"
    CONTEXT = "context"


_KEYWORDS = frozenset(k.value for k in UDFKeyWords)


def udf(
    return_type: list[type] | type,
    drop: str | list[str] | None = None,
    mode: Literal["default", "python", "pandas"] = "default",
) -> Callable[[Callable], HopsworksUdf]:
    """Decorator making a transformation function (hsfs' ``hopsworks.udf``).

    ``return_type``: the type of the output, or a list of types for several outputs
    (``str``, ``int``, ``float``, ``bool``, ``datetime``, ``time``, ``date``).
    ``drop``: argument(s) whose features are removed from the result.
    ``mode``: ``"default"``, ``"python"`` or ``"pandas"`` (see the module docstring).

    >>> @udf(float)
    ... def add_one(value):
    ...     return value + 1
    >>> add_one("amount")
    add_one(amount)
    """

    def wrapper(func: Callable) -> HopsworksUdf:
        return HopsworksUdf(
            func=func,
            return_types=return_type,
            dropped_argument_names=drop,
            execution_mode=UDFExecutionMode.from_string(mode),
        )

    return wrapper


@dataclass
class TransformationFeature:
    """A feature passed to a udf and, when the udf reads statistics for it, the name of
    the argument in the ``TransformationStatistics`` default (else ``None``)."""

    feature_name: str
    statistic_argument_name: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature_name": self.feature_name,
            "statistic_argument_name": self.statistic_argument_name,
        }


# --- source handling --------------------------------------------------------------------


def _import_lines(tree: ast.Module) -> list[str]:
    """The module's top-level import statements (``__future__`` ones left out)."""
    lines = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            lines.append(ast.unparse(node))
    return lines


def _extract_source(func: Callable) -> str | None:
    """The function's source as hsfs stores it: the import lines of the file (or notebook
    cell) it was written in, then the function with its decorators, dedented. ``None``
    when Python has no source for it (``exec`` of a string, the REPL)."""
    code = getattr(func, "__code__", None)
    if code is None:
        return None
    filename = code.co_filename
    lines = linecache.getlines(filename, getattr(func, "__globals__", None))
    if not lines:
        return None
    source = "".join(lines)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        tree = None
    block = None
    imports: list[str] = []
    if tree is not None:
        imports = _import_lines(tree)
        best: tuple[int, int, int] | None = None
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name == func.__name__:
                start = min([d.lineno for d in node.decorator_list] + [node.lineno])
                distance = abs(start - code.co_firstlineno)
                if node.end_lineno is not None and (best is None or distance < best[0]):
                    best = (distance, start, node.end_lineno)
        if best is not None:
            block = "".join(lines[best[1] - 1 : best[2]])
    if block is None:
        try:
            block = inspect.getsource(func)
        except (OSError, TypeError):
            return None
    return "\n".join(imports) + "\n" + textwrap.dedent(block)


def _function_node(source: str, name: str | None = None) -> ast.FunctionDef:
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        raise TransformationFunctionException(
            f"The source of the transformation function does not parse: {e}"
        ) from e
    found = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and (name is None or node.name == name)
    ]
    if not found:
        raise TransformationFunctionException(
            f"No function {name or ''} defined with `def` in the transformation function's source."
        )
    return found[-1]


def _all_args(node: ast.FunctionDef) -> list[ast.arg]:
    a = node.args
    return [*a.posonlyargs, *a.args, *a.kwonlyargs]


def _source_arguments(source: str, name: str | None = None) -> list[str]:
    """The feature arguments of the function in ``source`` (``statistics`` and ``context``
    left out)."""
    node = _function_node(source, name)
    if node.args.vararg or node.args.kwarg:
        raise TransformationFunctionException(
            f"Transformation function '{node.name}' takes *args or **kwargs: name every "
            "feature argument."
        )
    return [a.arg for a in _all_args(node) if a.arg not in _KEYWORDS]


def _strip_signature(node: ast.FunctionDef) -> tuple[ast.FunctionDef, set[str]]:
    """The function without decorators, type hints and the statistics/context parameters;
    also which of those two it declared."""
    node = copy.deepcopy(node)
    node.decorator_list = []
    node.returns = None
    declared = {a.arg for a in _all_args(node)} & _KEYWORDS
    a = node.args
    positional = [*a.posonlyargs, *a.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(a.defaults)) + list(
        a.defaults
    )
    keep = [
        (arg, d) for arg, d in zip(positional, defaults, strict=True) if arg.arg not in _KEYWORDS
    ]
    n_pos = len([arg for arg in a.posonlyargs if arg.arg not in _KEYWORDS])
    a.posonlyargs = [arg for arg, _ in keep[:n_pos]]
    a.args = [arg for arg, _ in keep[n_pos:]]
    a.defaults = [d for _, d in keep if d is not None]
    kw = [
        (arg, d)
        for arg, d in zip(a.kwonlyargs, a.kw_defaults, strict=True)
        if arg.arg not in _KEYWORDS
    ]
    a.kwonlyargs = [arg for arg, _ in kw]
    a.kw_defaults = [d for _, d in kw]
    for arg in _all_args(node):
        arg.annotation = None
    return node, declared


_FACTORY = "__hopsml_udf_factory__"


def _compile_factory(
    source: str, name: str, notebook: dict[str, Any] | None = None
) -> Callable[[Any, Any], Callable]:
    """Compile ``source`` once; the result makes the callable function for a statistics
    object and a context (both visible to the body as names, as in hsfs). It runs among
    ``__main__``'s globals (and ``notebook``'s: those of the cell that defined it, when
    the notebook's namespace is not ``__main__``'s) and its import lines."""
    import __main__

    tree = ast.parse(source)
    fdef, _ = _strip_signature(_function_node(source, name))
    guarded = [
        ast.Try(
            body=[node],
            handlers=[
                ast.ExceptHandler(
                    type=ast.Name("ImportError", ast.Load()), name=None, body=[ast.Pass()]
                )
            ],
            orelse=[],
            finalbody=[],
        )
        for node in tree.body
        if isinstance(node, (ast.Import, ast.ImportFrom))
        and not (isinstance(node, ast.ImportFrom) and node.module == "__future__")
    ]
    factory = ast.FunctionDef(
        name=_FACTORY,
        args=ast.arguments(
            posonlyargs=[],
            args=[ast.arg("statistics"), ast.arg("context")],
            kwonlyargs=[],
            kw_defaults=[],
            defaults=[],
        ),
        body=[fdef, ast.Return(ast.Name(fdef.name, ast.Load()))],
        decorator_list=[],
        returns=None,
    )
    module = ast.Module(body=[*guarded, factory], type_ignores=[])
    ast.fix_missing_locations(module)
    filename = f"<hopsworks udf {name}>"
    # Tracebacks then show the user's lines: the function keeps its line numbers.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    scope = dict(getattr(__main__, "__dict__", {}))
    if notebook is not None:
        scope.update(notebook)
    scope.pop("__builtins__", None)
    exec(compile(module, filename, "exec"), scope)
    return scope[_FACTORY]


def _live_factory(func: Callable) -> Callable[[Any, Any], Callable]:
    """For a function without source (usable in this process only): pass the statistics
    and context as the keyword arguments it declares."""
    params = set(inspect.signature(func).parameters) & _KEYWORDS

    def make(statistics: Any, context: Any) -> Callable:
        if not params:
            return func
        extra = {}
        if "statistics" in params:
            extra["statistics"] = statistics
        if "context" in params:
            extra["context"] = context
        return lambda *args: func(*args, **extra)

    return make


# --- results ----------------------------------------------------------------------------


def _pandas_output(result: Any, names: list[str], multi: bool, length: int) -> Any:
    """A pandas-mode result as hsfs' renaming wrapper shapes it: a Series named after the
    output, or a DataFrame with the output names."""
    import numpy as np
    import pandas as pd

    if multi:
        if isinstance(result, (tuple, list)):
            result = pd.concat(
                [
                    part.reset_index(drop=True)
                    if isinstance(part, pd.Series)
                    else pd.Series(np.asarray(part))
                    for part in result
                ],
                axis=1,
            )
        if not isinstance(result, pd.DataFrame):
            raise TransformationFunctionException(
                f"A pandas udf with {len(names)} outputs must return a DataFrame or a tuple of "
                f"Series, not {type(result).__name__}."
            )
        if result.shape[1] != len(names):
            raise TransformationFunctionException(
                f"The udf returned {result.shape[1]} columns; {len(names)} outputs "
                f"({', '.join(names)}) are declared."
            )
        result = result.copy(deep=False)
        result.columns = names
        return result
    if isinstance(result, pd.DataFrame):
        result = result.squeeze(axis=1)
    if not isinstance(result, pd.Series):
        if isinstance(result, (np.ndarray, list)) and len(result) == length:
            result = pd.Series(result)
        else:
            raise TransformationFunctionException(
                "A pandas udf must return a pandas Series (one value per row), not "
                f"{type(result).__name__}: use mode='python' for a function of single values."
            )
    if len(result) != length:
        raise TransformationFunctionException(
            f"The udf returned {len(result)} values for {length} rows."
        )
    return result.rename(names[0])


# --- the udf ----------------------------------------------------------------------------


class HopsworksUdf:
    """A user defined transformation function: its source, feature arguments, output
    types and names, dropped features, execution mode, and (once fitted) statistics."""

    PYTHON_SPARK_TYPE_MAPPING = {
        str: "string",
        int: "bigint",
        float: "double",
        bool: "boolean",
        datetime: "timestamp",
        time: "timestamp",
        date: "date",
    }

    def __init__(
        self,
        func: Callable | str,
        return_types: list[type] | type | list[str] | str,
        execution_mode: UDFExecutionMode,
        name: str | None = None,
        transformation_features: list[TransformationFeature] | None = None,
        transformation_function_argument_names: list[str] | None = None,
        dropped_argument_names: list[str] | None = None,
        dropped_feature_names: list[str] | None = None,
        feature_name_prefix: str | None = None,
        output_column_names: list[str] | None = None,
        generate_output_col_names: bool = True,
    ) -> None:
        if not isinstance(execution_mode, UDFExecutionMode):
            execution_mode = UDFExecutionMode.from_string(execution_mode)
        self._return_types: list[str] = HopsworksUdf._validate_and_convert_output_types(
            return_types
        )
        self._execution_mode = execution_mode
        self._feature_name_prefix = feature_name_prefix
        self._live_function: Callable | None = None
        if callable(func):
            fname = getattr(func, "__name__", None)
            if not fname or fname == "<lambda>" or inspect.iscoroutinefunction(func):
                raise TransformationFunctionException(
                    "A transformation function must be defined with `def` (not a lambda or "
                    "an async function)."
                )
            self._function_name: str = fname if name is None else name
            self._function_source: str | None = _extract_source(func)
            self._live_function = func
        elif isinstance(func, str):
            self._function_source = func
            self._function_name = name or _function_node(func).name
        else:
            raise TransformationFunctionException(
                f"A udf is made from a function or its source, not {type(func).__name__}."
            )

        self._output_column_names: list[str] = []
        if not transformation_features:
            self._transformation_features = (
                HopsworksUdf._extract_function_arguments(func)
                if callable(func)
                else [TransformationFeature(a, None) for a in _source_arguments(func)]
            )
            self._transformation_function_argument_names = [
                f.feature_name for f in self._transformation_features
            ]
            self._dropped_argument_names = HopsworksUdf._validate_and_convert_drop_features(
                dropped_argument_names, self.transformation_features, feature_name_prefix
            )
            self._dropped_features = self._dropped_argument_names
        else:
            self._transformation_features = list(transformation_features)
            self._transformation_function_argument_names = transformation_function_argument_names
            self._dropped_argument_names = dropped_argument_names
            self._dropped_features = dropped_feature_names or dropped_argument_names
            self._output_column_names = list(output_column_names or [])

        self._statistics: TransformationStatistics | None = None
        self._transformation_context: dict[str, Any] = {}
        self._generate_output_col_name: bool = generate_output_col_names
        self._factory: Callable[[Any, Any], Callable] | None = None

    # -- copying: compiled code is rebuilt, not copied -----------------------------------

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_factory"] = None
        return state

    # -- validation -----------------------------------------------------------------------

    @staticmethod
    def _validate_and_convert_drop_features(
        dropped_features: str | list[str] | None,
        transformation_feature: list[str],
        feature_name_prefix: str | None,
    ) -> list[str] | None:
        if not dropped_features:
            return None
        dropped = dropped_features if isinstance(dropped_features, list) else [dropped_features]
        prefix = feature_name_prefix or ""
        missing = [d for d in dropped if prefix + d not in transformation_feature]
        if missing:
            raise TransformationFunctionException(
                "Cannot drop features '"
                + "', '".join(prefix + m for m in missing)
                + "' as they are not features given as arguments in the defined UDF."
            )
        return dropped

    @staticmethod
    def _validate_and_convert_output_types(output_types: Any) -> list[str]:
        output_types = output_types if isinstance(output_types, list) else [output_types]
        mapping = HopsworksUdf.PYTHON_SPARK_TYPE_MAPPING
        converted = []
        for output_type in output_types:
            if isinstance(output_type, str):
                if output_type.strip() not in mapping.values():
                    raise TransformationFunctionException(
                        f"Output type {output_type} is not supported: use one of "
                        f"{', '.join(sorted(set(mapping.values())))} or str, int, float, "
                        "bool, datetime, time, date."
                    )
                converted.append(output_type.strip())
            elif output_type in mapping:
                converted.append(mapping[output_type])
            else:
                raise TransformationFunctionException(
                    f"Output type {output_type} is not supported: use str, int, float, bool, "
                    "datetime, time or date."
                )
        return converted

    @staticmethod
    def _extract_function_arguments(function: Callable) -> list[TransformationFeature]:
        parameters = inspect.signature(function).parameters
        if not parameters:
            raise TransformationFunctionException(
                "No arguments present in the provided user defined function. Please provide "
                "at least one argument in the defined user defined function."
            )
        statistics = None
        arg_list = []
        for param in parameters.values():
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                raise TransformationFunctionException(
                    f"Transformation function '{function.__name__}' takes *{param.name}: "
                    "name every feature argument."
                )
            if param.name == UDFKeyWords.STATISTICS.value:
                statistics = param.default
            elif param.name != UDFKeyWords.CONTEXT.value:
                arg_list.append(param.name)
        if not arg_list:
            raise TransformationFunctionException(
                f"Transformation function '{function.__name__}' has no feature argument."
            )
        if isinstance(statistics, TransformationStatistics):
            missing = [f for f in statistics._features if f not in arg_list]
            if missing:
                raise TransformationFunctionException(
                    "No argument corresponding to statistics parameter '"
                    + "', '".join(missing)
                    + "' present in function definition."
                )
            return [
                TransformationFeature(arg, arg if arg in statistics._features else None)
                for arg in arg_list
            ]
        return [TransformationFeature(arg, None) for arg in arg_list]

    def _validate_output_col_name(self, output_col_names: list[str]) -> None:
        if any(len(name) > MAX_LENGTH_NAME for name in output_col_names):
            raise TransformationFunctionException(
                f"Invalid output feature names specified for the transformation function "
                f"'{self!r}'. Please provide names shorter than {MAX_LENGTH_NAME} characters."
            )
        if len(output_col_names) != len(set(output_col_names)):
            raise TransformationFunctionException(
                f"Duplicate output feature names provided for the transformation function "
                f"'{self!r}'. Please ensure all arguments names are unique."
            )
        if output_col_names and len(output_col_names) != len(self.return_types):
            raise TransformationFunctionException(
                f"The number of output feature names provided does not match the number of "
                f"features returned by the transformation function '{self!r}'. Please provide "
                f"exactly {len(self.return_types)} feature name(s) to match the output."
            )

    @staticmethod
    def _validate_transformation_context(transformation_context: Any) -> dict[str, Any]:
        if not isinstance(transformation_context, dict):
            raise TransformationFunctionException(
                "Transformation context variable must be passed as dictionary."
            )
        return transformation_context

    # -- binding and naming ---------------------------------------------------------------

    def __call__(self, *features: str) -> HopsworksUdf:
        """A copy of the udf applied to these features (one per argument, in order)."""
        if len(features) != len(self._transformation_features):
            raise TransformationFunctionException(
                f"{self.function_name} takes {len(self._transformation_features)} feature(s) "
                f"({', '.join(self.unprefixed_transformation_features)}); "
                f"{len(features)} given. Number of features provided does not match the "
                "number of features provided in the UDF definition."
            )
        for arg in features:
            if not isinstance(arg, str):
                raise TransformationFunctionException(
                    f'Feature names provided must be string "{arg}" is not string'
                )
        names = self.transformation_features
        dropped = (
            [features[names.index(d)] for d in self.dropped_features]
            if self.dropped_features
            else None
        )
        bound = copy.deepcopy(self)
        bound._transformation_features = [
            TransformationFeature(new, old.statistic_argument_name)
            for old, new in zip(self._transformation_features, features, strict=True)
        ]
        bound.dropped_features = dropped
        return bound

    def alias(self, *args: str | list[str]) -> HopsworksUdf:
        """Name the outputs (as many names as outputs; a list works too). In place."""
        names = args[0] if len(args) == 1 and isinstance(args[0], list) else list(args)
        if any(not isinstance(n, str) for n in names):
            raise TransformationFunctionException(
                f"Invalid output feature names provided for the transformation function "
                f"'{self!r}'. Please ensure all arguments are strings."
            )
        self._generate_output_col_name = False
        self.output_column_names = names
        return self

    # -- running --------------------------------------------------------------------------

    def _make(self) -> Callable[[Any, Any], Callable]:
        """The compiled factory (statistics, context) -> function of the features."""
        if self._factory is None:
            if self._function_source is not None:
                live = self._live_function
                notebook = (
                    getattr(live, "__globals__", None)
                    if getattr(live, "__module__", None) == "__main__"
                    else None
                )
                self._factory = _compile_factory(
                    self._function_source, self._function_name, notebook
                )
            elif self._live_function is not None:
                self._factory = _live_factory(self._live_function)
            else:  # pragma: no cover - every udf has one or the other
                raise TransformationFunctionException(f"{self!r} has no code to run")
        return self._factory

    def _get_udf(self, online: bool = False, engine_type: str | None = None) -> Callable:
        """The callable hsfs' engines run: for pandas mode a wrapper returning the Series
        (or DataFrame) named after the outputs, for python mode the function itself."""
        fn = self._make()(self.transformation_statistics, self.transformation_context)
        mode = self.execution_mode._get_current_execution_mode(online)
        if mode == UDFExecutionMode.PYTHON:
            return fn
        names = self.output_column_names or [f"col_{i}" for i in range(len(self.return_types))]
        multi = len(self.return_types) > 1

        def renaming_wrapper(*series: pd.Series) -> Any:
            length = len(series[0]) if series else 0
            return _pandas_output(fn(*series), names, multi, length)

        return renaming_wrapper

    def executor(
        self,
        statistics: TransformationStatistics | list[Any] | dict[str, dict[str, Any]] | None = None,
        context: dict[str, Any] | None = None,
        online: bool = False,
    ) -> Callable:
        """A callable (with ``.execute``) running the udf with these statistics (dict
        ``{argument: {"mean": ...}}``, a ``TransformationStatistics`` or a list of feature
        statistics) and context, for unit tests. ``online`` picks the python call of a
        ``default``-mode udf."""
        udf_copy = copy.deepcopy(self)
        udf_copy.transformation_context = context if context else udf_copy.transformation_context
        if statistics:
            udf_copy.transformation_statistics = statistics
        if not udf_copy.output_column_names:
            udf_copy.output_column_names = [f"col_{i}" for i in range(len(udf_copy.return_types))]
        fn = udf_copy._get_udf(online=online)

        def executable(*args: Any) -> Any:
            return fn(*args)

        executable.execute = executable  # type: ignore[attr-defined]
        return executable

    def execute(self, *args: Any) -> Any:
        """Run the udf offline on these arguments (Series for pandas/default mode)."""
        return self.executor().execute(*args)

    # -- serialisation --------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "sourceCode": self._function_source,
            "outputTypes": self.return_types,
            "transformationFeatures": self.transformation_features,
            "transformationFunctionArgumentNames": self._transformation_function_argument_names,
            "droppedArgumentNames": self._dropped_argument_names,
            "statisticsArgumentNames": self._statistics_argument_names
            if self.statistics_required
            else None,
            "name": self.function_name,
            "featureNamePrefix": self._feature_name_prefix,
            "executionMode": self.execution_mode.value.upper(),
            "outputColumnNames": self.output_column_names,
        }

    def json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_response_json(cls, json_dict: dict[str, Any]) -> HopsworksUdf:
        """The udf from its ``to_dict`` form (camelCase or snake_case keys)."""
        from .transformation_statistics import _snake

        d = {_snake(k): v for k, v in json_dict.items()}
        source = d["source_code"]
        if not source:
            raise TransformationFunctionException(
                f"Transformation function {d.get('name')!r} has no source code stored."
            )
        name = d["name"]

        def stripped(key: str) -> list[str] | None:
            values = d.get(key)
            return [v.strip() for v in values] if values else None

        arg_list = _source_arguments(source, name)
        features = stripped("transformation_features") or arg_list
        dropped_args = stripped("dropped_argument_names")
        statistics_args = stripped("statistics_argument_names") or []
        output_names = stripped("output_column_names")
        if len(features) != len(arg_list):
            raise TransformationFunctionException(
                f"Transformation function {name!r}: {len(features)} features stored for "
                f"{len(arg_list)} arguments ({', '.join(arg_list)})."
            )
        dropped_features = (
            [features[arg_list.index(a)] for a in dropped_args] if dropped_args else None
        )
        return cls(
            func=source,
            return_types=[t.strip() for t in d["output_types"]],
            name=name,
            transformation_features=[
                TransformationFeature(feature, arg if arg in statistics_args else None)
                for feature, arg in zip(features, arg_list, strict=True)
            ],
            dropped_argument_names=dropped_args,
            dropped_feature_names=dropped_features,
            feature_name_prefix=d.get("feature_name_prefix"),
            transformation_function_argument_names=stripped(
                "transformation_function_argument_names"
            ),
            execution_mode=UDFExecutionMode.from_string(d["execution_mode"]),
            output_column_names=output_names,
            generate_output_col_names=not output_names,
        )

    # -- properties -----------------------------------------------------------------------

    @property
    def return_types(self) -> list[str]:
        """The output types (Spark names: double, bigint, string, boolean, ...). A fitted
        one_hot_encoder has one per category seen in training."""
        if self.function_name == "one_hot_encoder" and self.transformation_statistics:
            self._update_return_type_one_hot()
        return self._return_types

    def _update_return_type_one_hot(self) -> None:
        stats = getattr(self.transformation_statistics, "feature", None)
        unique = getattr(stats, "unique_values", None)
        if unique is not None:
            self._return_types = [self._return_types[0] for _ in range(len(unique))]

    @property
    def function_name(self) -> str:
        return self._function_name

    @property
    def statistics_required(self) -> bool:
        return bool(self.statistics_features)

    @property
    def transformation_statistics(self) -> TransformationStatistics | None:
        return self._statistics

    @transformation_statistics.setter
    def transformation_statistics(
        self, statistics: TransformationStatistics | dict[str, dict[str, Any]] | list[Any]
    ) -> None:
        if isinstance(statistics, TransformationStatistics):
            self._statistics = statistics
        elif isinstance(statistics, dict):
            self._statistics = TransformationStatistics(*statistics.keys())
            for key, value in statistics.items():
                self._statistics.set_statistics(key, {"feature_name": key, **value})
        else:
            self._statistics = TransformationStatistics(*self._statistics_argument_names)
            mapping = self._statistics_argument_mapping
            for stat in statistics:
                arg = mapping.get(stat.feature_name)
                if arg is not None:
                    self._statistics.set_statistics(arg, stat.to_dict())

    @property
    def output_column_names(self) -> list[str]:
        if self._feature_name_prefix:
            return [self._feature_name_prefix + n for n in self._output_column_names]
        return self._output_column_names

    @output_column_names.setter
    def output_column_names(self, output_col_names: str | list[str]) -> None:
        if not isinstance(output_col_names, list):
            output_col_names = [output_col_names]
        self._validate_output_col_name(output_col_names)
        self._output_column_names = output_col_names

    @property
    def transformation_features(self) -> list[str]:
        prefix = self._feature_name_prefix or ""
        return [prefix + f.feature_name for f in self._transformation_features]

    @property
    def unprefixed_transformation_features(self) -> list[str]:
        return [f.feature_name for f in self._transformation_features]

    @property
    def feature_name_prefix(self) -> str | None:
        return self._feature_name_prefix

    @feature_name_prefix.setter
    def feature_name_prefix(self, prefix: str | None) -> None:
        self._feature_name_prefix = prefix

    @property
    def statistics_features(self) -> list[str]:
        """The features the udf needs training statistics of."""
        return [
            f.feature_name
            for f in self._transformation_features
            if f.statistic_argument_name is not None
        ]

    @property
    def _statistics_argument_mapping(self) -> dict[str, str | None]:
        return {f.feature_name: f.statistic_argument_name for f in self._transformation_features}

    @property
    def _statistics_argument_names(self) -> list[str]:
        return [
            f.statistic_argument_name
            for f in self._transformation_features
            if f.statistic_argument_name is not None
        ]

    @property
    def dropped_features(self) -> list[str] | None:
        """The features removed from the result once the udf has run."""
        if self._feature_name_prefix and self._dropped_features:
            return [self._feature_name_prefix + f for f in self._dropped_features]
        return self._dropped_features

    @dropped_features.setter
    def dropped_features(self, features: list[str] | None) -> None:
        self._dropped_features = HopsworksUdf._validate_and_convert_drop_features(
            features, self.transformation_features, self._feature_name_prefix
        )

    @property
    def execution_mode(self) -> UDFExecutionMode:
        return self._execution_mode

    @property
    def transformation_context(self) -> dict[str, Any]:
        """Values the udf's ``context`` argument receives (``{}`` when none); a context
        passed when reading data or feature vectors replaces it for that call."""
        return self._transformation_context or {}

    @transformation_context.setter
    def transformation_context(self, context_variables: dict[str, Any] | None) -> None:
        self._transformation_context = (
            self._validate_transformation_context(context_variables) if context_variables else {}
        )

    @property
    def _has_source(self) -> bool:
        return self._function_source is not None

    def __repr__(self) -> str:
        return f"{self.function_name}({', '.join(self.transformation_features)})"
