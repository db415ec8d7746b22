"""Serving the small Keras model (8 -> 64 -> 64 -> 1), batch 1, 10 connections: HopsML
Lab's model server against KServe's Python model server (its own venv, the same model
called the same way), with the same number of workers, side by side. Ours runs this
model with numpy (a plain dense stack, checked against the graph at load); it is also
measured writing every request and response to its inference log (as a deployment
does; KServe here does not), calling the TensorFlow graph as KServe does
(``HOPSML_KERAS_RUNNER=graph``), and on the same model converted to TensorFlow Lite
(``model.optimize``'s converter, int8 weights). ``mlflow models serve`` (its own venv,
the model saved with MLflow's keras flavor) runs beside them with the same workers; it
calls ``model.predict`` per request, so it gets fewer timed requests. A peer that cannot
run says why in one line and the others go on. The machine's load average is printed
before and after: the client runs on the same cores as the servers.

One asyncio client keeps 10 HTTP/1.1 keep-alive connections busy with TF Serving
``:predict`` requests (``{"instances": [[8 floats]]}``; to MLflow the same body on its
``/invocations``) and times each.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from hopsml_lab.deployments.inference_log import LOG_DIR_ENV
from hopsml_lab.deployments.loaders import KERAS_RUNNER_ENV
from hopsml_lab.processes import ChildServer, ProcessError

from .peers import peer_python

HERE = Path(__file__).parent
NAME = "small"
CONNECTIONS = 10
WARMUP = 300
REQUESTS = 3000
WORKERS = (1, 2)
LITE_METHOD = "dynamic-int8"
KSERVE = "KServe 0.21"
MLFLOW = "mlflow 3.17 models serve"
PEERS = (KSERVE, MLFLOW)
PREDICT = f"/v1/models/{NAME}:predict"
# MLflow's scoring server runs model.predict per request (~17 req/s): fewer requests.
MLFLOW_WARMUP = 30
MLFLOW_REQUESTS = 300


def _model(folder: Path) -> Path:
    import keras

    model = keras.Sequential(
        [
            keras.Input((8,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    path = folder / "model.keras"
    model.save(path)
    return path


def _lite_model(model: Path, folder: Path) -> Path:
    """``model`` converted as ``model.optimize(..., method=LITE_METHOD)`` converts it."""
    from hopsml_lab.registry.tflite import convert

    (folder / "lite").mkdir()
    path = folder / "lite" / "model.tflite"
    path.write_bytes(convert(model, LITE_METHOD, None, folder))  # SavedModel kept aside
    return path


async def _client(port: int, path: str, count: int, latencies: list[float], body: bytes) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    for _ in range(count):
        started = time.perf_counter()
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        )
        answer = await reader.readexactly(length)
        latencies.append((time.perf_counter() - started) * 1000)
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"the server answered {head[:40]!r}: {answer[:200]!r}")
    writer.close()


async def _load(port: int, path: str, total: int) -> tuple[float, list[float]]:
    body = json.dumps({"instances": [[0.1 * i for i in range(8)]]}).encode()
    latencies: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(
        *(_client(port, path, total // CONNECTIONS, latencies, body) for _ in range(CONNECTIONS))
    )
    return len(latencies) / (time.perf_counter() - started), latencies


def measure(
    port: int, path: str = PREDICT, warmup: int = WARMUP, requests: int = REQUESTS
) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) over ``requests`` POSTs to ``path`` after
    ``warmup``."""
    asyncio.run(_load(port, path, warmup))
    rate, latencies = asyncio.run(_load(port, path, requests))
    latencies.sort()
    return rate, statistics.median(latencies), latencies[int(len(latencies) * 0.99) - 1]


def _serve(
    label: str,
    command: Callable[[int], list[str]],
    log: Path,
    env: dict[str, str] | None = None,
    ready_path: str = f"v2/models/{NAME}/ready",
) -> ChildServer:
    server = ChildServer(label, command, log, ready_path=ready_path, env=env)
    server.start()
    server.wait_ready(180)
    return server


def _ours(
    model: Path, workers: int, log: Path, runner: str = "auto", logs: Path | None = None
) -> ChildServer:
    command = [
        sys.executable,
        "-m",
        "hopsml_lab.deployments.serve",
        "--model-dir",
        str(model.parent),
        "--name",
        NAME,
        "--version",
        "1",
        "--model-server",
        "TENSORFLOW_SERVING",
        "--workers",
        str(workers),
    ]
    env = {KERAS_RUNNER_ENV: runner, **({LOG_DIR_ENV: str(logs)} if logs else {})}
    return _serve("ours", lambda port: [*command, "--port", str(port)], log, env)


def _kserve(model: Path, workers: int, log: Path) -> ChildServer:
    python = str(peer_python("kserve"))
    script = str(HERE / "peer_scripts" / "kserve_serve.py")
    return _serve(
        "kserve", lambda port: [python, script, str(model), NAME, str(port), str(workers)], log
    )


def _mlflow(model: Path, workers: int, log: Path) -> ChildServer:
    python = str(peer_python("mlflow_serving"))
    script = str(HERE / "peer_scripts" / "mlflow_serve.py")
    folder = log.with_suffix("")  # where the MLflow model is saved
    folder.mkdir()
    return _serve(
        "mlflow",
        lambda port: [python, script, str(model), str(folder), str(port), str(workers)],
        log,
        ready_path="ping",
    )


def _mlflow_measure(port: int) -> tuple[float, float, float]:
    return measure(port, "/invocations", MLFLOW_WARMUP, MLFLOW_REQUESTS)


def _timed(
    start: Callable[[], ChildServer], timed: Callable[[int], tuple[float, float, float]]
) -> tuple[float, float, float]:
    server = start()
    try:
        return timed(server.port)
    finally:
        server.stop()


def _line(count: int, label: str, figures: tuple[float, float, float], note: str = "") -> str:
    rate, p50, p99 = figures
    return (
        f"  {count} worker(s)  {label:<26} {rate:8,.0f} req/s   p50 {p50:6.2f} ms"
        f"   p99 {p99:6.2f} ms{note}"
    )


def _reason(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def _load_average() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def run(workers: Sequence[int] = WORKERS) -> Iterator[str]:
    yield (
        f"serving: Keras 8->64->64->1, batch 1, {CONNECTIONS} connections, "
        f"{REQUESTS} requests (TF Serving REST :predict); {os.cpu_count()} cores, "
        f"{_load_average()}"
    )
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "model").mkdir()
        model = _model(folder / "model")
        lite = _lite_model(model, folder)
        for count in workers:
            servers = {
                "HopsML Lab": lambda c=count: _ours(model, c, folder / f"ours-{c}.log"),
                "HopsML Lab, logging all": lambda c=count: _ours(
                    model, c, folder / f"logged-{c}.log", logs=folder / f"Logs-{c}"
                ),
                "HopsML Lab, TF graph": lambda c=count: _ours(
                    model, c, folder / f"graph-{c}.log", "graph"
                ),
                KSERVE: lambda c=count: _kserve(model, c, folder / f"kserve-{c}.log"),
                MLFLOW: lambda c=count: _mlflow(model, c, folder / f"mlflow-{c}.log"),
                f"HopsML Lab, TFLite {LITE_METHOD}": lambda c=count: _ours(
                    lite, c, folder / f"lite-{c}.log"
                ),
            }
            figures = {}
            for label, start in servers.items():
                timed, note = measure, ""
                if label == MLFLOW:
                    timed = _mlflow_measure
                    note = f"   ({MLFLOW_REQUESTS} requests after {MLFLOW_WARMUP}, /invocations)"
                try:
                    figures[label] = _timed(start, timed)
                except (
                    ProcessError,
                    subprocess.CalledProcessError,
                    OSError,
                    EOFError,
                    RuntimeError,
                ) as error:
                    if label not in PEERS:
                        raise
                    yield f"  {count} worker(s)  {label:<26} did not run ({_reason(error)})"
                    continue
                yield _line(count, label, figures[label], note)
            ours = [label for label in servers if label not in PEERS]
            for peer in PEERS:
                if peer in figures:
                    ratios = ", ".join(
                        f"{label} {figures[label][0] / figures[peer][0]:.2f}x" for label in ours
                    )
                    yield f"  {count} worker(s)  req/s against {peer.split(' models')[0]}: {ratios}"
        yield f"  {_load_average()}"
