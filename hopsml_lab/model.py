"""Exporting models with the names of Hopsworks' ``hops.model``, over the model registry
(``hopsml_lab.registry``), the same registry hsml's ``project.get_model_registry()`` uses.

>>> from hopsml_lab import model
>>> model.export("/tmp/saved_model", "churn", metrics={"accuracy": 0.91})   # doctest: +SKIP
'/home/me/hopsml/demo/Models/churn/1'

Inside a trial the files are written by the executor and the model is recorded by the
driver when the trial ends, with the experiment and trial it came from.

``optimize`` (not in hops 3.x) converts a saved TensorFlow version to TensorFlow Lite and
registers the result as a new version, with its size, latency and accuracy against the
original's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .errors import BadInput
from .registry import (
    ModelArchiveExists,
    ModelExportError,
    ModelNotFound,
    ModelSpec,
    ModelVersionExists,
    Registry,
)

if TYPE_CHECKING:
    from .registry.optimize_figures import OptimizationResult

__all__ = [
    "Metric",
    "ModelArchiveExists",
    "ModelExportError",
    "ModelNotFound",
    "download_model",
    "export",
    "get_best_model",
    "get_model",
    "optimize",
]


class Metric:
    """Whether :func:`get_best_model` picks the highest or the lowest metric."""

    MAX = "MAX"
    MIN = "MIN"


def export(
    model_path: str | os.PathLike[str],
    model_name: str,
    model_version: int | None = None,
    overwrite: bool = False,
    metrics: Mapping[str, float] | None = None,
    description: str | None = None,
    synchronous: bool = True,
    synchronous_timeout: int = 120,
    project: str | None = None,
) -> str:
    """Copy a model (a folder's contents, or one file) to ``Models/<name>/<version>/``.

    ``model_version`` defaults to the next free version. Returns the version's path.
    """
    del synchronous, synchronous_timeout, project  # recording is immediate here
    spec = ModelSpec(
        name=model_name, version=model_version or None, metrics=metrics, description=description
    )
    try:
        record = Registry.here().save(spec, model_path, files_folder="", overwrite=overwrite)
    except ModelVersionExists as exists:
        raise ModelExportError(
            f"{exists}: pass overwrite=True, or leave model_version out for the next version"
        ) from exists
    except BadInput as bad:
        if isinstance(bad, ModelExportError):
            raise
        raise ModelExportError(str(bad)) from bad
    return record.path


def get_best_model(name: str, metric: str, direction: str) -> dict[str, Any]:
    """The version of model ``name`` with the highest (``Metric.MAX``) or lowest
    (``Metric.MIN``) ``metric``, as a dict (``name``, ``version``, ``path``, ``metrics``...).

    >>> model.get_best_model("mnist", "accuracy", Metric.MAX)["path"]   # doctest: +SKIP
    """
    if str(direction).upper() not in (Metric.MAX, Metric.MIN):
        raise BadInput(f"direction={direction!r}: use Metric.MAX or Metric.MIN")
    best = Registry.here().best(name, metric, str(direction))
    if best is None:
        raise ModelNotFound(f"No model with name {name} and metric {metric} could be found.")
    return best.model_dump()


def get_model(name: str, version: int, project_name: str | None = None) -> dict[str, Any]:
    """Version ``version`` of model ``name``, as a dict (one project per kernel)."""
    del project_name
    return Registry.here().require(name, int(version)).model_dump()


def download_model(
    name: str, version: int | None = None, project_name: str | None = None, overwrite: bool = False
) -> str:
    """Zip ``Models/<name>`` (or one version of it) into ``<name>[<version>].zip`` in the
    working folder, as hops names it; returns the archive's path."""
    del project_name  # one project per kernel
    return Registry.here().archive(name, version, overwrite)


def optimize(
    name: str,
    version: int,
    method: str = "float16",
    test_data: tuple[Any, Any] | None = None,
    metric: str | None = None,
    target_name: str | None = None,
    description: str | None = None,
    representative_data: Any = None,
    runs: int = 200,
) -> OptimizationResult:
    """Convert version ``version`` of TensorFlow model ``name`` to TensorFlow Lite and
    register it as the next version (of ``target_name`` when given), with its size,
    latency per row and ``metric`` against the original's, printed side by side.

    ``method``: ``"float16"`` (about half the size), ``"dynamic-int8"`` (int8 weights,
    about a quarter) or ``"int8"`` (full integer, calibrated on the training split or
    ``representative_data``). The test rows: the test split of the training dataset the
    version was saved with (``feature_view=``), or ``test_data=(X_test, y_test)``.
    ``metric``: ``accuracy``, ``mae``, ``mse`` or ``rmse`` (default: accuracy for class
    labels, mae otherwise).

    >>> print(model.optimize("churn", 1, method="int8"))                 # doctest: +SKIP
    """
    from .registry.optimize import optimize as optimized

    return optimized(
        name,
        version,
        method,
        test_data=test_data,
        metric=metric,
        target_name=target_name,
        description=description,
        representative_data=representative_data,
        runs=runs,
    )
