"""Starting, probing and stopping one TensorBoard process on 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from .serve import PARENT_ENV, WITHOUT_TF_ENV

HOST = "127.0.0.1"


class TensorBoardError(RuntimeError):
    """TensorBoard did not start; the message carries the end of its log."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    # Linux: the kernel kills TensorBoard the moment its starter dies, even by SIGKILL.
    import ctypes

    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class TensorBoardProcess:
    """One ``tensorboard`` serving ``logdir_args`` on a free port of 127.0.0.1 only."""

    def __init__(
        self,
        logdir_args: Sequence[str],
        log_path: Path,
        *,
        without_tf: bool,
        reload_interval: float = 2.0,
    ) -> None:
        self.port = _free_port()
        self.log_path = log_path
        command = [
            sys.executable,
            "-m",
            "hopsml_lab.tensorboards.serve",
            *logdir_args,
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--reload_interval",
            str(reload_interval),
        ]
        env = {**os.environ, PARENT_ENV: str(os.getpid())}
        if without_tf:
            env[WITHOUT_TF_ENV] = "1"
        env.pop("CUDA_VISIBLE_DEVICES", None)
        with open(log_path, "ab") as log:
            self.popen = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def alive(self) -> bool:
        return self.popen.poll() is None

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Return once TensorBoard answers HTTP; raise with its log when it cannot."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise TensorBoardError(
                    f"TensorBoard exited with code {self.popen.returncode}: {self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(f"{self.base_url}data/environment", timeout=2):
                    return
            except (OSError, urllib.error.URLError):
                time.sleep(0.02)
        self.stop()
        raise TensorBoardError(
            f"TensorBoard did not answer within {timeout:.0f} s: {self.log_tail()}"
        )

    def log_tail(self, lines: int = 8) -> str:
        with contextlib.suppress(OSError):
            text = self.log_path.read_text(errors="replace").strip().splitlines()
            return " | ".join(text[-lines:]) or "(no output)"
        return "(no log)"

    def stop(self, timeout: float = 5.0) -> None:
        if self.alive():
            self.popen.terminate()
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout)
