"""What an exported DAG does when a stage fails: say which, plainly, in the task's log.

Imports only the stdlib (the context is Airflow's).
"""

from __future__ import annotations

import logging
from typing import Any

_log = logging.getLogger("hopsml_lab.airflow")


def failure_message(context: Any, *, retrying: bool = False) -> str:
    """One line naming the pipeline, the stage, its job, the try and the error."""
    ti = context["ti"]
    task = context.get("task") or getattr(ti, "task", None)
    job = getattr(task, "job_name", None)
    tries = getattr(task, "retries", 0) + 1
    error = context.get("exception")
    stage = f"stage {ti.task_id!r}" + (f" (job {job!r})" if job else "")
    what = "will retry" if retrying else "failed"
    why = f": {error}" if error else ""
    return f"HopsML pipeline {ti.dag_id!r} {what} at {stage}, try {ti.try_number} of {tries}{why}"


def report_failure(context: Any) -> None:
    """``on_failure_callback`` of every task of an exported DAG: the run stops here."""
    _log.error(failure_message(context))


def report_retry(context: Any) -> None:
    """``on_retry_callback`` of every task of an exported DAG: a try failed, another comes."""
    _log.warning(failure_message(context, retrying=True))
