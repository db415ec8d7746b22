"""``mlflow models serve`` on a Keras model, run in the mlflow_serving peer's venv:
``python mlflow_serve.py MODEL.keras FOLDER PORT WORKERS``. Saves the model as an MLflow
model (its keras flavor, the one MLflow 3 has for Keras 3) under FOLDER, then runs
MLflow's scoring server on it (``--env-manager local``: this venv) until terminated.

The scoring server runs in its own process group (its workers are children of its
master), so a SIGTERM to this script stops all of them."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import keras
import mlflow


def save(model_path: str, folder: Path) -> Path:
    target = folder / "mlflow_model"
    mlflow.keras.save_model(keras.models.load_model(model_path, compile=False), str(target))
    return target


def serve(model: Path, port: int, workers: int) -> int:
    bin_dir = Path(sys.executable).parent
    command = ["models", "serve", "-m", str(model), "--env-manager", "local"]
    command += ["-h", "127.0.0.1", "-p", str(port), "-w", str(workers)]
    server = subprocess.Popen(
        [str(bin_dir / "mlflow"), *command],
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
        start_new_session=True,
    )

    def stop(signum: int, frame: object) -> None:
        os.killpg(server.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(3)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        return server.wait()
    finally:  # whatever is left of the group, the master gone or not
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)


if __name__ == "__main__":
    path, folder, port, workers = sys.argv[1:]
    sys.exit(serve(save(path, Path(folder)), int(port), int(workers)))
