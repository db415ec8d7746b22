"""A deployment's keeper killed with SIGKILL comes back: the next process that looks at
the deployment (a plain script: no Jupyter server) restarts it on the same port, and the
Jupyter server's extension does so by itself every few seconds; each restart is a line in
the deployment's log, restarts in a row back off and stop at a cap, after which the
deployment reads Failed with the reason. ``available_predictor_instances`` counts the
model servers that answer now, not the requested number."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psutil
import pytest

from hopsml_lab import hopsworks
from hopsml_lab.deployments import DeploymentService, post_json, predict_url
from hopsml_lab.lab import Lab

from .serving_models import port_free, saved_lin, serving_lab

pytestmark = [
    pytest.mark.filterwarnings("ignore::hopsml_lab.registry.errors.ProvenanceWarning"),
    pytest.mark.timeout(240),
]
ROW = [[1.0, 1.0]]


@pytest.fixture(scope="module")
def plab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    yield from serving_lab(tmp_path_factory, "restarts")


@pytest.fixture(scope="module")
def script(plab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return saved_lin(tmp_path_factory)


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


def _kill_keeper(pid: int, instances: list[int]) -> None:
    os.kill(pid, signal.SIGKILL)
    _until(lambda: _gone(pid) and all(_gone(p) for p in instances), 15, "keeper and servers gone")


def _ask(record: Any) -> dict[str, Any]:
    return post_json(predict_url(record), {"instances": ROW}, timeout=10)["predictions"][0]


def test_a_killed_keeper_is_restarted_on_its_port_by_the_next_reader(
    plab: Lab, script: Path
) -> None:
    service = DeploymentService(plab)
    service.create("phoenix", "lin", 1, "PYTHON", script_file=str(script), instances=2)
    record = service.start("phoenix", timeout=120)
    deployment = hopsworks.login().get_model_serving().get_deployment("phoenix")
    _until(lambda: deployment.get_state().available_predictor_instances == 2, 30, "2 answering")
    # one model server killed: the keeper knows only one answers until it is back
    os.kill(record.instance_pids[0], signal.SIGKILL)
    _until(lambda: deployment.get_state().available_predictor_instances == 1, 10, "1 answering")
    _until(lambda: deployment.get_state().available_predictor_instances == 2, 60, "2 again")

    record = service.require("phoenix")
    _kill_keeper(record.pid, record.instance_pids)
    assert service.require("phoenix", repair=False).state == "Failed"  # what is true now
    # four readers at once (as several processes would): one restarts it, all see that
    readers = [DeploymentService(plab) for _ in range(4)]
    with ThreadPoolExecutor(4) as pool:
        seen_pids = set(pool.map(lambda reader: reader.require("phoenix").pid, readers))
    assert len(seen_pids) == 1 and record.pid not in seen_pids
    seen = deployment.get_state()  # a plain reader: it is starting again
    assert seen.status == "Starting" and seen.available_predictor_instances == 0
    back = _until(lambda: (r := service.require("phoenix")).state == "Running" and r, 90, "up")
    assert back.pid != record.pid and back.port == record.port
    assert _ask(back)["version"] == 1
    _until(lambda: service.require("phoenix").available_instances == 2, 30, "2 answering")
    log = "\n".join(service.logs("phoenix", 0))
    assert log.count("restarted as process") == 1
    assert f"keeper process {record.pid} ended without stopping the deployment" in log
    assert f"restarted as process {back.pid} (restart 1 of 3 in a row)" in log
    # an explicit stop is not undone by a later reader
    service.stop("phoenix")
    assert service.require("phoenix").state == "Stopped" and port_free(record.port)


def test_restarts_in_a_row_back_off_and_stop_at_the_cap(plab: Lab, script: Path) -> None:
    service = DeploymentService(plab, max_keeper_restarts=1, keeper_backoff_s=30.0)
    service.create("fragile", "lin", 1, "PYTHON", script_file=str(script))
    first = service.start("fragile", timeout=120)
    _kill_keeper(first.pid, first.instance_pids)
    second = service.start("fragile", timeout=120)  # start() restarts and waits
    assert second.state == "Running" and second.pid != first.pid
    _kill_keeper(second.pid, second.instance_pids)
    failed = service.require("fragile")  # past the cap of 1: not restarted again
    assert failed.state == "Failed" and failed.port is None
    assert "restarted 1 time in a row and is not restarted again" in failed.message
    assert service.require("fragile").state == "Failed"  # recorded, not a one-off view
    assert "not restarted again" in "\n".join(service.logs("fragile", 3))
    # the user's own start begins afresh
    again = service.start("fragile", timeout=120)
    assert again.state == "Running" and _ask(again)["version"] == 1
    service.stop("fragile")


def test_the_second_restart_in_a_row_waits_its_back_off(plab: Lab, script: Path) -> None:
    service = DeploymentService(plab, max_keeper_restarts=3, keeper_backoff_s=30.0)
    service.create("patient", "lin", 1, "PYTHON", script_file=str(script))
    first = service.start("patient", timeout=120)
    _kill_keeper(first.pid, first.instance_pids)
    second = service.start("patient", timeout=120)
    _kill_keeper(second.pid, second.instance_pids)
    waiting = service.require("patient")
    assert waiting.state == "Starting" and "restart 2 of 3 in" in waiting.message
    assert waiting.pid == second.pid  # nothing started during the back-off
    service.stop("patient")
    assert service.require("patient").state == "Stopped"
