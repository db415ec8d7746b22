"""GPU scheduling on a real Spark standalone cluster (master + two workers from
pyspark's bin/spark-class, each with 2 cores and 2 fake GPUs): every trial gets its
own GPUs through Spark's task resources and sees only those."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hopsml_lab import experiment
from hopsml_lab.catalog import ExperimentQuery
from hopsml_lab.engine.spark import GPU_DISCOVERY_SCRIPT, with_gpu_discovery
from hopsml_lab.lab import Lab
from hopsml_lab.runs import ExperimentError

from .spark_cluster import Cluster, standalone_cluster

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with standalone_cluster(tmp_path_factory.mktemp("spark-cluster")) as running:
        yield running


def _search(cluster: Cluster, project: Path, trials: int, gpus: int) -> list[dict]:
    env = {
        **os.environ,
        "HOPSML_SPARK_MASTER": cluster.master_url,
        "HOPSML_PROJECT_ROOT": str(project),
        "HOPSML_SPARK_CONF": ",".join(
            [
                "spark.driver.host=127.0.0.1",
                "spark.driver.bindAddress=127.0.0.1",
                "spark.ui.enabled=false",
                "spark.executor.cores=2",
                "spark.executor.memory=1g",
                "spark.executor.resource.gpu.amount=2",
            ]
        ),
        "SPARK_LOCAL_IP": "127.0.0.1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.cluster_jobs.gpu_search", str(trials), str(gpus)],
        cwd=HERE.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _overlap(a: dict, b: dict) -> bool:
    return a["started"] < b["ended"] and b["started"] < a["ended"]


@pytest.mark.parametrize(("trials", "gpus", "at_once"), [(6, 1, 4), (4, 2, 2)])
def test_concurrent_trials_never_share_a_gpu_and_extra_trials_queue(
    cluster: Cluster, tmp_path: Path, trials: int, gpus: int, at_once: int
) -> None:
    results = _search(cluster, tmp_path / "project", trials, gpus)
    assert [r["status"] for r in results] == ["finished"] * trials, results
    every_gpu = {a for addresses in cluster.gpus.values() for a in addresses}
    for result in results:
        visible = result["visible"].split(",")
        assert len(visible) == gpus and set(visible) <= every_gpu, result
        assert result["gpus"] == gpus  # devices.get_num_gpus() answers for the trial
    for a, b in itertools.combinations(results, 2):
        if _overlap(a, b):
            assert not set(a["visible"].split(",")) & set(b["visible"].split(",")), (a, b)
    # 4 GPUs in the cluster: never more trials at once than they can hold.
    running = [sum(b["started"] <= a["started"] < b["ended"] for b in results) for a in results]
    assert max(running) == at_once


def test_the_discovery_script_lists_what_nvidia_smi_sees(tmp_path: Path) -> None:
    fake = tmp_path / "nvidia-smi"
    fake.write_text("#!/bin/sh\nprintf '0\\n1\\n3\\n'\n")
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    found = subprocess.run([str(GPU_DISCOVERY_SCRIPT)], env=env, capture_output=True, text=True)
    assert json.loads(found.stdout) == {"name": "gpu", "addresses": ["0", "1", "3"]}
    env["PATH"] = "/usr/bin:/bin"  # no nvidia-smi: no GPUs, still valid JSON
    found = subprocess.run([str(GPU_DISCOVERY_SCRIPT)], env=env, capture_output=True, text=True)
    assert json.loads(found.stdout) == {"name": "gpu", "addresses": []}


def test_executors_asking_for_gpus_get_the_discovery_script() -> None:
    conf = with_gpu_discovery({"spark.executor.resource.gpu.amount": "2"})
    assert conf["spark.executor.resource.gpu.discoveryScript"] == str(GPU_DISCOVERY_SCRIPT)
    own = {"spark.executor.resource.gpu.amount": "1", _SCRIPT: "/opt/mine.sh"}
    assert with_gpu_discovery(own)[_SCRIPT] == "/opt/mine.sh"
    assert with_gpu_discovery({}) == {}


def test_gpus_in_local_mode_are_refused_before_anything_runs(lab: Lab) -> None:
    with pytest.raises(ExperimentError, match="local mode cannot give tasks GPUs"):
        experiment.search(lambda x: x, grid={"x": [1]}, gpus=1)
    with pytest.raises(ExperimentError, match="whole GPUs"):
        experiment.search(lambda x: x, grid={"x": [1]}, gpus=0.5)  # type: ignore[arg-type]
    assert lab.queries.list_experiments("demo", ExperimentQuery()).total == 0


_SCRIPT = "spark.executor.resource.gpu.discoveryScript"
