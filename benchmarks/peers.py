"""Peers run in their own virtual environments so their pins never touch ours."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
PEERS = HERE / ".peers"
PINS = HERE / "peers.txt"


def _requirements(name: str) -> list[str]:
    for line in PINS.read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].split()
    raise KeyError(f"no peer {name!r} in {PINS}")


def peer_python(name: str) -> Path:
    """The peer's interpreter, creating its venv on first use."""
    venv = PEERS / name
    python = venv / "bin" / "python"
    marker = venv / ".installed"
    wanted = " ".join(_requirements(name))
    if not marker.exists() or marker.read_text() != wanted:
        print(f"  (installing peer {name}: {wanted})", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", *_requirements(name)], check=True
        )
        marker.write_text(wanted)
    return python


def run_peer(name: str, task: str, **options: object) -> list[float]:
    """Run ``peer_scripts/<name>_bench.py TASK`` in the peer's venv; return its samples (ms)."""
    script = HERE / "peer_scripts" / f"{name}_bench.py"
    args = [str(peer_python(name)), str(script), task]
    for key, value in options.items():
        args += [f"--{key}", str(value)]
    # The peer runs its own interpreter: none of our Spark settings may leak into it.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYSPARK_", "SPARK_"))}
    result = subprocess.run(args, check=True, capture_output=True, text=True, env=env)
    return json.loads(result.stdout.strip().splitlines()[-1])["samples_ms"]
