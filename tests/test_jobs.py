"""Jobs end to end: notebooks run by papermill with their parameters injected and the
executed copy kept, scripts with ``--k v`` arguments and variables, each execution in
the catalog with its state, duration and logs under ``Logs/``; hopsworks' JobApi, Job
and Execution, hops' jobs module, and the ``hopsml-lab job`` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from hopsml_lab import hopsworks
from hopsml_lab import jobs as hops_jobs
from hopsml_lab.errors import BadInput
from hopsml_lab.hopsworks.client.exceptions import JobException, JobExecutionException
from hopsml_lab.lab import Lab, set_lab
from hopsml_lab.pipelines.arguments import parse_args
from hopsml_lab.pipelines.jobs import JobNotFound, JobService
from hopsml_lab.settings import Settings

pytestmark = pytest.mark.timeout(120)
CLI = Path(sys.executable).with_name("hopsml-lab")

NOTEBOOK = new_notebook(
    cells=[
        new_code_cell("x = 1\nlabel = 'none'", metadata={"tags": ["parameters"]}),
        new_code_cell(
            "print('x is', x, type(x).__name__, label)\n"
            "import os\n"
            "print('job', os.environ['HOPSWORKS_JOB_NAME'])\n"
            "assert x != 13, 'thirteen is refused'"
        ),
    ]
)
SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    print("argv", sys.argv[1:])
    print("env", os.environ.get("lr"), os.environ.get("HOPS_START_TIME"))
    print("project", os.environ["HOPSML_PROJECT_NAME"], os.getcwd())
    if os.environ.get("sleep"):
        time.sleep(float(os.environ["sleep"]))
    sys.exit(int(os.environ.get("code", "0")))
    """
)


def project_env(lab: Lab) -> dict[str, str]:
    return {
        **os.environ,
        "HOPSML_PROJECT_ROOT": lab.settings.project_root,
        "HOPSML_PROJECT_NAME": lab.settings.project_name,
        "HOPSML_CATALOG_URL": lab.settings.resolved_catalog_url(),
    }


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    root = tmp_path_factory.mktemp("jobs")
    lab = Lab(Settings(project_root=str(root / "project"), project_name="jobs"))
    set_lab(lab)
    lab.store.write_text("Jobs/report.ipynb", nbformat.writes(NOTEBOOK))
    lab.store.write_text("Jobs/step.py", SCRIPT)
    yield lab
    set_lab(None)
    lab.db.dispose()


@pytest.fixture(scope="module")
def project(lab: Lab) -> object:
    return hopsworks.login(project="jobs")


def test_a_notebook_job_runs_with_its_parameters_and_keeps_the_executed_copy(
    lab: Lab, project: object, tmp_path: Path
) -> None:
    job_api = project.get_job_api()  # type: ignore[attr-defined]
    assert type(job_api) is type(project.get_jobs_api())  # type: ignore[attr-defined]
    config = job_api.get_configuration("PYTHON")
    assert "appPath" not in config and config["type"] == "pythonJobConfiguration"
    config["appPath"] = "/Projects/jobs/Jobs/report.ipynb"
    config["defaultArgs"] = "--label default"
    job = job_api.create_job("report", config)
    assert job_api.exists("report") and job.config["appPath"] == "Jobs/report.ipynb"
    with pytest.raises(JobException, match="No executions"):
        job.get_state()

    execution = job.run(args="-p x 7")
    assert execution.success is True
    assert (execution.state, execution.final_status) == ("FINISHED", "SUCCEEDED")
    assert execution.job_name == "report" and execution.duration > 0
    assert execution.args == "--label default --x 7"
    assert execution.stdout_path == f"Logs/report/{execution.id}/stdout.log"
    assert "x is 7 int default" in lab.store.read_text(execution.stdout_path)
    assert "job report" in lab.store.read_text(execution.stdout_path)

    executed = nbformat.reads(lab.store.read_text(execution.output_notebook), as_version=4)
    assert execution.output_notebook == f"Jobs/report/executions/{execution.id}/report.ipynb"
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert "x = 7" in injected[0].source and 'label = "default"' in injected[0].source
    assert "x is 7" in executed.cells[-1].outputs[0]["text"]

    out, err = execution.download_logs(str(tmp_path))
    assert "x is 7" in Path(out).read_text() and Path(err).name == "stderr.log"
    assert Path(out).parent.name.startswith(f"logs-job-report-exec-{execution.id}_")
    assert job.get_state() == "FINISHED" and job.get_final_state() == "FINISHED"
    assert [e.id for e in job.get_executions()] == [execution.id]


def test_a_failing_notebook_is_failed_with_its_error_in_the_logs(lab: Lab, project: object) -> None:
    job = project.get_job_api().get_job("report")  # type: ignore[attr-defined]
    started = time.time()
    with pytest.raises(JobExecutionException, match="thirteen is refused"):
        job.run(args={"x": 13})
    latest = job.get_executions()[0]
    assert latest.success is False and latest.state == "FAILED"
    assert latest.final_status == "FAILED" and job.get_final_state() == "FAILED"
    assert "AssertionError: thirteen is refused" in lab.store.read_text(latest.stderr_path)
    record = JobService.here().execution(latest.id)
    assert record.submitted_at >= started and record.duration_s is not None
    assert "AssertionError" in (record.error or "")
    assert lab.store.exists(record.output_notebook or "missing")  # kept, with the error


def test_a_script_gets_its_parameters_as_arguments_and_variables(lab: Lab) -> None:
    service = JobService.here()
    job = service.create("step", {"appPath": "Jobs/step.py", "defaultArgs": {"lr": 0.1}})
    assert job.kind == "script" and job.default_args == {"lr": "0.1"}
    done = service.run("step", {"lr": "0.5", "epochs": "3"})
    out = lab.store.read_text(done.stdout_path)
    assert "argv ['--lr', '0.5', '--epochs', '3']" in out
    assert "env 0.5 None" in out
    assert f"project jobs {lab.store.url()}" in out  # runs in the project folder
    assert done.success and done.output_notebook is None

    failed = service.run("step", "code=3")
    assert failed.state == "FAILED" and "exit status 3" in (failed.error or "")
    assert [e.id for e in service.executions("step")][:2] == [failed.id, done.id]


def test_run_without_waiting_await_termination_and_env_vars(lab: Lab, project: object) -> None:
    from datetime import UTC, datetime

    job = project.get_job_api().get_job("step")  # type: ignore[attr-defined]
    moment = datetime(2026, 1, 2, tzinfo=UTC)
    execution = job.run(args="--sleep 0.3", await_termination=False, start_time=moment)
    assert execution.success is None and execution.final_status == "UNDEFINED"
    execution.await_termination()
    assert execution.success is True
    assert "env 0.1 2026-01-02T00:00:00+00:00" in lab.store.read_text(execution.stdout_path)


def test_hops_jobs_module_runs_the_same_jobs(lab: Lab) -> None:
    created = hops_jobs.create_job("hops_step", {"appPath": "Jobs/step.py"})
    assert created["name"] == "hops_step" and created["config"]["appName"] == "hops_step"
    started = hops_jobs.start_job("hops_step", "--sleep 30")
    assert started["state"] == "RUNNING" and started["finalStatus"] == "UNDEFINED"
    running = hops_jobs.get_executions("hops_step", "?filter_by=state:RUNNING")
    assert running is not None and [e["id"] for e in running["items"]] == [started["id"]]
    stopped = hops_jobs.stop_job("hops_step")
    assert [e["id"] for e in stopped] == [started["id"]]
    final = JobService.here().await_execution(started["id"], timeout=10)
    assert final.state == "KILLED" and final.success is False
    listed = hops_jobs.get_executions("hops_step", "?sort_by=id:asc&limit=1")
    assert listed == {"count": 1, "items": [listed["items"][0]]}  # type: ignore[index]
    assert listed["items"][0]["state"] == "KILLED"  # type: ignore[index]
    assert hops_jobs.get_executions("no_such_job") is None
    with pytest.raises(BadInput, match="filter by state"):
        hops_jobs.get_executions("hops_step", "?filter_by=user:me")


def test_bad_jobs_are_refused_saying_what_to_fix(lab: Lab, project: object) -> None:
    service = JobService.here()
    with pytest.raises(BadInput, match="'appPath' not set"):
        service.create("x", {"type": "pythonJobConfiguration"})
    with pytest.raises(BadInput, match=r"must be a \.ipynb or \.py"):
        service.create("x", {"appPath": "Jobs/data.csv"})
    with pytest.raises(BadInput, match="upload it first"):
        service.create("x", {"appPath": "Jobs/missing.py"})
    with pytest.raises(BadInput, match="job name"):
        service.create("bad name", {"appPath": "Jobs/step.py"})
    with pytest.raises(BadInput, match="HopsML Lab runs"):
        project.get_job_api().get_configuration("DOCKER")  # type: ignore[attr-defined]
    with pytest.raises(JobNotFound, match="its jobs are"):
        service.run("nope")
    assert project.get_job_api().get_job("nope") is None  # type: ignore[attr-defined]
    with pytest.raises(BadInput, match="has no name"):
        parse_args("--lr 0.1 stray")
    with pytest.raises(BadInput, match="Python identifier"):
        parse_args({"not-a-name": 1})
    assert service.list() and not service.exists("x")  # nothing half-made


def test_the_job_tables_are_the_migrations_tables(lab: Lab) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from hopsml_lab.catalog import Base
    from hopsml_lab.catalog import jobs as _jobs  # noqa: F401 - registers the tables
    from hopsml_lab.catalog import pipelines as _pipelines  # noqa: F401

    with lab.db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in diff if "job" in repr(d) or "pipeline" in repr(d)] == []
    assert lab.db.current_revision() == "0011"


def test_a_job_on_an_hdfs_project_keeps_its_logs_on_hdfs(tmp_path: Path, lab: Lab) -> None:
    from .webhdfs_double import webhdfs_double

    with webhdfs_double(tmp_path / "namespace") as (url, _log):
        settings = Settings(
            project_root="hdfs://namenode:8020/Projects/demo",
            webhdfs_url=url,
            catalog_url=f"sqlite:///{tmp_path / 'catalog.db'}",
        )
        hdfs_lab = Lab(settings)
        set_lab(hdfs_lab)
        try:
            hdfs_lab.store.write_text("Jobs/step.py", SCRIPT)
            service = JobService.here()
            service.create("step", {"appPath": "hdfs://namenode:8020/Projects/demo/Jobs/step.py"})
            done = service.run("step", {"lr": "2"})
            assert done.success
            on_hdfs = tmp_path / "namespace" / "Projects" / "demo" / done.stdout_path
            assert "argv ['--lr', '2']" in on_hdfs.read_text()
        finally:
            set_lab(lab)
            hdfs_lab.db.dispose()


def test_the_job_command(lab: Lab) -> None:
    env = project_env(lab)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(CLI), *args], env=env, capture_output=True, text=True, timeout=60
        )

    created = cli("job", "create", "cli_step", "Jobs/step.py", "--param", "lr=9")
    assert created.returncode == 0, created.stderr
    ran = cli("job", "run", "cli_step", "--param", "epochs=2")
    assert ran.returncode == 0, ran.stderr
    assert "FINISHED" in ran.stdout and "Logs/cli_step/" in ran.stdout
    status = cli("job", "status", "cli_step")
    assert status.returncode == 0
    latest = json.loads(status.stdout)
    assert latest["state"] == "FINISHED" and latest["success"] is True
    assert JobService.here().execution(latest["id"]).args == {"lr": "9", "epochs": "2"}
    logs = cli("job", "logs", "cli_step", "--execution", str(latest["id"]))
    assert "argv ['--lr', '9', '--epochs', '2']" in logs.stdout
    assert "cli_step\tscript\tJobs/step.py\tFINISHED" in cli("job", "list").stdout

    failed = cli("job", "run", "cli_step", "--param", "code=4")
    assert failed.returncode == 1 and "exit status 4" in failed.stderr
    assert json.loads(cli("job", "status", "cli_step").stdout)["success"] is False

    for args, message in (
        (("job", "run", "nope"), "no job 'nope'"),
        (("job", "run", "cli_step", "--param", "oops"), "write name=value"),
        (("job", "create", "y", "Jobs/none.py"), "upload it first"),
    ):
        bad = cli(*args)  # an error, not a failed job: exit 2
        assert bad.returncode == 2 and message in bad.stderr
        assert len(bad.stderr.strip().splitlines()) == 1, bad.stderr
    cli("job", "create", "never_run", "Jobs/step.py")
    assert cli("job", "status", "never_run").returncode == 1
    unknown = cli("job", "status", "nope")
    assert unknown.returncode == 2 and "no job 'nope'" in unknown.stderr
    assert cli("job", "logs", "never_run").returncode == 2
    assert cli("store", "exists", "Jobs/step.py").returncode == 0
    assert cli("store", "exists", "Jobs/nothing.py").returncode == 1
    outside = cli("store", "exists", "../elsewhere")
    assert outside.returncode == 2 and "escapes the project root" in outside.stderr
