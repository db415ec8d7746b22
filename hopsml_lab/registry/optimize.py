"""Optimizing a registered TensorFlow model for small devices and fast serving: the
version converted to TensorFlow Lite (``float16``, ``dynamic-int8`` or full ``int8``),
measured against the original on the test rows of its training dataset, and registered
as a new version with its figures.

>>> result = optimize("churn", 1, method="int8")                          # doctest: +SKIP
>>> print(result)                                                         # doctest: +SKIP
churn version 1 -> version 2 (int8 TensorFlow Lite, calibrated on ...)
                                        original  optimized   change
size                                     36.9 KB     8.2 KB   -77.8%
...

The test rows are the test split of the training dataset the version records (saved
with ``feature_view=``), or ``test_data=(X_test, y_test)``. Everything is converted and
measured before anything is saved; the save itself is all or nothing.
"""

from __future__ import annotations

import dataclasses
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..catalog import ModelRecord
from ..deployments.loaders import ServedModel, load_model
from .checks import checked_name
from .errors import ModelExportError
from .optimize_figures import Figures, OptimizationResult, Scorer, latency_ms, outputs_of
from .registry import INPUT_EXAMPLE, MODEL_SCHEMA, ModelSpec, Registry, checked_version
from .tflite import (
    CALIBRATION_ROWS,
    checked_method,
    convert,
    single_input,
    tensorflow_source,
)

LITE_FILE = "model.tflite"
LINEAGE = "optimization.json"
RUNS = 200


@dataclass(frozen=True)
class TestRows:
    """The rows both models are measured on, and where they came from."""

    X: np.ndarray
    y: np.ndarray
    source: str


def optimize(
    name: str,
    version: int,
    method: str = "float16",
    *,
    test_data: tuple[Any, Any] | None = None,
    metric: str | None = None,
    target_name: str | None = None,
    description: str | None = None,
    representative_data: Any = None,
    runs: int = RUNS,
    registry: Registry | None = None,
) -> OptimizationResult:
    """Convert version ``version`` of model ``name`` to TensorFlow Lite with ``method``,
    measure it against the original (size, latency per row, ``metric`` on the test rows)
    and register it as the next version of ``name`` (or of ``target_name``).

    ``metric``: ``accuracy``, ``mae``, ``mse`` or ``rmse`` (default: accuracy for class
    labels, mae otherwise). ``representative_data``: rows int8 is calibrated on (default:
    the training split, else the test rows).
    """
    registry = registry if registry is not None else Registry.here()
    method = checked_method(method)
    record = registry.require(name, checked_version(version))
    target = checked_name(target_name) if target_name is not None else record.name
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
        raise ModelExportError(f"runs={runs!r}: give a whole number of latency runs, 1 or more")
    label = f"model {record.name} version {record.version}"
    with tempfile.TemporaryDirectory(prefix="hopsml-optimize-") as folder:
        scratch = Path(folder)
        original_dir = Path(registry.download(record, str(scratch / "original")))
        source = tensorflow_source(original_dir, label)
        need_train = method == "int8" and representative_data is None
        rows, train = _test_rows(record, test_data, need_train, label)
        calibration, representative = _calibration(method, representative_data, train, rows)
        original = load_model(original_dir, "TENSORFLOW_SERVING")
        width = single_input([s.shape for s in original.inputs or []], label)
        _check_width(rows.X, width, rows.source)
        scorer = Scorer.choose(metric, rows.y)
        lite_dir = scratch / "optimized"
        lite_dir.mkdir()
        content = convert(source, method, representative, scratch)
        (lite_dir / LITE_FILE).write_bytes(content)
        optimized = load_model(lite_dir, "TENSORFLOW_SERVING")
        before, after = outputs_of(original, rows.X), outputs_of(optimized, rows.X)
        scorer = scorer.fitted(before)
        result = OptimizationResult(
            name=target,
            version=0,  # known once saved
            source_name=record.name,
            source_version=record.version,
            method=method,
            metric=scorer.name,
            test_rows=len(rows.X),
            test_source=rows.source,
            calibration=calibration,
            runs=runs,
            original=_figures(original, _size(original_dir), before, rows, scorer, runs),
            optimized=_figures(optimized, len(content), after, rows, scorer, runs),
            max_abs_difference=float(np.max(np.abs(after.astype("float64") - before))),
            path="",
        )
        saved = registry.save(_spec(registry, record, target, result, description), lite_dir)
    return dataclasses.replace(result, version=saved.version, path=saved.path)


def _spec(
    registry: Registry,
    record: ModelRecord,
    target: str,
    result: OptimizationResult,
    description: str | None,
) -> ModelSpec:
    """The new version: the figures as metrics, the source's schema, example and
    feature view lineage, and ``optimization.json`` naming the source and method."""
    made = (
        f"{result.method} TensorFlow Lite conversion of model {record.name} version "
        f"{record.version}"
    )
    fv = (
        (record.feature_view_name, record.feature_view_version)
        if record.feature_view_name is not None and record.feature_view_version is not None
        else None
    )
    return ModelSpec(
        name=target,
        metrics=result.metrics(),
        description=made if description is None else f"{description} ({made})",
        framework="TENSORFLOW",
        input_example=registry.read_json(record, INPUT_EXAMPLE),
        model_schema=registry.read_json(record, MODEL_SCHEMA),
        feature_view=fv,
        training_dataset_version=record.training_dataset_version,
        documents={LINEAGE: result.lineage()},
    )


def _figures(
    model: ServedModel,
    size: int,
    outputs: np.ndarray,
    rows: TestRows,
    scorer: Scorer,
    runs: int,
) -> Figures:
    return Figures(size, latency_ms(model, rows.X, runs), scorer.score(outputs, rows.y))


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# -- the rows to measure on ------------------------------------------------------------


def _test_rows(
    record: ModelRecord, test_data: Any, need_train: bool, label: str
) -> tuple[TestRows, np.ndarray | None]:
    """The test rows (given, or the training dataset's test split) and, when
    ``need_train``, the training rows if the lineage gives them."""
    lineage = record.feature_view_name is not None and record.training_dataset_version
    if test_data is None and not lineage:
        raise ModelExportError(
            f"{label} records no training dataset to test on: pass test_data=(X_test, "
            "y_test), or save the model with feature_view= after "
            "feature_view.train_test_split()"
        )
    split = _split_of(record) if lineage and (test_data is None or need_train) else None
    train = split[0] if split is not None else None
    if test_data is not None:
        X, y = _pair(test_data)
        return TestRows(X, y, "test_data"), train
    if split is None:
        raise ModelExportError(
            f"training dataset version {record.training_dataset_version} of feature view "
            f"{record.feature_view_name} has no test split: pass test_data=(X_test, y_test)"
        )
    where = (
        f"the test split of training dataset version {record.training_dataset_version} of "
        f"feature view {record.feature_view_name} version {record.feature_view_version}"
    )
    return TestRows(split[1], split[2], where), train


def _split_of(record: ModelRecord) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(X_train, X_test, y_test) of the version's training dataset, or None when it has
    no test split."""
    from ..hopsworks import get_current_project

    fs = get_current_project().get_feature_store()
    fv = fs.get_feature_view(record.feature_view_name, record.feature_view_version)
    version = record.training_dataset_version
    if fv is None:
        raise ModelExportError(
            f"feature view {record.feature_view_name} version {record.feature_view_version}, "
            "which the model was trained on, is gone: pass test_data=(X_test, y_test)"
        )
    found = next((t for t in fv.get_training_datasets() if t.version == version), None)
    splits = 0 if found is None else len(found.splits)
    if splits == 2:
        X_train, X_test, _, y_test = fv.get_train_test_split(version, dataframe_type="pandas")
    elif splits == 3:
        X_train, _, X_test, _, _, y_test = fv.get_train_validation_test_split(
            version, dataframe_type="pandas"
        )
    else:
        return None
    if y_test is None:
        raise ModelExportError(
            f"feature view {fv.name} has no label to score the test split with: pass "
            "test_data=(X_test, y_test)"
        )
    where = f"the test split of feature view {fv.name}"
    return _matrix(X_train, where), _matrix(X_test, where), _labels(y_test, where)


def _pair(test_data: Any) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(test_data, tuple | list) or len(test_data) != 2:
        raise ModelExportError(
            f"test_data is a {type(test_data).__name__}: give a pair (X_test, y_test)"
        )
    X, y = _matrix(test_data[0], "test_data's X"), _labels(test_data[1], "test_data's y")
    if len(X) != len(y):
        raise ModelExportError(f"test_data has {len(X)} rows of X and {len(y)} labels")
    return X, y


def _matrix(data: Any, what: str) -> np.ndarray:
    try:
        rows = np.asarray(data, dtype="float32")
    except (TypeError, ValueError) as error:
        raise ModelExportError(
            f"{what} is not all numbers ({error}): give the numeric features the model takes"
        ) from None
    if rows.ndim != 2 or len(rows) == 0:
        raise ModelExportError(f"{what} has shape {rows.shape}: give rows of features")
    if not np.all(np.isfinite(rows)):
        raise ModelExportError(f"{what} holds missing or infinite values: fill or drop them")
    return rows


def _labels(data: Any, what: str) -> np.ndarray:
    try:
        labels = np.asarray(data, dtype="float64")
    except (TypeError, ValueError) as error:
        raise ModelExportError(f"{what} is not all numbers ({error})") from None
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise ModelExportError(f"{what} has shape {labels.shape}: give one label per row")
    return labels


def _check_width(X: np.ndarray, width: int | None, what: str) -> None:
    if width is not None and X.shape[1] != width:
        raise ModelExportError(
            f"the rows of {what} have {X.shape[1]} features but the model takes {width}"
        )


def _calibration(
    method: str, given: Any, train: np.ndarray | None, rows: TestRows
) -> tuple[str | None, np.ndarray | None]:
    """Where int8 is calibrated, and on what: ``representative_data``, else the training
    split, else the test rows (the table's title says which)."""
    if method != "int8":
        return None, None
    if given is not None:
        data = _matrix(given, "representative_data")
        return f"{min(len(data), CALIBRATION_ROWS)} representative_data rows", data
    if train is not None:
        return f"{min(len(train), CALIBRATION_ROWS)} training split rows", train
    return f"{min(len(rows.X), CALIBRATION_ROWS)} test rows", rows.X
