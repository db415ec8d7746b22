"""Pipelines: their definition (dependency order, cycles, JSON), saved on the store and
in the catalog, run here stage after stage with each stage run recorded; the first
failing stage (a failed job, a missing input or output) stops the run and is named with
its logs; retries; the data a pipeline waits for; the ``hopsml-lab pipeline`` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from hopsml_lab.errors import BadInput
from hopsml_lab.lab import Lab, set_lab
from hopsml_lab.pipelines.definition import Pipeline, Stage
from hopsml_lab.pipelines.jobs import JobService
from hopsml_lab.pipelines.pipelines import PipelineService, PipelineWaiting
from hopsml_lab.settings import Settings

pytestmark = pytest.mark.timeout(120)
CLI = Path(sys.executable).with_name("hopsml-lab")

WRITE = textwrap.dedent(
    """
    import os, pathlib, sys
    target = pathlib.Path(os.environ["target"])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(os.environ.get("text", "done"))
    print("wrote", target)
    sys.exit(int(os.environ.get("code", "0")))
    """
)
TRAIN = new_notebook(
    cells=[
        new_code_cell("source = ''\ntarget = ''", metadata={"tags": ["parameters"]}),
        new_code_cell(
            "import pathlib\n"
            "rows = pathlib.Path(source).read_text()\n"
            "pathlib.Path(target).parent.mkdir(exist_ok=True)\n"
            "pathlib.Path(target).write_text(rows.upper())\n"
            "print('trained on', rows)"
        ),
    ]
)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    root = tmp_path_factory.mktemp("pipelines")
    lab = Lab(Settings(project_root=str(root / "project"), project_name="pipes"))
    set_lab(lab)
    lab.store.write_text("Jobs/write.py", WRITE)
    lab.store.write_text("Jobs/train.ipynb", nbformat.writes(TRAIN))
    jobs = JobService.here()
    jobs.create("write", {"appPath": "Jobs/write.py", "defaultArgs": "--target Resources/x"})
    jobs.create("train", {"appPath": "Jobs/train.ipynb"})
    yield lab
    set_lab(None)
    lab.db.dispose()


def test_stages_run_in_dependency_order_and_bad_shapes_are_refused() -> None:
    stages = (
        Stage("report", "write", after=("train", "validate")),
        Stage("train", "train", after=("ingest",)),
        Stage("validate", "write", after=("ingest",)),
        Stage("ingest", "write"),
    )
    pipeline = Pipeline("churn", stages, schedule="@daily", wait_for="Resources/raw")
    assert [s.name for s in pipeline.order()] == ["ingest", "train", "validate", "report"]
    assert Pipeline.from_json(pipeline.to_json()) == pipeline
    with pytest.raises(BadInput, match="cycle"):
        Pipeline("loop", (Stage("a", "j", after=("b",)), Stage("b", "j", after=("a",)))).order()
    with pytest.raises(BadInput, match="has no stage 'nowhere'"):
        Pipeline("p", (Stage("a", "j", after=("nowhere",)),)).order()
    with pytest.raises(BadInput, match="repeat"):
        Pipeline("p", (Stage("a", "j"), Stage("a", "j")))
    with pytest.raises(BadInput, match="retries"):
        Stage("a", "j", retries=-1)
    with pytest.raises(BadInput, match="must be JSON"):
        Pipeline.from_json("{not json")
    with pytest.raises(BadInput, match="unknown fields"):
        Pipeline.from_json('{"name": "p", "stages": [{"name": "a", "job": "j", "cpu": 2}]}')


def test_a_pipeline_runs_its_stages_and_records_each(lab: Lab) -> None:
    service = PipelineService.here()
    pipeline = Pipeline(
        "churn",
        (
            Stage(
                "train",
                "train",
                params={"source": "Resources/rows.txt", "target": "Models/model.txt"},
                after=("ingest",),
                inputs=("Resources/rows.txt",),
                outputs=("Models/model.txt",),
            ),
            Stage(
                "ingest",
                "write",
                params={"target": "Resources/rows.txt", "text": "a,b"},
                outputs=("Resources/rows.txt",),
            ),
        ),
    )
    service.save(pipeline)
    assert Pipeline.from_json(lab.store.read_text("Pipelines/churn.json")) == pipeline
    assert service.get("churn") == pipeline and [p.name for p in service.list()] == ["churn"]

    run = service.run("churn")
    assert run.state == "FINISHED" and run.success and run.failed_stage is None, run.error
    assert [(s.stage, s.state, s.attempts) for s in run.stages] == [
        ("ingest", "FINISHED", 1),
        ("train", "FINISHED", 1),
    ]
    assert lab.store.read_text("Models/model.txt") == "A,B"
    jobs = JobService.here()
    train = jobs.execution(run.stages[1].execution_id)  # type: ignore[arg-type]
    assert train.job_name == "train" and train.args["source"] == "Resources/rows.txt"
    assert "trained on a,b" in lab.store.read_text(train.stdout_path)
    assert all(s.duration_s is not None and s.duration_s > 0 for s in run.stages)
    assert service.runs("churn")[0] == run


def test_the_first_failing_stage_stops_the_run_and_is_named(lab: Lab) -> None:
    service = PipelineService.here()
    service.save(
        Pipeline(
            "breaks",
            (
                Stage("first", "write", params={"target": "Resources/first"}),
                Stage("second", "write", params={"code": "3"}, after=("first",)),
                Stage("third", "write", params={"target": "Resources/third"}, after=("second",)),
            ),
        )
    )
    run = service.run("breaks")
    assert run.state == "FAILED" and run.success is False and run.failed_stage == "second"
    assert [s.state for s in run.stages] == ["FINISHED", "FAILED", "SKIPPED"]
    failed = JobService.here().execution(run.stages[1].execution_id)  # type: ignore[arg-type]
    assert failed.state == "FAILED"
    assert "stage second failed" in (run.error or "") and failed.stderr_path in (run.error or "")
    assert not lab.store.exists("Resources/third")  # the stage after it never ran


def test_missing_outputs_or_inputs_fail_the_stage_and_retries_are_attempted(lab: Lab) -> None:
    service = PipelineService.here()
    service.save(
        Pipeline(
            "forgets",
            (
                Stage(
                    "claims",
                    "write",
                    params={"target": "Resources/other"},
                    outputs=("Resources/promised",),
                    retries=1,
                    retry_delay_s=0,
                ),
            ),
        )
    )
    run = service.run("forgets")
    assert run.failed_stage == "claims" and run.stages[0].attempts == 2
    assert "did not write its outputs ['Resources/promised']" in (run.error or "")
    service.save(Pipeline("needs", (Stage("reads", "write", inputs=("Resources/absent",)),)))
    run = service.run("needs")
    assert "inputs ['Resources/absent'] are not in the project" in (run.error or "")
    assert run.stages[0].execution_id is None  # the job never started


def test_a_pipeline_waits_for_its_success_file(lab: Lab) -> None:
    service = PipelineService.here()
    service.save(Pipeline("waits", (Stage("go", "write"),), wait_for="Resources/raw"))
    with pytest.raises(PipelineWaiting, match="Resources/raw/_SUCCESS"):
        service.run("waits")
    lab.store.write_text("Resources/raw/_SUCCESS", "")
    assert service.run("waits").success


def test_a_pipeline_of_unknown_jobs_is_refused(lab: Lab) -> None:
    with pytest.raises(BadInput, match=r"no jobs \['ghost'\]"):
        PipelineService.here().save(Pipeline("ghostly", (Stage("a", "ghost"),)))
    assert not lab.store.exists("Pipelines/ghostly.json")


def test_the_pipeline_command(lab: Lab, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HOPSML_PROJECT_ROOT": lab.settings.project_root,
        "HOPSML_PROJECT_NAME": lab.settings.project_name,
        "HOPSML_CATALOG_URL": lab.settings.resolved_catalog_url(),
    }

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(CLI), *args], env=env, capture_output=True, text=True, timeout=60
        )

    definition = tmp_path / "cli.json"
    stages = (
        Stage("one", "write", params={"target": "Resources/one"}),
        Stage("two", "write", params={"code": "5"}, after=("one",)),
    )
    definition.write_text(Pipeline("cli", stages).to_json())
    saved = cli("pipeline", "save", str(definition))
    assert saved.returncode == 0 and "one -> two" in saved.stdout, saved.stderr
    shown = cli("pipeline", "show", "cli")
    assert json.loads(shown.stdout)["stages"][1]["after"] == ["one"]
    ran = cli("pipeline", "run", "cli")
    assert ran.returncode == 1 and "one: FINISHED" in ran.stdout
    assert "stage two failed" in ran.stderr and "Logs/write/" in ran.stderr
    assert "cli\t2 stages\tFAILED" in cli("pipeline", "list").stdout
    missing = cli("pipeline", "run", "nope")
    assert missing.returncode == 2 and "no pipeline 'nope'" in missing.stderr
