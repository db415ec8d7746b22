"""Start, probe, restart and stop child servers bound to 127.0.0.1 (or a given host).

>>> server = ChildServer("echo", lambda port: ["python", "-m", "http.server", str(port)],
...                      log_path=Path("/tmp/echo.log"))                 # doctest: +SKIP
>>> server.start(); server.wait_ready(); server.base_url                  # doctest: +SKIP
'http://127.0.0.1:40123/'
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from ..errors import Unavailable
from .child import PARENT_ENV

HOST = "127.0.0.1"


class ProcessError(Unavailable):
    """A child server did not start or died; the message carries the end of its log."""


def free_port(host: str = HOST) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    # Linux: the kernel kills the child the moment its starter dies, even by SIGKILL.
    import ctypes

    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class ChildServer:
    """One server process: ``command(port)`` is its argv; it is ready once
    ``GET ready_path`` answers, or, with ``probe``, once ``probe(server)`` is true (for
    servers sharing one port, which HTTP alone cannot tell apart). With ``restart`` a
    crashed server is started again the next time :meth:`ensure_running` is called.

    ``port`` fixes its port (by default a free one at each start); ``pass_fds`` are file
    descriptors it inherits, such as a listening socket it serves on."""

    def __init__(
        self,
        name: str,
        command: Callable[[int], Sequence[str]],
        log_path: Path,
        *,
        ready_path: str = "/",
        env: Mapping[str, str] | None = None,
        host: str = HOST,
        restart: bool = False,
        port: int = 0,
        pass_fds: Sequence[int] = (),
        probe: Callable[[ChildServer], bool] | None = None,
    ) -> None:
        self.name, self.command, self.log_path = name, command, log_path
        self.ready_path = ready_path.lstrip("/")
        self.env, self.host, self.restart = dict(env or {}), host, restart
        self.fixed_port, self.pass_fds, self.probe = port, tuple(pass_fds), probe
        self.port = port
        self.popen: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self.last_activity = time.time()

    def start(self) -> None:
        """Start it on its port or a free one (call from a thread that lives as long as
        the process: on Linux the child dies with the thread that forked it)."""
        self.port = self.fixed_port or free_port(self.host)
        env = {**os.environ, **self.env, PARENT_ENV: str(os.getpid())}
        env.pop("CUDA_VISIBLE_DEVICES", None)
        with open(self.log_path, "ab") as log:
            self.popen = subprocess.Popen(
                list(self.command(self.port)),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                pass_fds=self.pass_fds,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )

    @property
    def pid(self) -> int:
        return self.popen.pid if self.popen is not None else 0

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def touch(self) -> None:
        self.last_activity = time.time()

    def ensure_running(self) -> bool:
        """Restart a crashed server if it may be; True when it runs afterwards."""
        if self.alive():
            return True
        if not self.restart or self.popen is None:
            return False
        self.restarts += 1
        self.start()
        return True

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Return once it answers HTTP (or its probe is true); raise with its log when it
        cannot."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                code = self.popen.returncode if self.popen is not None else None
                raise ProcessError(f"{self.name} exited with code {code}: {self.log_tail()}")
            if self.probe is not None:
                if self.probe(self):
                    return
                time.sleep(0.02)
                continue
            try:
                with urllib.request.urlopen(self.base_url + self.ready_path, timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # it answers HTTP: ready, whatever it thinks of the path
            except OSError:
                time.sleep(0.02)
        self.stop()
        raise ProcessError(f"{self.name} did not answer within {timeout:.0f} s: {self.log_tail()}")

    def log_tail(self, lines: int = 8) -> str:
        with contextlib.suppress(OSError):
            text = self.log_path.read_text(errors="replace").strip().splitlines()
            return " | ".join(text[-lines:]) or "(no output)"
        return "(no log)"

    def stop(self, timeout: float = 5.0) -> None:
        popen = self.popen
        if popen is None or popen.poll() is not None:
            return
        popen.terminate()
        try:
            popen.wait(timeout)
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.wait(timeout)


class Supervisor:
    """The child servers of one process, by key: idle ones stopped, crashed ones
    restarted where they asked for it, all stopped on shutdown."""

    def __init__(self, idle_timeout: float = 900.0) -> None:
        self.idle_timeout = idle_timeout
        self._children: dict[str, ChildServer] = {}
        self._lock = threading.Lock()

    def add(self, key: str, child: ChildServer) -> ChildServer:
        """Start ``child`` under ``key`` (a server already there is stopped first)."""
        with self._lock:
            old = self._children.pop(key, None)
        if old is not None:
            old.stop()
        child.start()
        with self._lock:
            self._children[key] = child
        return child

    def get(self, key: str) -> ChildServer | None:
        """The running (or restarted) server under ``key``, else None."""
        with self._lock:
            child = self._children.get(key)
        if child is None or not child.ensure_running():
            return None
        return child

    def running(self) -> dict[str, ChildServer]:
        with self._lock:
            return {k: c for k, c in self._children.items() if c.alive()}

    def remove(self, key: str) -> ChildServer | None:
        """Stop and forget the server under ``key``; None when there was none."""
        with self._lock:
            child = self._children.pop(key, None)
        if child is not None:
            child.stop()
        return child

    def stop_idle(self, now: float | None = None) -> list[str]:
        """Stop servers nobody used for ``idle_timeout`` seconds, and dead ones that may
        not restart; return their keys."""
        now = time.time() if now is None else now
        with self._lock:
            gone = [
                key
                for key, child in self._children.items()
                if now - child.last_activity > self.idle_timeout
                or (not child.alive() and not child.restart)
            ]
            children = [self._children.pop(key) for key in gone]
        for child in children:
            child.stop()
        return gone

    def stop_all(self) -> None:
        with self._lock:
            children, self._children = list(self._children.values()), {}
        for child in children:
            child.stop()
