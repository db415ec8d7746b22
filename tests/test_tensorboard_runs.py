"""How trials become TensorBoard runs: names by hyperparameters, links, logdir specs."""

from __future__ import annotations

from pathlib import Path

from hopsml_lab.catalog import TrialLogdir
from hopsml_lab.tensorboards import board_id
from hopsml_lab.tensorboards.runs import link_runs, logdir_spec, run_names


def _trial(experiment: str, name: str, key: str, params: dict, logdir: str = "/x") -> TrialLogdir:
    return TrialLogdir(experiment, name, key, params, logdir)


def test_one_experiment_names_runs_by_hyperparameters() -> None:
    trials = [
        _trial("e1", "churn", "trial_0", {"lr": 0.001, "act": "relu"}),
        _trial("e1", "churn", "trial_1", {"lr": 0.1, "act": "tanh/x"}),
        _trial("e1", "churn", "trial_2", {}),
    ]
    assert run_names(trials) == ["lr=0.001 act=relu", "lr=0.1 act=tanh|x", "trial_2"]


def test_several_experiments_are_folders_and_names_stay_unique() -> None:
    trials = [
        _trial("e1", "churn", "trial_0", {"lr": 0.1}),
        _trial("e2", "churn", "trial_0", {"lr": 0.1}),
        _trial("e3", "asha", "trial_0", {"lr": 0.1}),
        _trial("e3", "asha", "trial_1", {"lr": 0.1}),  # the same params again
    ]
    assert run_names(trials) == [
        "churn (e1)/lr=0.1",
        "churn (e2)/lr=0.1",
        "asha/lr=0.1 (trial_0)",
        "asha/lr=0.1 (trial_1)",
    ]


def test_links_are_only_added_so_a_running_tensorboard_keeps_its_runs(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    first = _trial("e1", "grid", "trial_0", {"lr": 0.1}, str(tmp_path / "t0"))
    assert link_runs(runs, [first]) == 1
    later = _trial("e1", "grid", "trial_1", {"lr": 0.2}, str(tmp_path / "t1"))
    assert link_runs(runs, [first, later]) == 1  # only the new trial
    assert link_runs(runs, [first, later]) == 0
    assert (runs / "lr=0.2").resolve() == tmp_path / "t1"
    assert (tmp_path / "t1").is_dir()  # made, so TensorBoard can watch it before it runs


def test_hdfs_experiments_become_a_logdir_spec() -> None:
    spec = logdir_spec([("churn", "hdfs://nn/p/Experiments/e1"), ("a,b:c", "hdfs://nn/e2")])
    assert spec == "churn:hdfs://nn/p/Experiments/e1,a;b=c:hdfs://nn/e2"


def test_a_set_has_one_id_whatever_the_order() -> None:
    assert board_id(["b", "a"]) == board_id(["a", "b", "a"]) != board_id(["a"])
