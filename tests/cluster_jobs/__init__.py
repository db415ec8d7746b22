"""Scenarios that each need a SparkContext (or Spark Connect client) of their own, run
as ``python -m tests.cluster_jobs.<name>``; each prints its findings as one JSON line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[2]


def run_job(
    job: str, env: dict[str, str], *args: str, python: str = sys.executable, timeout: int = 300
) -> Any:
    """Run the job with ``env`` over this environment (less this process's PYSPARK_*: the
    job's executors run the job's interpreter); returns its last line of JSON."""
    done = subprocess.run(
        [python, "-m", f"tests.cluster_jobs.{job}", *args],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("PYSPARK_")}, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
