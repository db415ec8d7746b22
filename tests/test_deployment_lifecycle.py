"""Deployments as supervised server processes: a keeper per deployment that outlives the
script that started it, restarts crashed model servers (and gives up past its cap), runs
K instances on one port, rolls out a new model version with no failed request, takes its
model servers with it when it is killed, and frees its port when stopped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
import requests

from hopsml_lab.deployments import DeploymentService, post_json, predict_url
from hopsml_lab.lab import Lab

from .serving_models import port_free, saved_lin, serving_lab

pytestmark = [
    pytest.mark.filterwarnings("ignore::hopsml_lab.registry.errors.ProvenanceWarning"),
    pytest.mark.timeout(300),
]
ROW = [[1.0, 1.0]]


@pytest.fixture(scope="module")
def plab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    yield from serving_lab(tmp_path_factory, "lifecycle")


@pytest.fixture(scope="module")
def script(plab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The predictor script of model ``lin``, saved in versions 1 and 2."""
    return saved_lin(tmp_path_factory, versions=2)


@pytest.fixture
def service(plab: Lab) -> DeploymentService:
    return DeploymentService.here()


def _ask(record: Any) -> dict[str, Any]:
    return post_json(predict_url(record), {"instances": ROW}, timeout=10)["predictions"][0]


def _until(check: Any, timeout: float = 60.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while not (value := check()):
        assert time.monotonic() < deadline, f"waited {timeout:.0f} s for {what}"
        time.sleep(0.05)
    return value


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


CHILD = """
import json, os, sys, time
from hopsml_lab import hopsworks

model = hopsworks.login().get_model_registry().get_model("lin", version=1)
deployment = model.deploy(name="outlives", script_file=sys.argv[1])
started = time.monotonic()
deployment.start(await_running=120)
state = deployment.get_state()
print(json.dumps({"port": state.internal_port, "start_s": time.monotonic() - started,
                  "script_pid": os.getpid(),
                  "answer": deployment.predict(inputs=[[1.0, 1.0]])}))
"""


def test_a_deployment_outlives_the_script_that_started_it(
    plab: Lab, script: Path, service: DeploymentService, tmp_path: Path
) -> None:
    (tmp_path / "deploy.py").write_text(textwrap.dedent(CHILD))
    env = {
        **os.environ,
        "HOPSML_PROJECT_ROOT": plab.settings.project_root,
        "HOPSML_CATALOG_URL": plab.settings.catalog_url or "",
    }
    done = subprocess.run(
        [sys.executable, str(tmp_path / "deploy.py"), str(script)],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    said = json.loads(done.stdout.splitlines()[-1])
    print(f"deployment start (script, 1 instance): {said['start_s']:.2f} s")
    assert said["answer"]["predictions"][0]["version"] == 1
    # the script has exited; this process lists the deployment and queries it
    [record] = [r for r in service.list() if r.name == "outlives"]
    assert record.state == "Running" and record.port == said["port"]
    assert record.owner_pid == said["script_pid"] and _gone(said["script_pid"])
    assert len(record.instance_pids) == 1
    assert _ask(record) == {"y": 3.0, "version": 1, "pid": record.instance_pids[0]}
    stopped = service.stop("outlives")
    assert stopped.state == "Stopped" and port_free(said["port"])
    assert _gone(record.pid) and _gone(record.instance_pids[0])
    assert service.require("outlives").state == "Stopped"


def test_a_killed_server_restarts_and_one_crashing_past_the_cap_fails(
    plab: Lab, script: Path
) -> None:
    service = DeploymentService(plab, max_restarts=2)
    service.create("crashy", "lin", 1, "PYTHON", script_file=str(script))
    record = service.start("crashy", timeout=120)
    [first] = record.instance_pids
    os.kill(first, signal.SIGKILL)
    restarted = _until(
        lambda: [p for p in service.require("crashy").instance_pids if p != first],
        what="the killed model server to be started again",
    )
    assert _until(lambda: _try_ask(record), what="an answer after the restart")["pid"] in restarted
    assert service.require("crashy").state == "Running"
    # from now on the model cannot load: each restart crashes, past the cap it is Failed
    (script.parent / "crash").write_text("")
    try:
        os.kill(restarted[0], signal.SIGKILL)
        failed = _until(
            lambda: (r := service.require("crashy")).state == "Failed" and r,
            what="the deployment to fail",
        )
    finally:
        (script.parent / "crash").unlink()
    assert "crashed 3 times in a row" in failed.message
    assert "told to crash while loading" in failed.message  # the end of its log
    assert failed.port is None and port_free(record.port)
    _until(lambda: _gone(record.pid), 10, "the keeper to end")


def _try_ask(record: Any) -> dict[str, Any] | None:
    try:
        return _ask(record)
    except Exception:
        return None


def test_two_instances_share_a_port_and_die_with_their_keeper(
    script: Path, service: DeploymentService
) -> None:
    service.create("pair", "lin", 1, "PYTHON", script_file=str(script), instances=2)
    started = time.monotonic()
    record = service.start("pair", timeout=120)
    print(f"deployment start (2 instances): {time.monotonic() - started:.2f} s")
    assert len(set(record.instance_pids)) == 2
    seen: set[int] = set()

    def ask_many() -> None:
        for _ in range(20):  # a new connection each: the two servers take turns accepting
            seen.add(_ask(record)["pid"])

    threads = [threading.Thread(target=ask_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == set(record.instance_pids)
    # kill -9 the keeper: its model servers end with it; read without repairing it (a
    # plain read restarts it: tests/test_keeper_restarts.py), it is Failed
    os.kill(record.pid, signal.SIGKILL)
    _until(lambda: all(_gone(p) for p in record.instance_pids), 15, "no orphan servers")
    after = service.require("pair", repair=False)
    assert after.state == "Failed" and "keeper process" in after.message
    assert port_free(record.port)


def test_a_roll_out_under_load_fails_no_request(script: Path, service: DeploymentService) -> None:
    service.create("rolling", "lin", 1, "PYTHON", script_file=str(script))
    record = service.start("rolling", timeout=120)
    url = predict_url(record)
    answers: list[tuple[str, int]] = []
    failures: list[str] = []
    done = threading.Event()

    def keep_alive() -> None:  # one pooled connection, reused while the servers change
        with requests.Session() as session:
            while not done.is_set():
                _record(lambda: session.post(url, json={"instances": ROW}, timeout=10).json())

    def new_connections() -> None:
        while not done.is_set():
            _record(lambda: post_json(url, {"instances": ROW}, timeout=10))

    def _record(send: Any) -> None:
        try:
            version = send()["predictions"][0]["version"]
        except Exception as error:
            failures.append(repr(error))
        else:
            answers.append((threading.current_thread().name, version))

    clients = [
        threading.Thread(target=keep_alive, name="keep-alive"),
        threading.Thread(target=new_connections, name="new-connections"),
    ]
    for client in clients:
        client.start()
    try:
        _until(lambda: len(answers) >= 60, what="answers from version 1")
        started = time.monotonic()
        rolled = service.roll_out("rolling", 2)
        took = time.monotonic() - started
        at_switch = len(answers)
        _until(lambda: len(answers) >= max(at_switch + 60, 200), what="answers after")
    finally:
        done.set()
        for client in clients:
            client.join(30)
    print(f"roll-out 1 -> 2 under load: {took:.2f} s, {len(answers)} requests, 0 failed")
    assert failures == []
    assert rolled.model_version == 2 and rolled.state == "Running"
    versions = [v for _, v in answers]
    assert versions[0] == 1 and set(versions[at_switch + 4 :]) == {2}
    # while both versions accept, a new connection meets either; a kept-alive one moves
    # to version 2 when version 1 closes it, and never goes back
    kept = [v for n, v in answers if n == "keep-alive"]
    assert kept == sorted(kept)
    assert {name for name, _ in answers[:at_switch]} == {"keep-alive", "new-connections"}
    assert {name for name, _ in answers[at_switch:]} == {"keep-alive", "new-connections"}
    service.stop("rolling")
    assert port_free(record.port)


def test_a_roll_out_that_cannot_start_keeps_the_old_version(
    script: Path, service: DeploymentService
) -> None:
    from hopsml_lab.deployments import DeploymentStartError

    service.create("steady", "lin", 1, "PYTHON", script_file=str(script))
    record = service.start("steady", timeout=120)
    (script.parent / "crash").write_text("")
    try:
        with pytest.raises(DeploymentStartError, match="told to crash while loading"):
            service.roll_out("steady", 2)
    finally:
        (script.parent / "crash").unlink()
    still = service.require("steady")
    assert still.state == "Running" and still.model_version == 1
    assert _ask(still)["version"] == 1
    service.stop("steady")
    assert port_free(record.port) and _gone(record.pid)
