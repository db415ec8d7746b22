"""``%pipeline``: make a pipeline of the project's notebooks, run it here watching each
stage, list, show and export pipelines::

    %pipeline create churn ingest.ipynb train.ipynb --schedule "0 3 * * *" --retries 1
    %pipeline run churn
    %pipeline list
    %pipeline show churn
    %pipeline export churn --to ~/airflow/dags

The work is ``pipelines.from_notebooks`` and ``pipelines.browse`` (plain Python); this
module parses and shows.
"""

from __future__ import annotations

import argparse
import html
import os
from collections.abc import Iterable
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.display import HTML, display

from ..errors import HopsMLError
from .featurestore import _HelpShown, _Parser, _words

FAILED_LOG_LINES = 30
"""Lines of the failing stage's stderr shown at the end of a run."""


def _retries(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of retries, 0 or more")
    return int(text)


def build_parser() -> _Parser:
    parser = _Parser(
        prog="%pipeline",
        description="Make pipelines of the project's notebooks, run them here, list, show "
        "and export them as Airflow DAGs.",
        epilog="`%pipeline SUBCOMMAND --help` explains one subcommand.",
    )
    commands = parser.add_subparsers(dest="command", metavar="SUBCOMMAND", required=True)
    create = commands.add_parser(
        "create",
        help="One stage per notebook, run in the order given (jobs named from the files).",
    )
    create.add_argument("name", metavar="NAME")
    create.add_argument(
        "files",
        nargs="+",
        metavar="NOTEBOOK",
        help="Notebooks or scripts: next to this notebook, or paths in the project.",
    )
    create.add_argument("--schedule", metavar="CRON", help="A cron expression (for Airflow).")
    create.add_argument(
        "--wait-for", metavar="FOLDER", help="A project folder whose _SUCCESS file starts a run."
    )
    create.add_argument(
        "--retries", type=_retries, default=0, metavar="N", help="More tries per stage (0)."
    )
    run = commands.add_parser("run", help="Run a pipeline here, showing each stage.")
    run.add_argument("name", metavar="NAME")
    commands.add_parser("list", help="The project's pipelines and their last runs.")
    show = commands.add_parser("show", help="A pipeline's stages and recent runs.")
    show.add_argument("name", metavar="NAME")
    export = commands.add_parser("export", help="Write the pipeline as an Airflow DAG.")
    export.add_argument("name", metavar="NAME")
    export.add_argument("--to", required=True, metavar="DIR", help="The DAGs folder.")
    export.add_argument("--schedule", metavar="CRON", help="Default: the pipeline's.")
    export.add_argument("--retries", type=_retries, metavar="N", help="Retries of each stage.")
    return parser


PARSER = build_parser()


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.1f} s"


def _table(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape('' if c is None else str(c))}</td>" for c in row)
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def run_html(run: Any) -> str:
    """A run (browse.RunInfo) as a table of its stages."""
    title = f"pipeline {run.pipeline} run {run.id}: {run.state} {_seconds(run.duration_s)}"
    rows = [
        (s.stage, s.state, _seconds(s.duration_s), s.execution_id, s.output_notebook)
        for s in run.stages
    ]
    table = _table(("stage", "state", "duration", "execution", "executed notebook"), rows)
    return f"<p><b>{html.escape(title.strip())}</b></p>{table}"


@magics_class
class PipelineMagics(Magics):
    @line_magic
    def pipeline(self, line: str) -> None:
        """Make, run, list, show and export pipelines of the project's notebooks.

        ``%pipeline --help`` lists the subcommands. Examples::

            %pipeline create churn ingest.ipynb train.ipynb
            %pipeline run churn
        """
        try:
            args = PARSER.parse_args(_words(line))
        except _HelpShown:
            return None
        try:
            getattr(self, f"_{args.command}")(args)
        except HopsMLError as error:
            raise UsageError(str(error)) from None
        return None

    def _create(self, args: argparse.Namespace) -> None:
        from ..pipelines.from_notebooks import pipeline_from_files

        pipeline = pipeline_from_files(
            args.name,
            args.files,
            schedule=args.schedule,
            wait_for=args.wait_for,
            retries=args.retries,
            cwd=os.getcwd(),
        )
        order = " -> ".join(s.name for s in pipeline.order())
        print(f"pipeline {pipeline.name}: {order}")

    def _run(self, args: argparse.Namespace) -> None:
        from ..pipelines.browse import PipelineBrowser

        browser = PipelineBrowser.here()
        handle = display(
            HTML(f"<p>pipeline {html.escape(args.name)}: starting</p>"), display_id=True
        )

        def show(run_id: int) -> None:
            if handle is not None:
                handle.update(HTML(run_html(browser.run(args.name, run_id))))

        record = browser.pipelines.run(args.name, watch=show)
        run = browser.run_info(record)
        if handle is not None:
            handle.update(HTML(run_html(run)))
        else:
            print(f"pipeline {run.pipeline} run {run.id}: {run.state}")
        if run.success:
            return
        failed = next((s for s in run.stages if s.stage == run.failed_stage), None)
        print(run.error or f"pipeline {run.pipeline} run {run.id} failed")
        if failed is not None and failed.execution_id is not None:
            tail = browser.log(failed.execution_id, "stderr")
            lines = tail.text.rstrip().splitlines()[-FAILED_LOG_LINES:]
            print(f"-- end of {tail.path} --")
            print("\n".join(lines))

    def _list(self, _args: argparse.Namespace) -> None:
        from ..pipelines.browse import PipelineBrowser

        pipelines = PipelineBrowser.here().list().pipelines
        if not pipelines:
            print("no pipelines yet: %pipeline create NAME first.ipynb second.ipynb")
            return
        rows = [
            (
                p.name,
                " -> ".join(p.stages),
                p.schedule,
                "never run" if p.last_run is None else f"{p.last_run.state} (run {p.last_run.id})",
            )
            for p in pipelines
        ]
        display(HTML(_table(("pipeline", "stages", "schedule", "last run"), rows)))

    def _show(self, args: argparse.Namespace) -> None:
        from ..pipelines.browse import PipelineBrowser

        detail = PipelineBrowser.here().detail(args.name, limit=10)
        stages = _table(
            ("stage", "job", "file", "after"),
            ((s.name, s.job, s.app_path, ", ".join(s.after)) for s in detail.stages),
        )
        runs = _table(
            ("run", "state", "duration", "failed stage", "stages"),
            (
                (
                    r.id,
                    r.state,
                    _seconds(r.duration_s),
                    r.failed_stage,
                    ", ".join(
                        f"{s.stage} {s.state} {_seconds(s.duration_s)}".strip() for s in r.stages
                    ),
                )
                for r in detail.runs
            ),
        )
        extra = "".join(
            f"<p>{label}: {html.escape(value)}</p>"
            for label, value in (("schedule", detail.schedule), ("waits for", detail.wait_for))
            if value
        )
        display(
            HTML(
                f"<p><b>pipeline {html.escape(detail.name)}</b></p>{extra}{stages}"
                f"<p>recent runs</p>{runs if detail.runs else '<p>never run</p>'}"
            )
        )

    def _export(self, args: argparse.Namespace) -> None:
        from ..pipelines.dag_export import export_dag
        from ..pipelines.pipelines import PipelineService

        pipeline = PipelineService.here().get(args.name)
        path = export_dag(
            pipeline,
            os.path.expanduser(args.to),
            schedule=args.schedule,
            retries=args.retries,
        )
        print(f"pipeline {pipeline.name}: Airflow DAG written to {path}")
