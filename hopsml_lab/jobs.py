"""Hopsworks' ``hops.jobs`` (creating and starting jobs), kept by name and signature, on
HopsML Lab's job service: a job is a notebook or script of the project, run in a
subprocess here. Each function answers the JSON the Hopsworks REST API answered
(camelCase keys), as hops 3.x returned it.

>>> from hopsml_lab import jobs                                          # doctest: +SKIP
>>> jobs.create_job("train", {"type": "pythonJobConfiguration",
...                           "appPath": "Jobs/train.ipynb"})            # doctest: +SKIP
>>> jobs.start_job("train", "--lr 0.01")["state"]                       # doctest: +SKIP
'RUNNING'
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from .catalog.jobs import ExecutionRecord, JobRecord
from .errors import BadInput, clip
from .pipelines.arguments import as_text
from .pipelines.jobs import JobService


def _job_json(record: JobRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "creationTime": record.created_at,
        "config": record.config,
        "jobType": "PYTHON",
    }


def _execution_json(record: ExecutionRecord) -> dict[str, Any]:
    started = record.started_at or record.submitted_at
    return {
        "id": record.id,
        "state": record.state,
        "finalStatus": record.final_status,
        "submissionTime": record.submitted_at,
        "stdoutPath": record.stdout_path,
        "stderrPath": record.stderr_path,
        "args": as_text(record.args),
        "duration": int(1000 * (record.finished_at - started)) if record.finished_at else 0,
        "progress": 0.0 if record.success is None else 1.0,
    }


def create_job(name: str, job_config: dict[str, Any]) -> dict[str, Any]:
    """Create job ``name`` (or update it) from ``job_config``: ``appPath`` a ``.ipynb`` or
    ``.py`` of the project, ``defaultArgs`` its default arguments. Cluster settings
    (resources, spark's executors) are kept in the config and unused here. The job as
    JSON."""
    job_config["appName"] = name
    return _job_json(JobService.here().create(name, job_config))


def start_job(name: str, args: str | None = None) -> dict[str, Any]:
    """Start an execution of the job with ``args`` (``"--k v"``) over its defaults,
    without waiting; the execution as JSON (``state`` ``RUNNING``)."""
    return _execution_json(JobService.here().run(name, args, wait=False))


def stop_job(name: str) -> list[dict[str, Any]]:
    """Stop the job's running executions; each stopped one as JSON."""
    return [_execution_json(e) for e in JobService.here().stop(name)]


def get_executions(name: str, query: str = "") -> dict[str, Any] | None:
    """The job's executions as ``{"count": n, "items": [...]}``, newest first; None when
    there is no such job. ``query`` takes the REST API's ``?filter_by=state:A,B``,
    ``sort_by=id:asc|desc`` (or ``submissiontime``), ``offset`` and ``limit``."""
    service = JobService.here()
    if not service.exists(name):
        return None
    items = service.executions(name)
    options = parse_qs(query.lstrip("?"), keep_blank_values=True)
    for filter_by in options.pop("filter_by", []):
        field, _, values = filter_by.partition(":")
        if field.lower() != "state":
            raise BadInput(f"filter_by={clip(filter_by)!r}: filter by state:A,B")
        wanted = {v.upper() for v in values.split(",")}
        items = [e for e in items if e.state in wanted]
    for sort_by in options.pop("sort_by", []):
        field, _, direction = sort_by.lower().partition(":")
        if field not in ("id", "submissiontime") or direction not in ("", "asc", "desc"):
            raise BadInput(f"sort_by={clip(sort_by)!r}: sort by id or submissiontime, :asc|:desc")
        items.sort(key=lambda e: e.id, reverse=direction == "desc")
    try:
        offset = int(options.pop("offset", ["0"])[0])
        limit = options.pop("limit", [None])[0]
    except ValueError:
        raise BadInput(f"query {clip(query)!r}: offset and limit are whole numbers") from None
    if options:
        raise BadInput(f"query {clip(query)!r}: unknown parameters {sorted(options)}")
    count = len(items)
    items = items[offset : offset + int(limit)] if limit is not None else items[offset:]
    return {"count": count, "items": [_execution_json(e) for e in items]}
