"""Spark Connect: launches and searches on a remote cluster from a thin kernel, against
pyspark's own Connect server (a real server process; the kernel has no SparkContext)."""

from __future__ import annotations

from pathlib import Path

from .cluster_jobs import run_job
from .connect_server import connect_server


def test_a_thin_kernel_runs_launches_and_searches_through_spark_connect(tmp_path: Path) -> None:
    with connect_server(tmp_path / "connect") as remote:
        env = {"HOPSML_SPARK_MASTER": remote, "HOPSML_PROJECT_ROOT": str(tmp_path / "project")}
        ran = run_job("thin_kernel", env, timeout=240)
    assert ran["connect"] is True
    assert ran["launched"]["accuracy"] == 0.9
    assert ran["launched"]["pid"] != ran["kernel_pid"]  # ran on the server's workers
    assert ran["best"] == {"lr": 0.1}
    assert ran["returned"]["accuracy"] == 0.9
