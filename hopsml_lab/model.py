"""Exporting models with the names of Hopsworks' ``hops.model``.

>>> from hopsml_lab import model
>>> model.export("/tmp/saved_model", "churn", metrics={"accuracy": 0.91})   # doctest: +SKIP
'/home/me/hopsml/demo/Models/churn/1'

Inside a trial the files are written by the executor and the model is recorded by the
driver when the trial ends, with the experiment and trial it came from.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .catalog import ModelRecord
from .engine.context import current_trial
from .errors import BadInput, Conflict, NotFound
from .hdfs import _relative, _store, copy_to_local
from .lab import get_lab
from .redact import mask_url
from .store import Store


class ModelExportError(BadInput):
    """The model cannot be exported as asked; the message says what to change."""


class ModelNotFound(NotFound):
    """No exported model with that name (and version, or metric)."""


class ModelArchiveExists(Conflict):
    """The archive :func:`download_model` would write exists already."""


class Metric:
    """Whether :func:`get_best_model` picks the highest or the lowest metric."""

    MAX = "MAX"
    MIN = "MIN"


def _checked_metrics(metrics: Mapping[str, float] | None) -> dict[str, float]:
    checked: dict[str, float] = {}
    for key, value in (metrics or {}).items():
        if not isinstance(key, str):
            raise ModelExportError(f"metric names are strings, not {key!r}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ModelExportError(f"metric {key!r} is {value!r}: metrics are numbers")
        if not math.isfinite(value):
            raise ModelExportError(f"metric {key!r} is {value}: give a finite number")
        checked[key] = float(value)
    return checked


def _next_version(store: Store, folder: str) -> int:
    if not store.exists(folder):
        return 1
    versions = [int(e.name) for e in store.list(folder) if e.is_dir and e.name.isdigit()]
    return max(versions, default=0) + 1


def _copy_in(store: Store, source: str | os.PathLike[str], target: str) -> None:
    """Copy a local file or folder's contents (or a project path) to ``target``."""
    local = Path(source).expanduser()
    if local.exists():
        files = [local] if local.is_file() else sorted(p for p in local.rglob("*") if p.is_file())
        for file in files:
            inside = file.name if local.is_file() else file.relative_to(local).as_posix()
            store.write_bytes(f"{target}/{inside}", file.read_bytes())
        return
    relative = _relative(str(source))
    if not store.exists(relative):
        raise ModelExportError(f"no model at {str(source)!r}, locally or in the project")
    pending = [(relative, target)]
    while pending:
        here, there = pending.pop()
        try:
            entries = store.list(here)
        except Exception:  # a file
            store.write_bytes(f"{there}/{Path(here).name}", store.read_bytes(here))
            continue
        for entry in entries:
            if entry.is_dir:
                pending.append((entry.path, f"{there}/{entry.name}"))
            else:
                store.write_bytes(f"{there}/{entry.name}", store.read_bytes(entry.path))


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
    name = str(model_name)
    if not name or "/" in name or name in (".", ".."):
        raise ModelExportError(f"model name {name!r}: use a name without '/'")
    checked = _checked_metrics(metrics)
    store = _store()
    folder = f"Models/{name}"
    version = model_version or _next_version(store, folder)
    if not isinstance(version, int) or version < 1:
        raise ModelExportError(f"model_version={model_version!r}: versions are 1, 2, ...")
    target = f"{folder}/{version}"
    if store.exists(target):
        if not overwrite:
            raise ModelExportError(
                f"{name} version {version} exists at {mask_url(store.url(target))}: "
                "pass overwrite=True, or leave model_version out for the next version"
            )
        store.delete(target, recursive=True)
    _copy_in(store, model_path, target)
    trial = current_trial()
    record = ModelRecord(
        name=name,
        version=version,
        path=store.url(target),
        metrics=checked,
        description=description or f"A collection of models for {name}",
        experiment_id=trial.experiment_id if trial else None,
        trial_key=trial.key if trial else None,
        created_at=time.time(),
    )
    if trial is not None:
        trial.exported_models.append(record)  # the driver records it with the outcome
    else:
        lab = get_lab()
        lab.models.register_model(lab.project_id, record)
    return record.path


def _versions(name: str) -> list[ModelRecord]:
    lab = get_lab()
    return lab.models.list_models(lab.settings.project_name, str(name))


def get_best_model(name: str, metric: str, direction: str) -> dict[str, Any]:
    """The version of model ``name`` with the highest (``Metric.MAX``) or lowest
    (``Metric.MIN``) ``metric``, as a dict (``name``, ``version``, ``path``, ``metrics``...).

    >>> model.get_best_model("mnist", "accuracy", Metric.MAX)["path"]   # doctest: +SKIP
    """
    if str(direction).upper() not in (Metric.MAX, Metric.MIN):
        raise BadInput(f"direction={direction!r}: use Metric.MAX or Metric.MIN")
    scored = [m for m in _versions(name) if metric in m.metrics]
    if not scored:
        raise ModelNotFound(f"No model with name {name} and metric {metric} could be found.")
    pick = max if str(direction).upper() == Metric.MAX else min
    return pick(scored, key=lambda m: m.metrics[metric]).model_dump()


def get_model(name: str, version: int, project_name: str | None = None) -> dict[str, Any]:
    """Version ``version`` of model ``name``, as a dict (one project per kernel)."""
    del project_name
    for record in _versions(name):
        if record.version == int(version):
            return record.model_dump()
    raise ModelNotFound(f"No model with name: {name} and version {version} could be found")


def download_model(
    name: str, version: int | None = None, project_name: str | None = None, overwrite: bool = False
) -> str:
    """Zip ``Models/<name>`` (or one version of it) into ``<name>[<version>].zip`` in the
    working folder, as hops names it; returns the archive's path."""
    del project_name  # one project per kernel
    folder = f"Models/{name}" + (f"/{version}" if version is not None else "")
    archive = Path(f"{name}{version if version is not None else ''}.zip").resolve()
    if archive.exists():
        if not overwrite:
            raise ModelArchiveExists(
                f"Model archive file already exists at {archive}: pass overwrite=True or remove it"
            )
        archive.unlink()
    if not _store().exists(_relative(folder)):
        raise ModelNotFound(f"no {folder} in the project to download")
    with tempfile.TemporaryDirectory() as scratch:
        copied = Path(copy_to_local(folder, scratch))
        shutil.make_archive(str(archive.with_suffix("")), "zip", scratch, copied.name)
    return str(archive)
