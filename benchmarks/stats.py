"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Timing:
    label: str
    samples_ms: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    def line(self) -> str:
        return (
            f"  {self.label:<58} p50 {self.p50:9.1f} ms   p95 {self.p95:9.1f} ms"
            f"   (n={len(self.samples_ms)})"
        )


def measure(label: str, action: Callable[[], object], repeat: int, warmup: int = 2) -> Timing:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return Timing(label, samples)


def ratio_line(ours: Timing, peer: Timing) -> str:
    return (
        f"  ratio (peer p95 / ours p95): {peer.p95 / ours.p95:,.1f}x "
        f"{'faster' if peer.p95 > ours.p95 else 'slower'}"
    )


@contextmanager
def bench_lab() -> Iterator[Any]:
    """A throwaway project on local[2], installed as the process's Lab, then stopped."""
    from hopsml_lab.lab import Lab, set_lab
    from hopsml_lab.settings import Settings

    with tempfile.TemporaryDirectory() as folder:
        lab = Lab(
            Settings(
                project_root=str(Path(folder) / "project"),
                spark_master="local[2]",
                spark_conf={"spark.ui.enabled": "false"},
            )
        )
        set_lab(lab)
        try:
            yield lab
        finally:
            lab.spark.stop()
            set_lab(None)


@contextmanager
def jupyter_server(
    root: str, project: Path, probe: str, env: dict[str, str] | None = None
) -> Iterator[tuple[str, dict[str, str]]]:
    """A real Jupyter server with HopsML Lab for ``project`` on a free port; yields its
    ``/hopsml/api/`` address and the auth headers once ``probe`` (under it) answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    token = "bench-token"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "server",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
            "--ServerApp.open_browser=False",
            f"--ServerApp.root_dir={root}",
            "--allow-root",
        ],
        env={**os.environ, "HOPSML_PROJECT_ROOT": str(project), **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}/hopsml/api/"
        headers = {"Authorization": f"token {token}"}
        deadline = time.time() + 60
        while True:
            try:
                request = urllib.request.Request(base + probe, headers=headers)
                urllib.request.urlopen(request).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise TimeoutError(f"{base + probe} did not answer") from None
                time.sleep(0.2)
        yield base, headers
    finally:
        server.terminate()
        server.wait(30)
