"""Serving the small Keras model (8 -> 64 -> 64 -> 1), batch 1, 10 connections: HopsML
Lab's model server against KServe's Python model server (its own venv, the same model
called the same way), with the same number of workers, side by side; then ours again on
the same model converted to TensorFlow Lite (``model.optimize``'s converter, int8
weights).

One asyncio client keeps 10 HTTP/1.1 keep-alive connections busy with TF Serving
``:predict`` requests (``{"instances": [[8 floats]]}``) and times each.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from hopsml_lab.processes import ChildServer

from .peers import peer_python

HERE = Path(__file__).parent
NAME = "small"
CONNECTIONS = 10
WARMUP = 300
REQUESTS = 3000
WORKERS = (1,)  # KServe 0.21's --workers 2 restarts its spawned workers in a loop here
LITE_METHOD = "dynamic-int8"


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


async def _client(port: int, count: int, latencies: list[float], body: bytes) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = (
        f"POST /v1/models/{NAME}:predict HTTP/1.1\r\nHost: 127.0.0.1\r\n"
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


async def _load(port: int, total: int) -> tuple[float, list[float]]:
    body = json.dumps({"instances": [[0.1 * i for i in range(8)]]}).encode()
    latencies: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(
        *(_client(port, total // CONNECTIONS, latencies, body) for _ in range(CONNECTIONS))
    )
    return len(latencies) / (time.perf_counter() - started), latencies


def measure(port: int) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) over REQUESTS requests after a warm-up."""
    asyncio.run(_load(port, WARMUP))
    rate, latencies = asyncio.run(_load(port, REQUESTS))
    latencies.sort()
    return rate, statistics.median(latencies), latencies[int(len(latencies) * 0.99) - 1]


def _serve(label: str, command, log: Path) -> ChildServer:  # type: ignore[no-untyped-def]
    server = ChildServer(label, command, log, ready_path=f"v2/models/{NAME}/ready")
    server.start()
    server.wait_ready(180)
    return server


def _ours(model: Path, workers: int, log: Path) -> ChildServer:
    return _serve(
        "ours",
        lambda port: [
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
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        log,
    )


def _kserve(model: Path, workers: int, log: Path) -> ChildServer:
    python = str(peer_python("kserve"))
    script = str(HERE / "peer_scripts" / "kserve_serve.py")
    return _serve(
        "kserve", lambda port: [python, script, str(model), NAME, str(port), str(workers)], log
    )


def run(workers: Sequence[int] = WORKERS) -> Iterator[str]:
    yield (
        f"serving: Keras 8->64->64->1, batch 1, {CONNECTIONS} connections, "
        f"{REQUESTS} requests (TF Serving REST :predict)"
    )
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "model").mkdir()
        model = _model(folder / "model")
        lite = _lite_model(model, folder)
        for count in workers:
            figures = {}
            for label, start in (("HopsML Lab", _ours), ("KServe 0.21", _kserve)):
                server = start(model, count, folder / f"{label[:4]}-{count}.log")
                try:
                    figures[label] = measure(server.port)
                finally:
                    server.stop()
                rate, p50, p99 = figures[label]
                yield (
                    f"  {count} worker(s)  {label:<12} {rate:8,.0f} req/s   p50 {p50:6.2f} ms"
                    f"   p99 {p99:6.2f} ms"
                )
            ratio = figures["HopsML Lab"][0] / figures["KServe 0.21"][0]
            yield f"  {count} worker(s)  ratio (ours / KServe): {ratio:.2f}x req/s"
            server = _ours(lite, count, folder / f"lite-{count}.log")
            try:
                rate, p50, p99 = measure(server.port)
            finally:
                server.stop()
            yield (
                f"  {count} worker(s)  ours, TFLite {LITE_METHOD}: {rate:8,.0f} req/s   "
                f"p50 {p50:6.2f} ms   p99 {p99:6.2f} ms"
            )
