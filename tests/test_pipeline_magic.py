"""``%pipeline`` in a real IPython shell (the shared ``ip`` fixture): a pipeline made of a
notebook and a script of the project (jobs registered from the files), run here with each
stage recorded and shown, the failing stage named with its log tail, listed, shown and
exported as an Airflow DAG; bad input refused in one line naming what to change."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from IPython.core.error import UsageError
from IPython.utils.capture import capture_output
from nbformat.v4 import new_code_cell, new_notebook

from hopsml_lab.lab import Lab, set_lab
from hopsml_lab.pipelines.browse import PipelineBrowser
from hopsml_lab.pipelines.from_notebooks import job_name_for
from hopsml_lab.pipelines.jobs import JobService
from hopsml_lab.settings import Settings

pytestmark = pytest.mark.timeout(180)

INGEST = new_notebook(
    cells=[
        new_code_cell(
            "import pathlib\n"
            "pathlib.Path('Resources').mkdir(exist_ok=True)\n"
            "pathlib.Path('Resources/rows.txt').write_text('a,b')\n"
            "print('ingested')"
        )
    ]
)
TRAIN = "import pathlib\nprint('trained on', pathlib.Path('Resources/rows.txt').read_text())\n"
BROKEN = "import sys\nprint('about to fail', file=sys.stderr)\nraise SystemExit('no data today')\n"


@pytest.fixture
def lab(project_root: Path, tmp_path: Path) -> Iterator[Lab]:
    lab = Lab(Settings(project_root=str(project_root), project_name="pipes"))
    set_lab(lab)
    lab.store.write_text("Jobs/01 ingest.ipynb", nbformat.writes(INGEST))
    lab.store.write_text("Jobs/train.py", TRAIN)
    lab.store.write_text("Jobs/broken.py", BROKEN)
    yield lab
    set_lab(None)
    lab.db.dispose()


def _run(ip: Any, line: str) -> tuple[list[str], str]:
    """``%pipeline line``: its HTML outputs (HTML on, as in a notebook), its printed text."""
    html = ip.display_formatter.formatters["text/html"]
    enabled, html.enabled = html.enabled, True
    try:
        with capture_output() as captured:
            ip.run_line_magic("pipeline", line)
    finally:
        html.enabled = enabled
    return [o.data.get("text/html", "") for o in captured.outputs], captured.stdout


def _refused(ip: Any, line: str) -> str:
    with pytest.raises(UsageError) as error:
        ip.run_line_magic("pipeline", line)
    return str(error.value)


def test_create_run_list_show_and_export(ip: Any, lab: Lab, tmp_path: Path) -> None:
    _, out = _run(ip, 'create churn "Jobs/01 ingest.ipynb" Jobs/train.py --schedule "0 3 * * *"')
    assert out.strip() == "pipeline churn: 01_ingest -> train"
    jobs = JobService.here()
    assert jobs.get("01_ingest").app_path == "Jobs/01 ingest.ipynb"
    assert jobs.get("train").kind == "script"

    shown, out = _run(ip, "run churn")
    assert "FINISHED" in shown[-1] and "01_ingest" in shown[-1] and "train" in shown[-1]
    run = PipelineBrowser.here().detail("churn").runs[0]
    assert run.success is True
    assert [(s.stage, s.state) for s in run.stages] == [
        ("01_ingest", "FINISHED"),
        ("train", "FINISHED"),
    ]
    assert all(s.duration_s is not None and s.duration_s > 0 for s in run.stages)
    notebook = run.stages[0].output_notebook
    assert notebook is not None and lab.store.exists(notebook)
    assert "trained on a,b" in PipelineBrowser.here().log(run.stages[1].execution_id or 0).text

    listed, _ = _run(ip, "list")
    assert "churn" in listed[0] and f"FINISHED (run {run.id})" in listed[0]
    shown, _ = _run(ip, "show churn")
    assert "0 3 * * *" in shown[0] and "Jobs/train.py" in shown[0] and "FINISHED" in shown[0]

    _, out = _run(ip, f"export churn --to {tmp_path / 'dags'} --retries 2")
    dag = tmp_path / "dags" / "churn_dag.py"
    assert str(dag) in out and dag.is_file()
    compile(dag.read_text(), str(dag), "exec")


def test_a_failing_stage_is_named_with_its_log_tail(ip: Any, lab: Lab) -> None:
    _run(ip, 'create nightly "Jobs/01 ingest.ipynb" Jobs/broken.py Jobs/train.py')
    shown, out = _run(ip, "run nightly")
    assert "FAILED" in shown[-1]
    assert "stage broken failed" in out
    assert "about to fail" in out and "no data today" in out
    run = PipelineBrowser.here().detail("nightly").runs[0]
    assert run.failed_stage == "broken"
    assert [s.state for s in run.stages] == ["FINISHED", "FAILED", "SKIPPED"]


def test_files_next_to_the_notebook_and_bad_input(ip: Any, lab: Lab, project_root: Path) -> None:
    here = os.getcwd()
    os.chdir(project_root / "Jobs")
    try:
        _, out = _run(ip, "create local train.py")
    finally:
        os.chdir(here)
    assert out.strip() == "pipeline local: train"
    assert "no file 'missing.ipynb'" in _refused(ip, "create p missing.ipynb")
    assert "pipeline name" in _refused(ip, "create 'bad name' Jobs/train.py")
    assert "whole number of retries" in _refused(ip, "create p Jobs/train.py --retries x")
    assert "no pipeline 'nope'" in _refused(ip, "run nope")
    assert "same job names ['train']" in _refused(ip, "create p Jobs/train.py Jobs/train.py")
    lab.store.write_text("Other/train.py", TRAIN)
    assert "already runs Jobs/train.py" in _refused(ip, "create q Other/train.py")
    lab.store.write_text("Jobs/fresh.py", TRAIN)
    lab.store.write_text("Jobs/notes.txt", "not runnable")
    refused = _refused(ip, "create p Jobs/fresh.py Jobs/notes.txt")
    assert "Jobs/notes.txt: a pipeline stage runs a notebook (.ipynb) or a script" in refused
    assert not JobService.here().exists("fresh")  # nothing registered before the refusal
    assert job_name_for("Jobs/my model (v2).ipynb") == "my_model_v2"
    _, out = _run(ip, "--help")
    assert "create" in out
