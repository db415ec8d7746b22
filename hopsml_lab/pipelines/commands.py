"""The ``hopsml-lab job``, ``pipeline`` and ``store`` commands: parse, call the job and
pipeline services of the project named by ``HOPSML_PROJECT_ROOT`` (and the other
``HOPSML_*`` settings), print. Each handler returns the exit status: 0 done, 1 a "no"
answer (a failed job or pipeline run, no execution yet, no such path); an error (bad
input, unknown job or pipeline) is raised and ``hopsml_lab.cli`` exits 2 with it.

Handlers import what they use when they run: ``store exists`` (called by Airflow once
per declared input and output) opens the store only, not the catalog or Spark."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..catalog.jobs import ExecutionRecord

PROG = "hopsml-lab"
ANSWERED_NO = 1  # a failed run, no execution yet, a missing path
EXIT_CODES = (
    "Exit status: 0 done; 1 a failed job or pipeline run (job status: no execution yet; "
    "store exists: no such path); 2 an error: bad input, an unknown job or pipeline."
)


def _jobs() -> Any:
    from .jobs import JobService

    return JobService.here()


def _pipelines() -> Any:
    from .pipelines import PipelineService

    return PipelineService.here()


def _params(args: argparse.Namespace) -> dict[str, str]:
    from .arguments import parse_pairs

    return parse_pairs(args.param)


def _describe(execution: ExecutionRecord) -> str:
    took = f" in {execution.duration_s:.1f} s" if execution.duration_s is not None else ""
    lines = [
        f"execution {execution.id} of job {execution.job_name}: {execution.state}{took}",
        f"  stdout: {execution.stdout_path}",
        f"  stderr: {execution.stderr_path}",
    ]
    if execution.output_notebook:
        lines.append(f"  notebook: {execution.output_notebook}")
    return "\n".join(lines)


# -- job ---------------------------------------------------------------------------------


def _job_create(args: argparse.Namespace) -> int:
    config = {"type": "pythonJobConfiguration", "appPath": args.path}
    config["defaultArgs"] = _params(args)  # type: ignore[assignment]
    job = _jobs().create(args.name, config)
    shown = " ".join(f"{k}={v}" for k, v in job.default_args.items())
    print(f"job {job.name}: {job.kind} {job.app_path}" + (f" ({shown})" if shown else ""))
    return 0


def _job_run(args: argparse.Namespace) -> int:
    execution = _jobs().run(args.name, _params(args))
    print(_describe(execution))
    if not execution.success:
        reason = (execution.error or execution.state).strip().splitlines()[-1]
        print(
            f"{PROG} job run: {args.name} failed: {reason} (the whole error: {PROG} job logs "
            f"{args.name} --execution {execution.id})",
            file=sys.stderr,
        )
        return ANSWERED_NO
    return 0


def _job_status(args: argparse.Namespace) -> int:
    executions = _jobs().executions(args.name)
    if not executions:
        print(f"{PROG} job status: job {args.name} has not run yet", file=sys.stderr)
        return ANSWERED_NO
    latest = executions[0]
    print(json.dumps({"id": latest.id, "state": latest.state, "success": latest.success}))
    return 0


def _job_list(_args: argparse.Namespace) -> int:
    service = _jobs()
    for job in service.list():
        latest = service.executions(job.name)[:1]
        state = f"{latest[0].state} (execution {latest[0].id})" if latest else "never run"
        print(f"{job.name}\t{job.kind}\t{job.app_path}\t{state}")
    return 0


def _job_logs(args: argparse.Namespace) -> int:
    from ..errors import BadInput, NotFound

    service = _jobs()
    if args.execution is not None:
        execution = service.execution(args.execution)
        if execution.job_name != args.name:
            raise BadInput(
                f"execution {args.execution} is of job {execution.job_name}, not {args.name}"
            )
    else:
        executions = service.executions(args.name)
        if not executions:
            raise NotFound(f"job {args.name} has not run yet: no logs to show")
        execution = executions[0]
    print(f"== {execution.stdout_path}")
    print(service.read_log(execution.stdout_path), end="")
    print(f"== {execution.stderr_path}")
    print(service.read_log(execution.stderr_path), end="")
    return 0


# -- pipeline ----------------------------------------------------------------------------


def _pipeline_save(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .definition import Pipeline

    pipeline = _pipelines().save(Pipeline.from_json(Path(args.file).read_text()))
    print(f"pipeline {pipeline.name}: {' -> '.join(s.name for s in pipeline.order())}")
    return 0


def _pipeline_run(args: argparse.Namespace) -> int:
    run = _pipelines().run(args.name)
    for stage in run.stages:
        took = f" {stage.duration_s:.1f} s" if stage.duration_s is not None else ""
        execution = f" (execution {stage.execution_id})" if stage.execution_id else ""
        print(f"  {stage.stage}: {stage.state}{took}{execution}")
    print(f"pipeline {args.name} run {run.id}: {run.state}")
    if not run.success:
        print(f"{PROG} pipeline run: {run.error}", file=sys.stderr)
        return ANSWERED_NO
    return 0


def _pipeline_list(_args: argparse.Namespace) -> int:
    service = _pipelines()
    for pipeline in service.list():
        latest = service.runs(pipeline.name, limit=1)
        state = f"{latest[0].state} (run {latest[0].id})" if latest else "never run"
        print(f"{pipeline.name}\t{len(pipeline.stages)} stages\t{state}")
    return 0


def _pipeline_show(args: argparse.Namespace) -> int:
    print(_pipelines().get(args.name).to_json())
    return 0


def _pipeline_export(args: argparse.Namespace) -> int:
    try:
        from .dag_export import export_dag  # the Airflow stage's; imported when used
    except ModuleNotFoundError as error:
        from ..errors import Unavailable

        raise Unavailable(f"pipeline export is not available in this install ({error})") from None

    pipeline = _pipelines().get(args.name)
    options = {k: v for k, v in (("schedule", args.schedule), ("retries", args.retries)) if v}
    print(export_dag(pipeline, args.to, **options))
    return 0


# -- store -------------------------------------------------------------------------------


def _store_exists(args: argparse.Namespace) -> int:
    # The store alone: no catalog (SQLAlchemy, alembic) or Spark to import per call.
    from ..settings import Settings
    from ..store import open_store

    return 0 if open_store(Settings.from_env()).exists(args.path) else ANSWERED_NO


def add_commands(commands: Any) -> None:
    """Register ``job``, ``pipeline`` and ``store`` on the CLI's subparsers."""
    job = commands.add_parser(
        "job", help="Create, run and inspect the project's jobs.", epilog=EXIT_CODES
    )
    jobs = job.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = jobs.add_parser("create", help="Register a project notebook or script as a job.")
    create.add_argument("name", metavar="NAME")
    create.add_argument("path", metavar="PATH", help="A .ipynb or .py in the project.")
    run = jobs.add_parser(
        "run", help="Run a job and wait; exit 1 when it fails.", epilog=EXIT_CODES
    )
    run.add_argument("name", metavar="NAME")
    for parser in (create, run):
        parser.add_argument(
            "--param",
            action="append",
            metavar="K=V",
            help="A parameter (repeatable): injected into a notebook's parameters cell, "
            "given to a script as --K V and as the variable K.",
        )
    create.set_defaults(run=_job_create)
    run.set_defaults(run=_job_run)
    status = jobs.add_parser(
        "status", help="The latest execution as JSON; exit 1 if none.", epilog=EXIT_CODES
    )
    status.add_argument("name", metavar="NAME")
    status.set_defaults(run=_job_status)
    jobs.add_parser("list", help="The project's jobs.").set_defaults(run=_job_list)
    logs = jobs.add_parser("logs", help="Print an execution's stdout and stderr.")
    logs.add_argument("name", metavar="NAME")
    logs.add_argument("--execution", type=int, metavar="ID", help="Default: the latest.")
    logs.set_defaults(run=_job_logs)

    pipeline = commands.add_parser(
        "pipeline", help="Save, run and export pipelines.", epilog=EXIT_CODES
    )
    pipelines = pipeline.add_subparsers(dest="action", metavar="ACTION", required=True)
    save = pipelines.add_parser("save", help="Save a pipeline from its JSON definition.")
    save.add_argument("file", metavar="FILE", help="JSON as Pipeline.to_json() writes it.")
    save.set_defaults(run=_pipeline_save)
    for action, handler, text in (
        ("run", _pipeline_run, "Run a pipeline here, stage by stage; exit 1 when one fails."),
        ("show", _pipeline_show, "Print a pipeline's definition (JSON)."),
    ):
        parser = pipelines.add_parser(action, help=text, epilog=EXIT_CODES)
        parser.add_argument("name", metavar="NAME")
        parser.set_defaults(run=handler)
    pipelines.add_parser("list", help="The project's pipelines.").set_defaults(run=_pipeline_list)
    export = pipelines.add_parser("export", help="Write the pipeline as an Airflow DAG.")
    export.add_argument("name", metavar="NAME")
    export.add_argument("--to", required=True, metavar="DIR", help="The DAGs folder.")
    export.add_argument("--schedule", metavar="CRON", help="Default: the pipeline's.")
    export.add_argument("--retries", type=int, metavar="N", help="Retries of each stage.")
    export.set_defaults(run=_pipeline_export)

    store = commands.add_parser("store", help="Ask about the project's files.", epilog=EXIT_CODES)
    stores = store.add_subparsers(dest="action", metavar="ACTION", required=True)
    exists = stores.add_parser(
        "exists", help="Exit 0 when the project path exists, else 1.", epilog=EXIT_CODES
    )
    exists.add_argument("path", metavar="PATH")
    exists.set_defaults(run=_store_exists)
