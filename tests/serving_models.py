"""Helpers shared by the serving tests: a module's own Lab whose deployments stop at its
end, whether a port is free again, and a tiny Python predictor model (a numpy weight
vector and a script) saved in versions that say which version and which server process
answered."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hopsml_lab.deployments import DeploymentService
from hopsml_lab.lab import Lab, set_lab
from hopsml_lab.settings import Settings

PREDICTOR = """
import os, time
import numpy as np

class Predict:
    def __init__(self):
        files = os.environ["MODEL_FILES_PATH"]
        if os.path.exists(os.path.join(os.path.dirname(__file__), "crash")):
            raise RuntimeError("told to crash while loading")
        self.weights = np.load(os.path.join(files, "weights.npy"))
        self.version = int(open(os.path.join(files, "version.txt")).read())

    def predict(self, inputs):
        time.sleep(0.01)  # long enough for concurrent requests to meet several servers
        rows = np.asarray(inputs, dtype=float) @ self.weights
        return [{"y": float(y), "version": self.version, "pid": os.getpid()} for y in rows]
"""


def serving_lab(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Lab]:
    """A Lab in a fresh folder ``name`` with its own SQLite catalog, set as the current
    Lab while the caller's fixture lasts; then the deployments it started are stopped."""
    root = tmp_path_factory.mktemp(name)
    lab = Lab(Settings(project_root=str(root / "project"), catalog_url=f"sqlite:///{root}/c.db"))
    set_lab(lab)
    yield lab
    DeploymentService.here().stop_own()
    set_lab(None)
    lab.db.dispose()


def port_free(port: int) -> bool:
    """Nothing listens on ``port`` and a new server can take it (as servers bind: with
    SO_REUSEADDR, past the TIME_WAIT of closed connections)."""
    with socket.socket() as client:
        if client.connect_ex(("127.0.0.1", port)) == 0:
            return False
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
            probe.listen()
        except OSError:
            return False
        return True


def save_versions(mr: Any, name: str, folder: Path, versions: int = 2) -> Path:
    """Save model ``name`` in ``versions`` versions (weights [1, 2] times the version)
    with hsml's Python flavour; the predictor script's path."""
    script = folder / "predictor.py"
    script.write_text(PREDICTOR)
    for version in range(1, versions + 1):
        files = folder / f"v{version}"
        files.mkdir()
        np.save(files / "weights.npy", np.array([1.0, 2.0]) * version)
        (files / "version.txt").write_text(str(version))
        mr.python.create_model(name).save(str(files))
    return script


def saved_lin(tmp_path_factory: pytest.TempPathFactory, versions: int = 1) -> Path:
    """Model ``lin`` saved in ``versions`` versions in the current Lab's registry (see
    ``save_versions``); its predictor script's path."""
    from hopsml_lab import hopsworks

    mr = hopsworks.login().get_model_registry()
    return save_versions(mr, "lin", tmp_path_factory.mktemp("lin"), versions)
