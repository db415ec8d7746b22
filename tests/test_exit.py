"""A plain script that ends normally after a search prints nothing at exit.

The script's trial slots stay connected, idle, when its last line has run; at
interpreter exit they used to get EOF from the vanishing driver and Spark printed
their ``EOFError`` tracebacks (a slot still connecting printed one from the handshake).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.spark, pytest.mark.timeout(300)]

RUNS = 3  # 12-25 s each (a Spark start); before the fix, every run here printed them
SCRIPT = """
from hopsml_lab import experiment

print(experiment.grid_search(lambda x: x, {"x": [1, 2, 3, 4]}))
"""


def run_script(project: Path) -> subprocess.CompletedProcess[str]:
    project.mkdir()
    env = {
        **os.environ,
        "HOPSML_PROJECT_ROOT": str(project),
        "HOPSML_SPARK_MASTER": "local[2]",
        "HOPSML_SPARK_CONF": "spark.ui.enabled=false",
    }
    for name in ("HOPSML_CATALOG_URL", "PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON"):
        env.pop(name, None)
    # Waits for the pipes' end: Spark's JVM, which prints the executors' errors, too.
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )


def test_a_script_that_ends_normally_prints_no_traceback_at_exit(tmp_path: Path) -> None:
    for run in range(RUNS):
        done = run_script(tmp_path / f"project-{run}")
        assert done.returncode == 0, done.stderr
        assert "{'x': 4}" in done.stdout  # the search ran: the best trial's params
        assert "Traceback" not in done.stderr, f"run {run + 1}:\n{done.stderr}"
        assert "EOFError" not in done.stderr, f"run {run + 1}:\n{done.stderr}"
        # Nor Spark's complaints about slot tasks it had to kill or saw fail.
        assert " ERROR " not in done.stderr, f"run {run + 1}:\n{done.stderr}"
        assert "Lost task" not in done.stderr, f"run {run + 1}:\n{done.stderr}"
