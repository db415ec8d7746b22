"""Peers run in their own virtual environments so their pins never touch ours.

The one place that makes a peer's venv: the benchmarks use it, and so do the tests that
compare with a peer (``tests/test_validation_ge.py`` runs Great Expectations itself).
Each peer's pins are a line of ``peers.txt``; its venv is made under ``.peers/<name>``
(gitignored) on first use, from the package registry, and made again when its pins
change.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
PEERS = HERE / ".peers"
PINS = HERE / "peers.txt"


def _pins(name: str) -> list[str]:
    for line in PINS.read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].split()
    raise KeyError(f"no peer {name!r} in {PINS}")


def _requirements(name: str) -> list[str]:
    return [pin for pin in _pins(name) if not pin.startswith("python=")]


def _interpreter(name: str) -> str:
    """Ours, or the ``python=X.Y`` a peer's pins name (on PATH or in pyenv's versions), for
    a peer whose pins install only on an older Python."""
    wanted = [pin.split("=", 1)[1] for pin in _pins(name) if pin.startswith("python=")]
    if not wanted:
        return sys.executable
    version = wanted[0]
    installed = sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python"))
    found = str(installed[-1]) if installed else shutil.which(f"python{version}")
    if found is None:
        raise FileNotFoundError(
            f"peer {name!r} needs Python {version} (python{version} on PATH, or "
            f"`pyenv install {version}`)"
        )
    return found


def peer_python(name: str) -> Path:
    """The peer's interpreter, creating its venv on first use (one process at a time:
    a second waits for the first's install)."""
    venv = PEERS / name
    python = venv / "bin" / "python"
    marker = venv / ".installed"
    wanted = " ".join(_pins(name))
    PEERS.mkdir(exist_ok=True)
    with open(PEERS / f".{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.exists() or marker.read_text() != wanted:
            print(f"  (installing peer {name}: {wanted})", flush=True)
            shutil.rmtree(venv, ignore_errors=True)  # a half-made venv from a failed try
            subprocess.run([_interpreter(name), "-m", "venv", str(venv)], check=True)
            subprocess.run(
                [str(python), "-m", "pip", "install", "-q", *_requirements(name)], check=True
            )
            marker.write_text(wanted)
    return python


def peer_env() -> dict[str, str]:
    """Our environment less what must not leak into a peer's interpreter (our Spark
    settings)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYSPARK_", "SPARK_"))}


def run_peer(name: str, task: str, script: str | None = None, **options: object) -> list[float]:
    """Run ``peer_scripts/<script or name>_bench.py TASK`` in the peer's venv; return its
    samples (ms)."""
    path = HERE / "peer_scripts" / f"{script or name}_bench.py"
    args = [str(peer_python(name)), str(path), task]
    for key, value in options.items():
        args += [f"--{key}", str(value)]
    result = subprocess.run(args, check=True, capture_output=True, text=True, env=peer_env())
    return json.loads(result.stdout.strip().splitlines()[-1])["samples_ms"]
