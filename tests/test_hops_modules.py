"""hops.hdfs / hops.tensorboard / hops.devices names, on the local store and on HDFS.

The HDFS runs use the WebHDFS protocol double (no namenode can be installed here).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hopsml_lab import devices, experiment, hdfs, tensorboard
from hopsml_lab.lab import Lab
from hopsml_lab.store import StorePathError


def test_project_path_ends_with_a_slash_and_joins(project: Path) -> None:
    path = hdfs.project_path()
    assert path.endswith("/")
    hdfs.dump("x", path + "Resources/a.txt")  # notebooks append to it
    assert (project / "Resources" / "a.txt").read_text() == "x"


def test_dump_load_exists_ls(project: Path) -> None:
    hdfs.dump("text", "Resources/t.txt")
    hdfs.dump(b"\x00bytes", "Resources/sub/b.bin")
    assert hdfs.load("Resources/t.txt") == b"text"
    assert hdfs.exists("Resources/sub/b.bin") and not hdfs.exists("Resources/none")
    base = hdfs.project_path()
    assert hdfs.ls("Resources") == [base + "Resources/sub", base + "Resources/t.txt"]
    assert base + "Resources/sub/b.bin" in hdfs.ls("Resources", recursive=True)
    hdfs.delete("Resources/sub", recursive=True)
    assert not hdfs.exists("Resources/sub")


def test_copy_to_hdfs_and_back(project: Path, tmp_path: Path) -> None:
    local = tmp_path / "model"
    (local / "variables").mkdir(parents=True)
    (local / "saved_model.pb").write_bytes(b"graph")
    (local / "variables" / "v.data").write_bytes(b"weights")
    hdfs.mkdir("Resources")
    hdfs.copy_to_hdfs(str(local), "Resources")  # an existing folder: copied into it
    assert (project / "Resources" / "model" / "variables" / "v.data").read_bytes() == b"weights"
    with pytest.raises(FileExistsError, match="overwrite=True"):
        hdfs.copy_to_hdfs(str(local), "Resources")
    hdfs.copy_to_hdfs(str(local / "saved_model.pb"), "Resources/graph.pb")  # a new name
    assert (project / "Resources" / "graph.pb").read_bytes() == b"graph"

    back = tmp_path / "back"
    back.mkdir()
    copied = hdfs.copy_to_local("Resources/model", str(back))
    assert copied == str(back / "model")
    assert (back / "model" / "variables" / "v.data").read_bytes() == b"weights"


def test_paths_outside_the_project_are_refused(project: Path) -> None:
    with pytest.raises(StorePathError, match="outside the project"):
        hdfs.dump("x", "/etc/passwd")
    with pytest.raises(StorePathError):
        hdfs.load("../../secrets")


def test_inside_a_trial_tensorboard_and_hdfs_use_the_trial_folder(lab: Lab) -> None:
    def train() -> dict[str, object]:
        from hopsml_lab import devices, hdfs, tensorboard

        folder = tensorboard.logdir()
        hdfs.dump("event", folder + "/events.out.tfevents.1")
        return {"metric": 1.0, "logdir": folder, "gpus": devices.get_num_gpus()}

    result = experiment.run(train, name="tb")
    trial = result.trials[0]
    assert trial.results["logdir"] == trial.logdir
    assert (Path(trial.logdir) / "events.out.tfevents.1").read_text() == "event"
    assert trial.results["gpus"] == 0  # local[2] hands out no GPUs
    assert tensorboard.logdir() is None  # outside a trial


def test_gpus_come_from_cuda_visible_devices_outside_spark(monkeypatch) -> None:
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,3")
    assert devices.get_num_gpus() == 2
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "-1")
    assert devices.get_num_gpus() == 0
