"""Experiments on a real Spark standalone cluster (master + two workers from pyspark's
bin/spark-class, each with 2 cores and 2 fake GPUs). Each scenario runs in its own
process, since a process holds one SparkContext and the other tests share local[2]."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hopsml_lab import experiment
from hopsml_lab.catalog import ExperimentQuery
from hopsml_lab.engine.spark import GPU_DISCOVERY_SCRIPT, with_gpu_discovery
from hopsml_lab.experiments.run import ExperimentError
from hopsml_lab.lab import Lab

from .cluster_jobs import run_job
from .services import free_port
from .spark_cluster import Cluster, standalone_cluster


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with standalone_cluster(tmp_path_factory.mktemp("spark-cluster")) as running:
        yield running


def _job(
    cluster: Cluster, project: Path, job: str, *args: str, python: str = sys.executable, **conf: str
) -> dict | list:
    """Run ``tests/cluster_jobs/<job>.py`` against the cluster with these Spark settings
    (``spark.*``) and environment variables; returns its last line of JSON."""
    settings = {
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.ui.enabled": "false",
        "spark.executor.cores": "2",
        "spark.executor.memory": "1g",
        "spark.task.maxFailures": "1",
        **{k: v for k, v in conf.items() if k.startswith("spark.")},
    }
    env = {
        "HOPSML_SPARK_MASTER": cluster.master_url,
        "HOPSML_PROJECT_ROOT": str(project),
        "HOPSML_SPARK_CONF": ",".join(f"{k}={v}" for k, v in settings.items()),
        "SPARK_LOCAL_IP": "127.0.0.1",
        **{k: v for k, v in conf.items() if not k.startswith("spark.")},  # variables
    }
    return run_job(job, env, *args, python=python)


def _search(cluster: Cluster, project: Path, trials: int, gpus: int) -> list[dict]:
    results = _job(
        cluster,
        project,
        "gpu_search",
        str(trials),
        str(gpus),
        **{
            "spark.executor.resource.gpu.amount": "2",
            # Start once both executors (4 cores, 4 GPUs) are in, so all can be busy.
            "spark.cores.max": "4",
            "spark.scheduler.minRegisteredResourcesRatio": "1.0",
        },
    )
    assert isinstance(results, list)
    return results


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
        experiment.search(lambda x: x, experiment.Grid({"x": [1]}), gpus=1)
    with pytest.raises(ExperimentError, match="whole GPUs"):
        experiment.search(lambda x: x, experiment.Grid({"x": [1]}), gpus=0.5)  # type: ignore[arg-type]
    assert lab.queries.list_experiments("demo", ExperimentQuery()).total == 0


_SCRIPT = "spark.executor.resource.gpu.discoveryScript"


def test_two_executors_train_one_model_together(cluster: Cluster, tmp_path: Path) -> None:
    ran = _job(cluster, tmp_path / "project", "mirrored_run", TF_USE_LEGACY_KERAS="1")
    assert isinstance(ran, dict)
    assert ran["chief"]["workers"] == 2
    assert ran["other"]["pid"] != ran["chief"]["pid"]
    assert json.loads(ran["other"]["weights"]) == json.loads(ran["chief"]["weights"])


def test_idle_executors_are_released_and_come_back(cluster: Cluster, tmp_path: Path) -> None:
    port = str(free_port())
    ran = _job(
        cluster,
        tmp_path / "project",
        "elastic",
        UI_PORT=port,
        HOPSML_SLOT_IDLE_TIMEOUT="1",
        **{
            "spark.ui.enabled": "true",
            "spark.ui.port": port,
            "spark.dynamicAllocation.enabled": "true",
            "spark.dynamicAllocation.shuffleTracking.enabled": "true",
            "spark.dynamicAllocation.minExecutors": "0",
            "spark.dynamicAllocation.executorIdleTimeout": "2s",
        },
    )
    assert isinstance(ran, dict)
    assert ran["first"], "the first search ran on no executor"
    assert ran["released"] == [], "idle executors were not released"
    assert ran["second"], "no executor came back for the next search"
    assert set(ran["second"]).isdisjoint(ran["first"])  # new ones, not the released
    assert ran["statuses"] == ["finished"] * 4


def _wheel(
    folder: Path, version: str = "1.0", value: str = "installed after Spark started"
) -> Path:
    """A one-module wheel made by hand (pip installs wheels without building them)."""
    import base64
    import hashlib
    import zipfile

    info = f"hopsml_probe-{version}.dist-info"
    files = {
        "hopsml_probe.py": f"VALUE = {value!r}\n",
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: hopsml-probe\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = [
        f"{name},sha256="
        f"{base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b'=').decode()}"
        f",{len(text.encode())}"
        for name, text in files.items()
    ]
    files[f"{info}/RECORD"] = "\n".join([*record, f"{info}/RECORD,,"]) + "\n"
    path = folder / f"hopsml_probe-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


def test_a_package_installed_after_spark_started_reaches_the_trials(
    cluster: Cluster, tmp_path: Path
) -> None:
    # The kernel's environment: a throwaway venv over ours, so installing into it
    # changes nothing else.
    kernel = tmp_path / "kernel-env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(kernel)], check=True)
    ours = next(Path(sys.prefix, "lib").glob("python3*/site-packages"))
    theirs = next(kernel.joinpath("lib").glob("python3*/site-packages"))
    # A site dir, not a plain path: our editable install is itself a .pth file there.
    theirs.joinpath("hopsml-parent.pth").write_text(
        f"import site; site.addsitedir({str(ours)!r})\n"
    )
    ran = _job(
        cluster,
        tmp_path / "project",
        "installed_later",
        str(_wheel(tmp_path)),
        python=str(kernel / "bin" / "python"),
    )
    assert ran == {"before": [None, None], "after": ["installed after Spark started"] * 2}


def test_executors_that_cannot_run_our_code_fail_the_trials_not_hang(
    cluster: Cluster, tmp_path: Path
) -> None:
    # Executors on a bare interpreter (pyspark comes from Spark; hopsml_lab does not).
    bare = Path(sys.base_prefix, "bin", "python3")
    ran = _job(cluster, tmp_path / "project", "plain_search", PYSPARK_PYTHON=str(bare))
    assert isinstance(ran, list) and [t["status"] for t in ran] == ["failed"] * 3
    assert all("trial slots could not start on Spark" in t["error"] for t in ran)
    assert all("hopsml_lab" in t["error"] for t in ran), ran[0]["error"]


def test_a_shipped_environment_runs_the_trials_and_is_shipped_again_when_it_changes(
    cluster: Cluster, tmp_path: Path
) -> None:
    # The executors' environment: a small venv with hopsml_lab (its executor side needs
    # only the standard library) and a probe package, shipped as an archive.
    shipped = tmp_path / "executor-env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(shipped)], check=True)
    site = next(shipped.joinpath("lib").glob("python3*/site-packages"))
    shutil.copytree(
        Path(experiment.__file__).parent,
        site / "hopsml_lab",
        ignore=shutil.ignore_patterns("labextension", "__pycache__"),
    )
    first, second = _wheel(tmp_path, "1.0", "first"), _wheel(tmp_path, "2.0", "second")
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--prefix", str(shipped)]
    subprocess.run([*pip, str(first)], check=True)
    ran = _job(
        cluster,
        tmp_path / "project",
        "shipped_env",
        " ".join([*pip, str(second)]),
        HOPSML_SHIP_ENVIRONMENT=str(shipped),
    )
    assert isinstance(ran, dict)
    assert ran["before"] == ["first", "first"] and ran["after"] == ["second", "second"]
    assert all(path.endswith("/environment/bin") for path in ran["interpreters"]), ran
    archives = sorted(p.name for p in (tmp_path / "project" / "Environments").iterdir())
    assert len(archives) == 2  # packed once per change


def test_a_parameter_server_cluster_trains_from_its_chief(cluster: Cluster, tmp_path: Path) -> None:
    ran = _job(cluster, tmp_path / "project", "parameter_server_run", TF_USE_LEGACY_KERAS="1")
    assert isinstance(ran, dict)
    assert ran["jobs"] == {"chief": 1, "worker": 1, "ps": 1}
    assert ran["loss"] < ran["first_loss"]  # it learned, through the servers
