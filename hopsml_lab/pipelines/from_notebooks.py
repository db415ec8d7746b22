"""A pipeline made from notebooks (or scripts) of the project, in the order given: one job
per file, named from the file and registered when missing, each stage after the one
before. What ``%pipeline create`` does, usable from plain Python too.

>>> pipeline_from_files("churn", ["ingest.ipynb", "train.ipynb"])   # doctest: +SKIP
Pipeline(name='churn', stages=(Stage(name='ingest', ...), Stage(name='train', ...)), ...)
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from ..errors import BadInput, clip
from ..store import LocalStore
from .definition import Pipeline, Stage, check_name
from .pipelines import PipelineService

_NOT_IN_NAME = re.compile(r"[^A-Za-z0-9_-]+")
RUNNABLE = (".ipynb", ".py")


def job_name_for(path: str) -> str:
    """The job name a file gets: its stem with other characters as '_' (``01 Ingest
    data.ipynb`` -> ``01_Ingest_data``)."""
    stem = _NOT_IN_NAME.sub("_", PurePosixPath(path).stem).strip("_")
    return check_name(stem[:200], f"file {clip(path)}: job")


def project_file(service: PipelineService, given: str, cwd: str | None = None) -> str:
    """``given`` as a path in the project: a project path as is; on a local project, a
    path (relative to ``cwd``, the notebook's folder) inside the project folder too."""
    store = service.lab.store
    if isinstance(store, LocalStore):
        local = Path(cwd or os.getcwd(), given).expanduser().resolve()
        root = Path(store.root)
        if local.is_file() and root in local.parents:
            return _runnable(local.relative_to(root).as_posix())
    if not store.exists(given.lstrip("/")):
        raise BadInput(
            f"no file {clip(given)!r} in project {service.lab.settings.project_name} (nor "
            "next to this notebook): give its path in the project, e.g. Jobs/train.ipynb"
        )
    return _runnable(given.lstrip("/"))


def _runnable(path: str) -> str:
    if PurePosixPath(path).suffix not in RUNNABLE:
        raise BadInput(f"{clip(path)}: a pipeline stage runs a notebook (.ipynb) or a script (.py)")
    return path


def pipeline_from_files(
    name: str,
    files: Sequence[str],
    *,
    schedule: str | None = None,
    wait_for: str | None = None,
    retries: int = 0,
    cwd: str | None = None,
    service: PipelineService | None = None,
) -> Pipeline:
    """Save pipeline ``name``: one stage per file, in the order given, each a job named
    from its file (created when the project has none of that name; one of that name on
    another file is an error saying so). Replaces a pipeline of that name."""
    service = service or PipelineService.here()
    check_name(name, "pipeline")
    if not files:
        raise BadInput(
            f"pipeline {name}: give its notebooks in order, e.g. ingest.ipynb train.ipynb"
        )
    paths = [project_file(service, f, cwd) for f in files]
    names = [job_name_for(p) for p in paths]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise BadInput(f"pipeline {name}: the files give the same job names {twice}; rename one")
    # Everything checked before the first job is registered: a bad file leaves no trace.
    stages = tuple(
        Stage(job, job, after=(names[n - 1],) if n else (), retries=retries)
        for n, job in enumerate(names)
    )
    pipeline = Pipeline(name, stages, schedule=schedule, wait_for=wait_for)
    missing = []
    for job, path in zip(names, paths, strict=True):
        if not service.jobs.exists(job):
            missing.append((job, path))
        elif (current := service.jobs.get(job).app_path) != path:
            raise BadInput(
                f"job {job} already runs {current}, not {path}: rename the file or "
                f"delete the job first (JobService.here().delete({job!r}))"
            )
    for job, path in missing:
        service.jobs.create(job, {"type": "pythonJobConfiguration", "appPath": path})
    return service.save(pipeline)
