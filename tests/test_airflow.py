"""A pipeline exported as an Airflow 3 DAG: the file's text (read back with ``ast``, no
Airflow needed), then a real Airflow (apache-airflow 3 in its own venv, benchmarks/
peers.txt ``airflow``, made on first use) with its SQLite metadata in a temporary folder:
it imports the DAG with no errors and runs it end to end with ``airflow dags test`` on
the project's real stages (validate -> feature group -> grid search -> register ->
deploy), and a stage made to fail fails the run there, after its retries."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from benchmarks.peers import peer_env, peer_python
from hopsml_lab.errors import BadInput
from hopsml_lab.lab import Lab, set_lab
from hopsml_lab.pipelines.dag_export import export_dag
from hopsml_lab.pipelines.definition import Pipeline, Stage
from hopsml_lab.settings import Settings

REPO = Path(__file__).resolve().parents[1]
STAGES = Path(__file__).parent / "airflow_stages"
RULES = "age: not_null, between(0, 120); spend: not_null"


def _pipeline(name: str = "churn", **options: Any) -> Pipeline:
    data = {"data": "Resources/in/customers.csv", "rules": RULES}
    stages = (
        Stage("validate", job="validate", params=data, retries=1, retry_delay_s=0),
        Stage("feature_group", job="feature_group", params=data, after=("validate",)),
        Stage("grid_search", job="grid_search", after=("feature_group",)),
        Stage(
            "register",
            job="register",
            after=("grid_search",),
            inputs=("Resources/best.json",),
            outputs=("Models/churn_threshold/1",),
        ),
        Stage("deploy", job="deploy", after=("register",), outputs=("Resources/predictions.json",)),
    )
    return Pipeline(name, stages=stages, **{"wait_for": "Resources/in", **options})


# -- the DAG's text ---------------------------------------------------------------------


def _calls(text: str) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Each task the module makes: task id -> (variable, class, keyword arguments)."""
    found = {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            call = node.value
            kinds = ("HopsworksLaunchOperator", "HopsmlSuccessFileSensor")
            if isinstance(call.func, ast.Name) and call.func.id in kinds:
                kwargs = {}
                for keyword in call.keywords:
                    try:
                        kwargs[keyword.arg] = ast.literal_eval(keyword.value)
                    except ValueError:
                        kwargs[keyword.arg] = ast.unparse(keyword.value)
                target = node.targets[0]
                assert isinstance(target, ast.Name)
                found[kwargs["task_id"]] = (target.id, call.func.id, kwargs)
    return found


def _edges(text: str) -> set[tuple[str, str]]:
    """Every ``a >> b`` / ``[a, b] >> c`` as (upstream task id, downstream task id)."""
    task_of = {variable: task for task, (variable, _, _) in _calls(text).items()}
    edges = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.RShift):
            ups = node.left.elts if isinstance(node.left, ast.List) else [node.left]
            for up in ups:
                assert isinstance(up, ast.Name) and isinstance(node.right, ast.Name)
                edges.add((task_of[up.id], task_of[node.right.id]))
    return edges


def _dag_kwargs(text: str) -> dict[str, str]:
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "DAG":
            return {k.arg: ast.unparse(k.value) for k in node.keywords if k.arg}
    raise AssertionError("no DAG(...) in the module")


def _settings(tmp_path: Path, **overrides: Any) -> Settings:
    return Settings(project_root=str(tmp_path / "project"), **overrides)


def test_a_task_per_stage_with_its_job_params_retries_and_order(tmp_path: Path) -> None:
    path = export_dag(_pipeline(), tmp_path / "dags", retries=3, settings=_settings(tmp_path))
    assert path == tmp_path / "dags" / "churn_dag.py"
    text = path.read_text()
    compile(text, str(path), "exec")
    tasks = _calls(text)
    assert list(tasks) == [
        "wait_for_data", "validate", "feature_group", "grid_search", "register", "deploy"
    ]  # fmt: skip
    sensor = tasks["wait_for_data"]
    assert sensor[1] == "HopsmlSuccessFileSensor" and sensor[2]["path"] == "Resources/in"
    validate = tasks["validate"][2]
    assert validate["job_name"] == "validate"
    assert validate["job_arguments"] == {"data": "Resources/in/customers.csv", "rules": RULES}
    # validate sets its own retries and delay; the others take the export's default (3)
    assert validate["retries"] == 1 and validate["retry_delay"] == "datetime.timedelta(seconds=0)"
    assert "retries" not in tasks["grid_search"][2] and "'retries': 3," in text.replace('"', "'")
    assert tasks["register"][2]["inputs"] == ["Resources/best.json"]
    assert tasks["deploy"][2]["outputs"] == ["Resources/predictions.json"]
    assert _edges(text) == {
        ("wait_for_data", "validate"),
        ("validate", "feature_group"),
        ("feature_group", "grid_search"),
        ("grid_search", "register"),
        ("register", "deploy"),
    }
    dag = _dag_kwargs(text)
    assert dag["dag_id"] == "'churn'" and dag["schedule"] == "None" and dag["catchup"] == "False"
    # failures name their stage: a callback on every task, through default_args
    assert '"on_failure_callback": report_failure' in text
    assert '"on_retry_callback": report_retry' in text


def test_branches_join_and_no_sensor_without_wait_for(tmp_path: Path) -> None:
    stages = (
        Stage("ingest", job="ingest"),
        Stage("clean-a", job="clean", after=("ingest",)),
        Stage("clean_a", job="clean", after=("ingest",)),  # the same Python name as clean-a
        Stage("dag", job="train", after=("clean-a", "clean_a")),  # the module's own name
        Stage("3d", job="plot", after=("ingest",)),  # not a Python name
    )
    path = export_dag(Pipeline("branchy", stages), tmp_path, settings=_settings(tmp_path))
    text = path.read_text()
    compile(text, str(path), "exec")
    tasks = _calls(text)
    assert set(tasks) == {"ingest", "clean-a", "clean_a", "dag", "3d"}
    variables = [variable for variable, _, _ in tasks.values()]
    assert len(set(variables)) == 5 and "dag" not in variables
    assert all(v.isidentifier() for v in variables)
    assert "HopsmlSuccessFileSensor" not in text
    assert _edges(text) == {
        ("ingest", "clean-a"),
        ("ingest", "clean_a"),
        ("clean-a", "dag"),
        ("clean_a", "dag"),
        ("ingest", "3d"),
    }


def test_schedule_from_the_pipeline_or_the_argument(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    daily = export_dag(_pipeline(schedule="0 3 * * *"), tmp_path / "a", settings=settings)
    assert _dag_kwargs(daily.read_text())["schedule"] == "'0 3 * * *'"
    hourly = export_dag(
        _pipeline(schedule="0 3 * * *"), tmp_path / "b", schedule="@hourly", settings=settings
    )
    assert _dag_kwargs(hourly.read_text())["schedule"] == "'@hourly'"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"schedule": "every day"}, "cron expression"),
        ({"retries": -1}, "0 or more"),
        ({"retries": True}, "whole number"),
        ({"retry_delay_s": -5}, "0 or more seconds"),
        ({"sensor_timeout_s": 0}, "above 0"),
        ({"executable": "/nowhere/hopsml-lab"}, "not an executable"),
    ],
)
def test_bad_options_are_refused_and_nothing_is_written(
    tmp_path: Path, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(BadInput, match=message):
        export_dag(_pipeline(), tmp_path / "dags", settings=_settings(tmp_path), **options)
    assert not (tmp_path / "dags").exists()


def test_a_cycle_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    stages = (Stage("a", job="a", after=("b",)), Stage("b", job="b", after=("a",)))
    with pytest.raises(BadInput, match="cycle"):
        export_dag(Pipeline("loop", stages), tmp_path / "dags", settings=_settings(tmp_path))
    assert not (tmp_path / "dags").exists()


def test_the_project_and_its_hopsml_lab_are_embedded_but_no_password(tmp_path: Path) -> None:
    local = export_dag(_pipeline(), tmp_path, settings=_settings(tmp_path)).read_text()
    assert f'HOPSML_LAB = "{Path(sys.executable).parent / "hopsml-lab"}"' in local
    assert f'"HOPSML_PROJECT_ROOT": "{tmp_path / "project"}"' in local
    catalog = tmp_path / "project" / ".hopsml" / "catalog.db"
    assert f'"HOPSML_CATALOG_URL": "sqlite:///{catalog}"' in local
    # the Airflow package from this checkout when Airflow's environment lacks hopsml-lab
    assert f'sys.path.append("{REPO}")' in local
    secret = _settings(tmp_path, catalog_url="postgresql://ml:s3cret@db:5432/hops")
    remote = export_dag(_pipeline(), tmp_path, settings=secret).read_text()
    assert "s3cret" not in remote and "HOPSML_CATALOG_URL holds a password" in remote


def test_the_file_is_formatted_and_lint_clean(tmp_path: Path) -> None:
    described = _pipeline(description='Churn, "daily": from\nthe shop\'s data', schedule="@daily")
    path = export_dag(described, tmp_path, settings=_settings(tmp_path))
    for check in (["format", "--check"], ["check"]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *check, "--no-cache", str(path)],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_airflow_package_imports_only_the_stdlib_and_airflow() -> None:
    package = REPO / "hopsml_lab" / "airflow"
    allowed = set(sys.stdlib_module_names) | {"airflow"}
    files = sorted(package.rglob("*.py"))
    assert len(files) >= 8
    for file in files:
        depth = len(file.relative_to(package).parts) - 1  # levels up to hopsml_lab/airflow
        for node in ast.walk(ast.parse(file.read_text())):
            if isinstance(node, ast.Import):
                tops = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                tops = {(node.module or "").split(".")[0]}
            elif isinstance(node, ast.ImportFrom):
                assert node.level <= depth + 1, f"{file}: imports above hopsml_lab.airflow"
                continue
            else:
                continue
            assert tops <= allowed, f"{file} imports {tops - allowed}"


# -- a real Airflow ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def airflow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Airflow 3 from its own venv, its metadata in SQLite in a temporary folder; the
    DAGs folder empty. Its environment has none of the project's settings and no path to
    this checkout: the exported DAG must carry them itself."""
    started = time.monotonic()
    python = peer_python("airflow")
    built_s = time.monotonic() - started
    home = tmp_path_factory.mktemp("airflow")
    env = {
        k: v
        for k, v in peer_env().items()
        if not k.startswith(("HOPSML_", "AIRFLOW", "PYTHON", "VIRTUAL_ENV"))
    }
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(home / "dags"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{home}/airflow.db",
        AIRFLOW__LOGGING__BASE_LOG_FOLDER=str(home / "logs"),
        AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT="120",
        PATH=f"{python.parent}:/usr/bin:/bin",
    )
    (home / "dags").mkdir()
    airflow = {"python": python, "env": env, "home": home, "built_s": built_s}
    _airflow(airflow, "db", "migrate")
    yield airflow


def _airflow(airflow: dict[str, Any], *args: str, check: bool = True, timeout: float = 300):
    done = subprocess.run(
        [str(airflow["python"].parent / "airflow"), *args],
        env=airflow["env"],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=airflow["home"],
    )
    if check:
        assert done.returncode == 0, f"airflow {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done


def test_the_operators_keep_hopsworks_names_and_check_their_arguments(
    airflow: dict[str, Any],
) -> None:
    script = """
import inspect, json
from hopsml_lab.airflow.hopsworks_plugin.operators.hopsworks_operator import (
    HopsworksLaunchOperator)
from hopsml_lab.airflow.hopsworks_plugin.sensors.hopsworks_sensor import (
    HopsworksJobSuccessSensor)
from hopsml_lab.airflow import job_params
out = {}
for cls in (HopsworksLaunchOperator, HopsworksJobSuccessSensor):
    out[cls.__name__] = {n: repr(p.default) for n, p in inspect.signature(cls).parameters.items()}
out["params"] = job_params("lr=0.1 'note=two words'")
errors = []
for bad in ({"job_arguments": "--lr 0.1"}, {"job_name": None}):
    try:
        HopsworksLaunchOperator(task_id="t", **{"job_name": "j", **bad})
    except ValueError as error:
        errors.append(str(error))
out["errors"] = errors
print(json.dumps(out))
"""
    env = {**airflow["env"], "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [str(airflow["python"]), "-c", script], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.splitlines()[-1])
    launch = out["HopsworksLaunchOperator"]
    # Hopsworks' plugin: hopsworks_conn_id, job_name, project_id, project_name,
    # wait_for_completion, poke_interval_s, wait_timeout_s, wait_for_state,
    # ignore_failure, job_arguments
    assert list(launch)[:10] == [
        "hopsworks_conn_id", "job_name", "project_id", "project_name", "wait_for_completion",
        "poke_interval_s", "wait_timeout_s", "wait_for_state", "ignore_failure", "job_arguments",
    ]  # fmt: skip
    assert launch["hopsworks_conn_id"] == "'hopsworks_default'"
    assert launch["wait_for_completion"] == "True" and launch["wait_timeout_s"] == "-1"
    sensor = out["HopsworksJobSuccessSensor"]
    assert list(sensor)[:6] == [
        "hopsworks_conn_id", "job_name", "project_id", "project_name", "poke_interval", "timeout"
    ]  # fmt: skip
    assert sensor["poke_interval"] == "10" and sensor["timeout"] == "3600"
    assert out["params"] == {"lr": "0.1", "note": "two words"}
    assert "'--lr' is not key=value" in out["errors"][0]
    assert "give job_name" in out["errors"][1]


@pytest.fixture
def project(tmp_path: Path) -> Iterator[tuple[Lab, Path]]:
    """A project with the five stage scripts as jobs and a day of customers waiting in
    Resources/in (with its _SUCCESS mark)."""
    from hopsml_lab.pipelines.jobs import JobService

    root = tmp_path / "project"
    (root / "Jobs").mkdir(parents=True)
    (root / "Resources" / "in").mkdir(parents=True)
    ids = range(1, 21)
    customers = pd.DataFrame(
        {
            "id": ids,
            "age": [20 + 2 * i for i in ids],
            "spend": [5.0 * i for i in ids],
            "churned": [int(5.0 * i < 50) for i in ids],
        }
    )
    customers.to_csv(root / "Resources" / "in" / "customers.csv", index=False)
    customers.assign(age=customers.age * 10).to_csv(root / "Resources" / "in" / "bad.csv")
    (root / "Resources" / "in" / "_SUCCESS").touch()
    lab = Lab(Settings(project_root=str(root)))
    set_lab(lab)
    jobs = JobService.here()
    for script in STAGES.glob("*.py"):
        shutil.copy(script, root / "Jobs" / script.name)
        jobs.create(script.stem, {"appPath": f"Jobs/{script.name}"})
    yield lab, root
    set_lab(None)
    lab.db.dispose()


OPERATORS = """
import json, sys, time
from airflow.sdk.exceptions import AirflowException
from hopsml_lab.airflow import (
    HopsmlSuccessFileSensor, HopsworksJobFinishSensor, HopsworksJobSuccessSensor,
    HopsworksLaunchOperator)

cli, root, rules = sys.argv[1:]
common = {"hopsml_lab": cli, "env": {"HOPSML_PROJECT_ROOT": root}}
good = {"data": "Resources/in/customers.csv", "rules": rules}
bad = {"data": "Resources/in/bad.csv", "rules": rules}
out = {}


def launch(**kwargs):
    HopsworksLaunchOperator(task_id="launch", job_name="validate", **common, **kwargs).execute({})


def failure(run):
    try:
        run()
    except AirflowException as error:
        return str(error)


# started without waiting; the success sensor sees it through
launch(job_arguments=good, wait_for_completion=False)
success = HopsworksJobSuccessSensor(task_id="ok", job_name="validate", **common)
deadline, out["pokes"] = time.monotonic() + 120, []
while time.monotonic() < deadline and not (out["pokes"] and out["pokes"][-1]):
    out["pokes"].append(success.poke({}))
    time.sleep(0.5)
# a failed run: the task fails, or not with ignore_failure; the sensors see it
out["failed"] = failure(lambda: launch(job_arguments=bad))
out["ignored"] = failure(lambda: launch(job_arguments=bad, ignore_failure=True))
out["success_sensor"] = failure(lambda: success.poke({}))
finish = HopsworksJobFinishSensor(task_id="end", job_name="validate", **common)
out["finish"] = finish.poke({})
only_ok = HopsworksJobFinishSensor(
    task_id="ok_end", job_name="validate", response_check=lambda s: s == "FINISHED", **common)
out["finish_checked"] = only_ok.poke({})
out["timeout"] = failure(lambda: launch(job_arguments=good, wait_timeout_s=0.2))
out["missing_input"] = failure(lambda: launch(job_arguments=good, inputs=["Resources/none"]))
out["unknown_job"] = failure(lambda: HopsworksLaunchOperator(
    task_id="x", job_name="nosuchjob", **common).execute({}))
out["unknown_job_ignored"] = failure(lambda: HopsworksLaunchOperator(  # exit 2: not ignored
    task_id="y", job_name="nosuchjob", ignore_failure=True, **common).execute({}))
files = [HopsmlSuccessFileSensor(task_id="f", path=p, **common) for p in ("Resources/in", "Jobs")]
out["success_files"] = [sensor.poke({}) for sensor in files]
outside = HopsmlSuccessFileSensor(task_id="o", path="../elsewhere", **common)
out["outside"] = failure(lambda: outside.poke({}))
templated = HopsworksLaunchOperator(  # checked once rendered, not when the DAG is parsed
    task_id="t", job_name="validate", job_arguments="day={{ ds }}", **common)
out["templated"] = templated.job_arguments
print(json.dumps(out))
"""


def test_operators_and_sensors_run_the_projects_jobs(
    airflow: dict[str, Any], project: tuple[Lab, Path]
) -> None:
    """Each operator and sensor, executed by Airflow's interpreter outside a DAG run,
    against the project's real jobs."""
    from hopsml_lab.pipelines.jobs import JobService

    _lab, root = project
    cli = str(Path(sys.executable).parent / "hopsml-lab")
    done = subprocess.run(
        [str(airflow["python"]), "-c", OPERATORS, cli, str(root), RULES],
        env={**airflow["env"], "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.splitlines()[-1])
    assert out["pokes"][-1] is True and set(out["pokes"][:-1]) <= {False}
    assert out["failed"] == "Job validate failed: its output is above"
    assert out["ignored"] is None
    assert out["success_sensor"] == "Hopsworks job failed: validate ended FAILED"
    assert out["finish"] is True and out["finish_checked"] is False
    assert "still ran after 0.2 s" in out["timeout"]
    assert (
        out["missing_input"]
        == "Job validate: its input Resources/none is not on the project's store"
    )
    unknown = "Job nosuchjob could not be run (exit code 2): its output is above"
    assert out["unknown_job"] == out["unknown_job_ignored"] == unknown
    assert out["success_files"] == [True, False]
    assert "escapes the project root" in out["outside"]
    assert out["templated"] == "day={{ ds }}"
    states = [e.success for e in JobService.here().executions("validate")]
    assert states.count(True) >= 1 and states.count(False) >= 2


@pytest.mark.timeout(900)
def test_airflow_runs_the_exported_pipeline_end_to_end(
    airflow: dict[str, Any], project: tuple[Lab, Path]
) -> None:
    from hopsml_lab import hopsworks
    from hopsml_lab.pipelines.jobs import JobService
    from hopsml_lab.pipelines.pipelines import PipelineService

    _lab, root = project
    PipelineService.here().save(_pipeline())
    dags = airflow["home"] / "dags"
    mine = {k: v for k, v in os.environ.items() if not k.startswith("HOPSML_")}
    exported = subprocess.run(
        [
            str(Path(sys.executable).parent / "hopsml-lab"),
            "pipeline",
            "export",
            "churn",
            "--to",
            str(dags),
        ],
        env={**mine, "HOPSML_PROJECT_ROOT": str(root)},
        capture_output=True,
        text=True,
    )
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.strip() == str(dags / "churn_dag.py")
    errors = _airflow(airflow, "dags", "list-import-errors", "--local", "-o", "json")
    assert json.loads(errors.stdout.strip().splitlines()[-1] or "[]") == []
    _airflow(airflow, "dags", "reserialize")
    listed = _airflow(airflow, "dags", "list", "-o", "json")
    assert "churn" in [d["dag_id"] for d in json.loads(listed.stdout.strip().splitlines()[-1])]

    started = time.monotonic()
    run = _airflow(airflow, "dags", "test", "churn", timeout=600)
    took = time.monotonic() - started
    print(f"airflow dags test churn: {took:.1f} s (venv ready in {airflow['built_s']:.1f} s)")
    assert _states(airflow, "churn") == dict.fromkeys(
        ["wait_for_data", "validate", "feature_group", "grid_search", "register", "deploy"],
        "success",
    ), run.stdout[-3000:]

    # every stage's outputs, through the project's APIs
    jobs = JobService.here()
    for job in ("validate", "feature_group", "grid_search", "register", "deploy"):
        [execution] = jobs.executions(job)
        assert execution.success is True, job
    project = hopsworks.login()
    customers = project.get_feature_store().get_feature_group("customers", version=1)
    assert sorted(customers.read()["id"]) == list(range(1, 21))
    best = json.loads((root / "Resources" / "best.json").read_text())
    assert best == {"threshold": 50, "accuracy": 1.0, "logdir": best["logdir"]}
    model = project.get_model_registry().get_model("churn_threshold", version=1)
    assert model.training_metrics == {"accuracy": 1.0}
    deployment = project.get_model_serving().get_deployment("churnthreshold")
    assert deployment.get_state().status == "Stopped"
    answer = json.loads((root / "Resources" / "predictions.json").read_text())
    assert answer == {"predictions": [1, 0]}


@pytest.mark.timeout(600)
def test_a_failing_stage_fails_the_run_there_after_its_retries(
    airflow: dict[str, Any], project: tuple[Lab, Path]
) -> None:
    from hopsml_lab.pipelines.jobs import JobService

    lab, _root = project
    bad = {"data": "Resources/in/bad.csv", "rules": RULES}  # ages up to 600
    stages = (
        Stage("validate", job="validate", params=bad, retries=1, retry_delay_s=0),
        Stage("feature_group", job="feature_group", params=bad, after=("validate",)),
    )
    export_dag(Pipeline("churn_bad", stages), airflow["home"] / "dags", settings=lab.settings)
    run = _airflow(airflow, "dags", "test", "churn_bad", check=False, timeout=300)
    states = _states(airflow, "churn_bad")
    assert states == {"validate": "failed", "feature_group": "upstream_failed"}, run.stdout[-3000:]
    # two tries of the stage, each an execution of its job, both failed; the next stage
    # never ran
    executions = JobService.here().executions("validate")
    assert [e.success for e in executions] == [False, False]
    assert JobService.here().executions("feature_group") == []
    log = run.stdout + run.stderr  # `dags test` prints the tasks' logs
    assert "try 1 of 2" in log and "try 2 of 2" in log
    assert "failed at stage 'validate' (job 'validate'), try 2 of 2" in log


def _states(airflow: dict[str, Any], dag_id: str) -> dict[str, str]:
    """Each task's state in the DAG's latest run."""
    runs = _airflow(airflow, "dags", "list-runs", dag_id, "-o", "json")
    [latest, *_] = json.loads(runs.stdout.strip().splitlines()[-1])
    tasks = _airflow(airflow, "tasks", "states-for-dag-run", dag_id, latest["run_id"], "-o", "json")
    return {t["task_id"]: t["state"] for t in json.loads(tasks.stdout.strip().splitlines()[-1])}
