"""The supervisor of child servers, with real processes (Python's own http.server)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from hopsml_lab.processes import ChildServer, ProcessError, Supervisor, start_detached


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


ACCEPTS = """
import pathlib, socket, sys
listener = socket.socket(fileno=int(sys.argv[1]))
pathlib.Path(sys.argv[2]).write_text("ready")
connection, _ = listener.accept()
connection.sendall(b"served by the child")
connection.close()
"""


def test_a_child_serves_an_inherited_socket_and_is_ready_by_its_probe(tmp_path: Path) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.set_inheritable(True)
    port, ready = listener.getsockname()[1], tmp_path / "ready"
    child = ChildServer(
        "inherits",
        lambda _port: [sys.executable, "-c", ACCEPTS, str(listener.fileno()), str(ready)],
        tmp_path / "inherits.log",
        port=port,
        pass_fds=(listener.fileno(),),
        probe=lambda _server: ready.exists(),
    )
    try:
        child.start()
        child.wait_ready(timeout=30)
        assert child.port == port and ready.exists()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
            assert client.recv(100) == b"served by the child"
    finally:
        child.stop()
        listener.close()


def test_a_detached_process_has_its_own_session_and_is_reaped(tmp_path: Path) -> None:
    pid = start_detached([sys.executable, "-c", "print('detached')"], tmp_path / "d.log")
    deadline = time.monotonic() + 30
    while (tmp_path / "d.log").read_text() != "detached\n" or _exists(pid):
        assert time.monotonic() < deadline, "the detached process was not reaped"
        time.sleep(0.05)
    pid = start_detached([sys.executable, "-c", "import time; time.sleep(60)"], tmp_path / "s.log")
    try:
        assert os.getsid(pid) == pid != os.getsid(0)  # a session of its own
    finally:
        os.kill(pid, signal.SIGKILL)


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
