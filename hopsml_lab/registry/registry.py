"""The model registry: versions of named models under ``Models/<name>/<version>/`` on the
store, each recorded in the catalog with its metrics and lineage.

>>> registry = Registry.here()                                        # doctest: +SKIP
>>> registry.save(ModelSpec("churn", metrics={"accuracy": 0.9}), "export/")  # doctest: +SKIP
ModelRecord(name='churn', version=1, ...)

A save is all or nothing: the files are written to a hidden folder beside the versions
and renamed into place in one step, so a failure leaves no version behind. Inside an
experiment trial the files are written by the executor and the record is handed to the
driver, which registers it when the trial ends (with the experiment and trial).
"""

from __future__ import annotations

import contextlib
import json
import os
import posixpath
import shutil
import tempfile
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..catalog import ModelRecord
from ..engine.context import TrialContext, current_trial
from ..errors import BadInput
from ..lab import Lab, get_lab
from ..redact import mask_url
from ..store import Store, StoreError, clean_path
from . import files
from .checks import checked_metrics, checked_name
from .details import (
    current_user,
    exists_message,
    model_cache,
    running_program,
    version_folder,
)
from .errors import (
    ModelArchiveExists,
    ModelExportError,
    ModelNotFound,
    ModelRegistryException,
    ModelVersionExists,
)

MODELS = "Models"
FILES = "Files"  # hsml 5.x keeps a version's model files in this subfolder
INPUT_EXAMPLE = "input_example.json"
MODEL_SCHEMA = "model_schema.json"
CACHE_MARKER = ".download_complete"


class BadModelQuery(ModelRegistryException, BadInput):
    """A registry query that cannot be answered as asked (a bad direction, a bad version)."""


@dataclass(frozen=True)
class ModelSpec:
    """What to record about a model version; the files come with ``Registry.save``."""

    name: str
    version: int | None = None
    metrics: Mapping[str, Any] | None = None
    description: str | None = None
    framework: str | None = None
    input_example: Any = None  # JSON-ready (checks.input_example_json)
    model_schema: dict[str, Any] | None = None
    feature_view: tuple[str, int] | None = None  # (name, version)
    training_dataset_version: int | None = None
    documents: Mapping[str, Any] | None = None  # more JSON files beside the model files


def checked_version(version: object) -> int:
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise BadModelQuery(f"version={version!r}: model versions are whole numbers 1, 2, ...")
    return version


class Registry:
    """Saves, finds, downloads and deletes model versions of one project."""

    def __init__(self, store: Store, lab: Lab | None, trial: TrialContext | None = None) -> None:
        self.store = store
        self._lab = lab
        self.trial = trial

    @classmethod
    def here(cls) -> Registry:
        """The registry of this process's project (a trial's store inside a trial)."""
        trial = current_trial()
        if trial is not None:
            return cls(trial.store, None, trial)
        lab = get_lab()
        return cls(lab.store, lab)

    @property
    def lab(self) -> Lab:
        return self._lab if self._lab is not None else get_lab()

    @property
    def project_name(self) -> str:
        return self.lab.settings.project_name

    def url(self, path: str) -> str:
        return self.store.url(path)

    # -- saving ---------------------------------------------------------------------

    def save(
        self,
        spec: ModelSpec,
        source: str | os.PathLike[str],
        files_folder: str = FILES,
        overwrite: bool = False,
        move: bool = False,
        numbers_in_text: bool = False,
    ) -> ModelRecord:
        """Copy ``source`` (a local or project file or folder) into a new version and
        record it. ``files_folder=""`` puts the files in the version folder itself (hops
        3.x); ``move`` deletes a project ``source`` once saved; ``overwrite`` replaces an
        existing version instead of refusing it."""
        name = checked_name(spec.name)
        metrics = checked_metrics(spec.metrics, numbers_in_text)
        version = None if spec.version is None else checked_version(spec.version)
        local, in_project = self._source(source)
        documents = self._documents(spec)
        program = running_program()
        if program is not None and files_folder:  # beside Files/, as Hopsworks keeps it
            documents[posixpath.basename(program)] = Path(program).read_text(errors="replace")
        staging = f"{MODELS}/{name}/.saving-{uuid.uuid4().hex}"
        try:
            target = f"{staging}/{files_folder}" if files_folder else staging
            self.store.makedirs(target)
            if local is not None:
                files.copy_local_in(self.store, local, target)
            else:
                files.copy_within(self.store, in_project, target)  # type: ignore[arg-type]
            for resource, text in documents.items():
                self.store.write_text(f"{staging}/{resource}", text)
            version = self._publish(staging, name, version, overwrite)
        except BaseException:
            with contextlib.suppress(Exception):
                self.store.delete(staging, recursive=True)
                self._drop_if_empty(f"{MODELS}/{name}")
            raise
        record = self._record_for(spec, name, version, metrics, documents)
        try:
            self._register(record)
        except BaseException:
            with contextlib.suppress(Exception):
                self.store.delete(version_folder(name, version), recursive=True)
            raise
        if move and in_project is not None:
            self.store.delete(in_project, recursive=True)
        return record

    def _source(self, source: str | os.PathLike[str]) -> tuple[Path | None, str | None]:
        """(local path, None) or (None, project path); as hsml looks: local absolute,
        local relative to the working folder, then the project."""
        local = Path(source).expanduser()
        if local.exists():
            return local.resolve(), None
        text = str(source)
        root = self.store.url("").rstrip("/")
        relative: str | None = None
        if text.startswith(root + "/"):
            relative = text[len(root) + 1 :]
        elif "://" not in text and not text.startswith("/"):
            relative = text
        with contextlib.suppress(BadInput):
            if relative is not None and clean_path(relative) and self.store.exists(relative):
                return None, clean_path(relative)
        raise ModelExportError(
            f"no model at {mask_url(text)!r}, locally or in the project: give the folder "
            "or file the model was saved to"
        )

    @staticmethod
    def _documents(spec: ModelSpec) -> dict[str, str]:
        """The JSON files a version holds beside its model files, made before anything is
        written so that a value JSON cannot hold fails early."""
        documents: dict[str, str] = {}
        try:
            if spec.input_example is not None:
                documents[INPUT_EXAMPLE] = json.dumps(spec.input_example)
            if spec.model_schema is not None:
                documents[MODEL_SCHEMA] = json.dumps(spec.model_schema, sort_keys=True, indent=2)
            for resource, value in (spec.documents or {}).items():
                documents[posixpath.basename(resource)] = json.dumps(value, indent=2)
        except (TypeError, ValueError) as error:
            raise ModelExportError(
                f"cannot save the input example or model schema as JSON ({error}): use "
                "numbers, strings and lists"
            ) from error
        return documents

    def _publish(self, staging: str, name: str, version: int | None, overwrite: bool) -> int:
        """Rename the finished ``staging`` folder to its version: the next free one, or
        ``version`` (refused if taken unless ``overwrite``)."""
        if version is None:
            for _ in range(100):  # others may take a version between the look and the rename
                version = self._next_version(name)
                with contextlib.suppress(StoreError):
                    self.store.rename(staging, version_folder(name, version))
                    return version
                if not self.store.exists(version_folder(name, version)):
                    raise ModelExportError(f"could not create {version_folder(name, version)}")
            raise ModelExportError(f"too many concurrent saves of model {name}; save again")
        target = version_folder(name, version)
        on_store = self.store.exists(target)
        recorded = self.trial is None and self.get(name, version) is not None
        if (on_store or recorded) and not overwrite:
            raise ModelVersionExists(exists_message(name, version, on_store, recorded))
        trash = f"{MODELS}/{name}/.replacing-{uuid.uuid4().hex}"
        if on_store:
            self.store.rename(target, trash)
        try:
            self.store.rename(staging, target)
        except BaseException:
            if on_store:
                self.store.rename(trash, target)
            raise
        if on_store:
            self.store.delete(trash, recursive=True)
        return version

    def _next_version(self, name: str) -> int:
        folder = f"{MODELS}/{name}"
        taken = [r.version for r in self.versions(name)] if self.trial is None else []
        if self.store.exists(folder):
            taken += [int(e.name) for e in self.store.list(folder) if e.is_dir and e.name.isdigit()]
        return max(taken, default=0) + 1

    def _record_for(
        self,
        spec: ModelSpec,
        name: str,
        version: int,
        metrics: dict[str, float],
        documents: dict[str, str],
    ) -> ModelRecord:
        fv_name, fv_version = spec.feature_view or (None, None)
        return ModelRecord(
            name=name,
            version=version,
            path=self.store.url(version_folder(name, version)),
            metrics=metrics,
            description=spec.description
            if spec.description is not None
            else f"A collection of models for {name}",
            experiment_id=self.trial.experiment_id if self.trial else None,
            trial_key=self.trial.key if self.trial else None,
            created_at=time.time(),
            framework=spec.framework,
            input_example=json.loads(documents[INPUT_EXAMPLE])
            if INPUT_EXAMPLE in documents
            else None,
            model_schema=spec.model_schema,
            feature_view_name=fv_name,
            feature_view_version=fv_version,
            training_dataset_version=spec.training_dataset_version,
            program=running_program(),
            user=current_user(),
        )

    def _register(self, record: ModelRecord) -> None:
        if self.trial is not None:
            self.trial.exported_models.append(record)  # the driver records it with the outcome
        else:
            self.lab.models.register_model(self.lab.project_id, record)

    def _drop_if_empty(self, folder: str) -> None:
        if self.store.exists(folder) and not self.store.list(folder):
            self.store.delete(folder, recursive=True)

    # -- reading --------------------------------------------------------------------

    def versions(self, name: str) -> list[ModelRecord]:
        """Every version of model ``name``, newest first."""
        return self.lab.models.list_models(self.project_name, str(name))

    def get(self, name: str, version: int) -> ModelRecord | None:
        return self.lab.models.get_model(self.project_name, str(name), checked_version(version))

    def require(self, name: str, version: int) -> ModelRecord:
        """Version ``version`` of ``name``, or an error naming the versions there are."""
        record = self.get(name, version)
        if record is None:
            known = sorted(r.version for r in self.versions(name))
            there = f"its versions are {known}" if known else f"no model {name!r} is saved"
            raise ModelNotFound(
                f"No model with name: {name} and version {version} could be found ({there})"
            )
        return record

    def best(self, name: str, metric: str, direction: str) -> ModelRecord | None:
        """The version with the highest (``direction="max"``) or lowest (``"min"``)
        ``metric``; None if no version has that metric."""
        way = str(direction).lower()
        if way not in ("max", "min"):
            raise BadModelQuery(f"direction={direction!r}: use 'max' or 'min'")
        scored = [r for r in self.versions(name) if metric in r.metrics]
        if not scored:
            return None
        pick = max if way == "max" else min
        return pick(reversed(scored), key=lambda r: r.metrics[metric])  # ties: oldest

    def read_json(self, record: ModelRecord, resource: str) -> Any:
        """A JSON file of the version folder (``input_example.json``...), or None."""
        path = f"{version_folder(record.name, record.version)}/{resource}"
        if not self.store.exists(path):
            return None
        return json.loads(self.store.read_text(path))

    def read_text(self, record: ModelRecord, resource: str) -> str | None:
        path = f"{version_folder(record.name, record.version)}/{posixpath.basename(resource)}"
        return self.store.read_text(path) if self.store.exists(path) else None

    # -- downloading and deleting -----------------------------------------------------

    def files_folder(self, record: ModelRecord) -> str:
        """Where the version's model files are: ``Files/`` (hsml), else the version folder
        itself (hops 3.x exports)."""
        folder = version_folder(record.name, record.version)
        return f"{folder}/{FILES}" if self.store.exists(f"{folder}/{FILES}") else folder

    def download(self, record: ModelRecord, local_path: str | None = None) -> str:
        """Copy the model files into ``local_path``, or into a cache folder reused until
        the version is saved anew; returns the local folder."""
        if local_path is not None:
            files.copy_out(self.store, self.files_folder(record), Path(local_path).expanduser())
            return str(local_path)
        cache = model_cache(self.project_name, record)
        if (cache / CACHE_MARKER).exists():
            return str(cache)
        partial = cache.with_name(f".{cache.name}.{uuid.uuid4().hex}")
        try:
            files.copy_out(self.store, self.files_folder(record), partial)
            (partial / CACHE_MARKER).write_text(f"Downloaded at: {time.time()}\n")
            shutil.rmtree(cache, ignore_errors=True)
            partial.rename(cache)
        finally:
            shutil.rmtree(partial, ignore_errors=True)
        return str(cache)

    def archive(self, name: str, version: int | None = None, overwrite: bool = False) -> str:
        """Zip ``Models/<name>`` (or one version of it) into ``<name>[<version>].zip`` in
        the working folder, as hops names it; returns the archive's path."""
        folder = f"{MODELS}/{name}" + (f"/{version}" if version is not None else "")
        archive = Path(f"{name}{version if version is not None else ''}.zip").resolve()
        if archive.exists():
            if not overwrite:
                raise ModelArchiveExists(
                    f"Model archive file already exists at {archive}: pass overwrite=True or "
                    "remove it"
                )
            archive.unlink()
        if not self.store.exists(folder):
            raise ModelNotFound(f"no {folder} in the project to download")
        with tempfile.TemporaryDirectory() as scratch:
            inside = posixpath.basename(folder)
            files.copy_out(self.store, folder, Path(scratch) / inside)
            shutil.make_archive(str(archive.with_suffix("")), "zip", scratch, inside)
        return str(archive)

    def delete(self, name: str, version: int) -> None:
        """Delete version ``version`` of ``name``: its files and its record, both or
        neither."""
        folder = version_folder(str(name), checked_version(version))
        record = self.get(name, version)
        if record is None and not self.store.exists(folder):
            self.require(name, version)  # raises, naming the versions there are
        trash = f"{MODELS}/{name}/.deleting-{uuid.uuid4().hex}"
        moved = self.store.exists(folder)
        if moved:
            self.store.rename(folder, trash)
        try:
            self.lab.models.delete_model(self.lab.project_id, str(name), version)
        except BaseException:
            if moved:
                self.store.rename(trash, folder)
            raise
        if moved:
            self.store.delete(trash, recursive=True)
