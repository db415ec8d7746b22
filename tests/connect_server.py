"""pyspark's own Spark Connect server (the connect jar ships in pyspark), on 127.0.0.1,
running local[2] with this environment's Python for its workers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .services import free_port
from .spark_cluster import SPARK_HOME


@contextmanager
def connect_server(folder: Path) -> Iterator[str]:
    """Yield the ``sc://127.0.0.1:PORT`` address of a running Spark Connect server."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {
        **os.environ,
        "SPARK_HOME": str(SPARK_HOME),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "PYSPARK_PYTHON": sys.executable,
    }
    log = open(folder / "connect-server.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [
            str(SPARK_HOME / "bin" / "spark-submit"),
            "--class",
            "org.apache.spark.sql.connect.service.SparkConnectServer",
            "--master",
            "local[2]",
            *("--conf", "spark.connect.grpc.binding.address=127.0.0.1"),
            *("--conf", f"spark.connect.grpc.binding.port={port}"),
            *("--conf", "spark.ui.enabled=false"),
            *("--conf", "spark.driver.host=127.0.0.1"),
            *("--conf", "spark.python.worker.reuse=true"),
            "spark-internal",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert server.poll() is None, f"Spark Connect exited; see {folder}"
            assert time.monotonic() < deadline, f"Spark Connect did not start; see {folder}"
            time.sleep(0.3)
        yield f"sc://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
