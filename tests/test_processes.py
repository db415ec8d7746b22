"""The supervisor of child servers, with real processes (Python's own http.server)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from hopsml_lab.processes import ChildServer, ProcessError, Supervisor


def _http_server(tmp_path: Path, **options) -> ChildServer:
    return ChildServer(
        "http.server",
        lambda port: [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        tmp_path / "server.log",
        **options,
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (not yet reaped) counts as gone.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split()[2] != "Z"


def test_a_child_serves_on_loopback_and_is_ready_when_it_answers(tmp_path: Path) -> None:
    supervisor = Supervisor()
    child = supervisor.add("files", _http_server(tmp_path))
    try:
        child.wait_ready(timeout=30)
        assert child.base_url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(child.base_url, timeout=5) as response:
            assert response.status == 200
        assert supervisor.get("files") is child
    finally:
        supervisor.stop_all()
    assert not child.alive()


def test_a_crashed_child_restarts_only_where_asked(tmp_path: Path) -> None:
    supervisor = Supervisor()
    keeps = supervisor.add("keeps", _http_server(tmp_path, restart=True))
    once = supervisor.add("once", _http_server(tmp_path))
    try:
        for child in (keeps, once):
            child.wait_ready(timeout=30)
            os.kill(child.pid, signal.SIGKILL)
            child.popen.wait(10)
        assert supervisor.get("keeps") is keeps and keeps.restarts == 1
        keeps.wait_ready(timeout=30)
        assert supervisor.get("once") is None
        assert supervisor.stop_idle() == ["once"]  # dead and not restartable: forgotten
    finally:
        supervisor.stop_all()


def test_idle_children_stop(tmp_path: Path) -> None:
    supervisor = Supervisor(idle_timeout=60)
    child = supervisor.add("idle", _http_server(tmp_path))
    child.wait_ready(timeout=30)
    assert supervisor.stop_idle(now=time.time() + 30) == []
    child.touch()
    assert supervisor.stop_idle(now=time.time() + 61) == ["idle"]
    assert not child.alive() and supervisor.running() == {}


def test_a_child_that_cannot_start_says_why(tmp_path: Path) -> None:
    child = ChildServer(
        "broken",
        lambda port: [sys.executable, "-c", "import sys; print('no such model'); sys.exit(3)"],
        tmp_path / "broken.log",
    )
    child.start()
    with pytest.raises(ProcessError, match="broken exited with code 3: no such model"):
        child.wait_ready(timeout=30)


PARENT = """
import json, sys, time
from pathlib import Path
from hopsml_lab.processes import ChildServer
child = ChildServer("http.server",
    lambda port: [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
    Path(sys.argv[1]))
child.start()
child.wait_ready(timeout=30)
print(json.dumps({"pid": child.pid}), flush=True)
time.sleep(600)
"""


def test_children_die_with_a_parent_killed_by_sigkill(tmp_path: Path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(tmp_path / "child.log")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        child_pid = json.loads(parent.stdout.readline())["pid"]
        assert _alive(child_pid)
        parent.kill()  # SIGKILL: no cleanup of its own runs
        parent.wait(10)
        deadline = time.monotonic() + 10
        while _alive(child_pid):
            assert time.monotonic() < deadline, f"child {child_pid} outlived its parent"
            time.sleep(0.1)
    finally:
        parent.kill()
