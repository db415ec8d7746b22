"""A real Spark standalone cluster for the tests: a master and workers started from
pyspark's own ``bin/spark-class``, on 127.0.0.1, each worker with its own cores and
GPUs reported by a discovery script that prints fake addresses (no GPU here), so that
Spark's GPU scheduling runs for real."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyspark

from .services import free_port

SPARK_HOME = Path(pyspark.__file__).parent


@dataclass
class Cluster:
    master_url: str  # spark://127.0.0.1:PORT
    web_url: str  # the master's UI and JSON state
    gpus: dict[str, list[str]]  # worker name -> its (fake) GPU addresses

    def state(self) -> dict:
        with urllib.request.urlopen(f"{self.web_url}/json/", timeout=10) as response:
            return json.load(response)


def _fake_discovery(path: Path, addresses: list[str]) -> Path:
    quoted = ", ".join(f'"{a}"' for a in addresses)
    path.write_text(f'#!/bin/sh\necho \'{{"name": "gpu", "addresses": [{quoted}]}}\'\n')
    path.chmod(0o755)
    return path


@contextmanager
def standalone_cluster(
    folder: Path, workers: int = 2, cores: int = 2, gpus_per_worker: int = 2
) -> Iterator[Cluster]:
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "SPARK_HOME": str(SPARK_HOME),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_LOG_DIR": str(folder / "logs"),
        "SPARK_WORKER_DIR": str(folder / "work"),
    }
    spark_class = str(SPARK_HOME / "bin" / "spark-class")
    port, web = free_port(), free_port()
    processes: list[subprocess.Popen] = []
    logs = []

    def start(name: str, args: list[str], extra: dict[str, str]) -> None:
        log = open(folder / f"{name}.log", "wb")  # noqa: SIM115 - closed at the end
        logs.append(log)
        processes.append(
            subprocess.Popen(
                [spark_class, *args], env={**env, **extra}, stdout=log, stderr=subprocess.STDOUT
            )
        )

    start(
        "master",
        [
            "org.apache.spark.deploy.master.Master",
            *("--host", "127.0.0.1", "--port", str(port), "--webui-port", str(web)),
        ],
        {},
    )
    gpus: dict[str, list[str]] = {}
    for n in range(workers):
        # Distinct addresses per worker stand for distinct hosts' GPUs.
        addresses = [str(n * gpus_per_worker + g) for g in range(gpus_per_worker)]
        options = ""
        if gpus_per_worker:
            script = _fake_discovery(folder / f"gpus-{n}.sh", addresses)
            options = (
                f"-Dspark.worker.resource.gpu.amount={gpus_per_worker} "
                f"-Dspark.worker.resource.gpu.discoveryScript={script}"
            )
        start(
            f"worker-{n}",
            [
                "org.apache.spark.deploy.worker.Worker",
                f"spark://127.0.0.1:{port}",
                *("--host", "127.0.0.1", "--cores", str(cores), "--memory", "2g"),
                *("--webui-port", str(free_port()), "--work-dir", str(folder / f"work-{n}")),
            ],
            {"SPARK_WORKER_OPTS": options},
        )
        gpus[f"worker-{n}"] = addresses
    cluster = Cluster(f"spark://127.0.0.1:{port}", f"http://127.0.0.1:{web}", gpus)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if len(cluster.state()["workers"]) == workers:
                    break
            except OSError:
                pass
            dead = [p.args[1] for p in processes if p.poll() is not None]
            assert not dead, f"Spark {dead} exited; see {folder}/*.log"
            assert time.monotonic() < deadline, f"the cluster did not start; see {folder}"
            time.sleep(0.3)
        yield cluster
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()
