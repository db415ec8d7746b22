"""TensorBoard: from the request to the first scalar data, 20 runs.

Ours: ``POST /hopsml/api/tensorboards`` on a real Jupyter server with the extension, then
the scalars of one run through its authenticated proxy; cold (a new TensorBoard each
time) and warm (one already runs for that set). Peer: what a user runs by hand, a bare
``tensorboard --logdir <experiment folder>`` started and asked for the same data.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from .stats import Timing, bench_lab, ratio_line

RUNS = 20
TOKEN = "bench-token"


def _log_scalars(lr: float) -> float:
    import tensorflow as tf

    from hopsml_lab import tensorboard

    with tf.summary.create_file_writer(tensorboard.logdir()).as_default():
        for step in range(10):
            tf.summary.scalar("loss", lr / (step + 1), step=step)
    return lr


def _first_data(url: str, headers: dict[str, str], deadline_s: float = 60.0) -> None:
    """Poll until the scalars answer with data."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(url, headers=headers)
            with urllib.request.urlopen(request, timeout=10) as response:
                if json.load(response):
                    return
        except (urllib.error.URLError, OSError, ValueError):
            pass
        time.sleep(0.01)
    raise TimeoutError(f"no data at {url}")


def _timed(action: Callable[[], None], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _ours(project: Path, experiment_id: str, run: str, repeat: int) -> tuple[Timing, Timing]:
    from tests.services import jupyter_server

    headers = {"Authorization": f"token {TOKEN}"}
    scalars = f"data/plugin/scalars/scalars?run={urllib.parse.quote(run)}&tag=loss"
    with tempfile.TemporaryDirectory() as folder:
        root, runtime = Path(folder, "root"), Path(folder, "runtime")
        root.mkdir()
        runtime.mkdir()
        env = {**os.environ, "HOPSML_PROJECT_ROOT": str(project)}
        with jupyter_server(root, runtime, env, TOKEN) as (_server, url):

            def request_board(method: str = "POST", board: str = "") -> dict:
                body = json.dumps({"experiments": [experiment_id]}).encode()
                request = urllib.request.Request(
                    f"{url}/hopsml/api/tensorboards{board}",
                    data=body if method == "POST" else None,
                    method=method,
                    headers={**headers, "Content-Type": "application/json"},
                )
                with urllib.request.urlopen(request, timeout=60) as response:
                    return json.load(response) if method == "POST" else {}

            def cold() -> None:
                board = request_board()
                _first_data(f"{url}{board['url']}{scalars}", headers)
                request_board("DELETE", f"/{board['id']}")

            def warm() -> None:
                board = request_board()
                _first_data(f"{url}{board['url']}{scalars}", headers)

            cold()  # the server's first request imports and connects everything once
            cold_ms = _timed(cold, repeat)
            warm()
            warm_ms = _timed(warm, repeat * 4)
    return (
        Timing(f"ours, cold: POST + first scalars via the proxy ({RUNS} runs)", cold_ms),
        Timing(f"ours, warm: one already runs for the set ({RUNS} runs)", warm_ms),
    )


def _bare(logdir: str, run: str, repeat: int) -> Timing:
    tensorboard = Path(sys.executable).with_name("tensorboard")
    scalars = f"data/plugin/scalars/scalars?run={urllib.parse.quote(run)}&tag=loss"

    def once() -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        process = subprocess.Popen(
            [str(tensorboard), "--logdir", logdir, "--host", "127.0.0.1", "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _first_data(f"http://127.0.0.1:{port}/{scalars}", {})
        finally:
            process.kill()
            process.wait()

    return Timing(
        f"bare `tensorboard --logdir` started by hand ({RUNS} runs)", _timed(once, repeat)
    )


def run(repeat: int = 5) -> list[str]:
    from hopsml_lab import experiment

    with bench_lab() as lab:
        lrs = [round(0.01 * (n + 1), 2) for n in range(RUNS)]
        experiment.grid_search(_log_scalars, {"lr": lrs}, name="tensorboard-bench")
        experiment_id, _ = lab.queries.resolve("demo", "tensorboard-bench")
        logdir = lab.store.url(f"Experiments/{experiment_id}")
        project = Path(lab.store.url())
        cold, warm = _ours(project, experiment_id, f"lr={lrs[0]}", repeat)
        bare = _bare(logdir, "trial_0", repeat)
    return [
        "TensorBoard, request to first scalar data (aim: cold < 1.5 s, warm < 100 ms)",
        cold.line(),
        warm.line(),
        bare.line(),
        ratio_line(cold, bare),
    ]
