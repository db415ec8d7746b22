"""On a real Spark standalone cluster (master and workers from pyspark's bin/spark-class
on this machine, 1 core each): the dispatch of instant trials, and a 40-trial search of
CPU-bound trials on 1 worker against 2 workers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

DISPATCH_TRIALS = 300
SCALING_TRIALS = 40


def _job(master: str, kind: str, trials: int) -> list[float]:
    with tempfile.TemporaryDirectory() as project:
        conf = {
            "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.ui.enabled": "false",
            "spark.executor.cores": "1",
            "spark.executor.memory": "1g",
        }
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PYSPARK_")},
            "HOPSML_SPARK_MASTER": master,
            "HOPSML_PROJECT_ROOT": project,
            "HOPSML_SPARK_CONF": ",".join(f"{k}={v}" for k, v in conf.items()),
            "SPARK_LOCAL_IP": "127.0.0.1",
        }
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.cluster_job", kind, str(trials)],
            cwd=Path(__file__).parents[1],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(done.stderr[-2000:])
        return json.loads(done.stdout.strip().splitlines()[-1])


def run() -> list[str]:
    from tests.spark_cluster import standalone_cluster

    lines = ["standalone cluster on this machine (workers of 1 core each)"]
    with tempfile.TemporaryDirectory() as folder:
        with standalone_cluster(Path(folder, "two"), workers=2, cores=1, gpus_per_worker=0) as c:
            dispatch = _job(c.master_url, "dispatch", DISPATCH_TRIALS)
            two = _job(c.master_url, "scaling", SCALING_TRIALS)[0]
        with standalone_cluster(Path(folder, "one"), workers=1, cores=1, gpus_per_worker=0) as c:
            one = _job(c.master_url, "scaling", SCALING_TRIALS)[0]
    per_trial = [s * 1000 / DISPATCH_TRIALS for s in dispatch]
    lines += [
        f"  dispatch, {DISPATCH_TRIALS} instant trials on 2 workers, each recorded: "
        f"{min(per_trial):.2f} ms/trial (best of 3: {', '.join(f'{t:.2f}' for t in per_trial)})",
        f"  {SCALING_TRIALS} trials of 0.25 s CPU: 1 worker {one:.1f} s, 2 workers {two:.1f} s",
        f"  scaling 1 -> 2 workers: {one / two:.2f}x (ideal 2x)",
    ]
    return lines
