"""How trials become TensorBoard runs: names by hyperparameters, links, logdir specs."""

from __future__ import annotations

import os
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


def _links(runs: Path) -> dict[Path, Path]:
    """Every link under ``runs`` (at any depth) and the folder it points at."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(runs):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            if path.is_symlink():
                found[path] = Path(os.readlink(path))
    return found


# Names a user may give an experiment, a trial key or a parameter, each hostile to paths.
HOSTILE = ["..", ".", "../../etc", "/", "\\", "a\x00b", ".hidden", "x" * 1000, "é" * 300]


def test_hostile_experiment_names_stay_inside_the_runs_folder(tmp_path: Path) -> None:
    runs = tmp_path / "boards" / "runs"
    trials = [
        _trial(f"e{n}", name, "trial_0", {"lr": 0.1}, str(tmp_path / "trials" / f"{n}"))
        for n, name in enumerate(HOSTILE)
    ]
    assert link_runs(runs, trials) == len(trials)

    links = _links(runs)
    assert sorted(map(str, links.values())) == sorted(t.logdir for t in trials)  # one each
    for link in links:
        assert link.parent.parent == runs, link  # <experiment>/<params>, nothing deeper
        assert os.path.commonpath([runs.resolve(), link.parent.resolve()]) == str(runs.resolve())
        assert len(link.parent.name.encode()) <= 255 and len(link.name.encode()) <= 255
        assert not link.parent.name.startswith(".")
    assert sorted(p.name for p in (tmp_path / "boards").iterdir()) == ["runs"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["boards", "trials"]
    folders = {link.parent.name for link in links}  # readable still
    assert {"_..", "_.", "_..|..|etc", "| (e3)", "| (e4)", "a b", "_.hidden"} <= folders
    assert any(f.startswith("x" * 100) for f in folders)
    assert any(f.startswith("é" * 40) for f in folders)


def test_hostile_trial_keys_and_params_stay_inside_the_runs_folder(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    trials = [
        _trial("e1", "grid", key, {}, str(tmp_path / "trials" / f"k{n}"))
        for n, key in enumerate(HOSTILE)
    ] + [
        _trial("e1", "grid", f"trial_{n}", {name: name}, str(tmp_path / "trials" / f"p{n}"))
        for n, name in enumerate(HOSTILE)
    ]
    assert link_runs(runs, trials) == len(trials)

    links = _links(runs)
    assert sorted(map(str, links.values())) == sorted(t.logdir for t in trials)
    for link in links:
        assert link.parent == runs, link
        assert not link.name.startswith(".") and len(link.name.encode()) <= 255
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs", "trials"]
    names = {link.name for link in links}
    assert {"_..", "_.", "_..|..|etc", "a b", "_..=..", "_..|..|etc=..|..|etc"} <= names


def test_names_that_collide_once_cleaned_get_distinct_links(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    trials = [
        _trial("e1", "a/b", "trial_0", {"lr": 0.1}, str(tmp_path / "t1")),
        _trial("e2", "a|b", "trial_0", {"lr": 0.1}, str(tmp_path / "t2")),
        _trial("e3", "A|B", "trial_0", {"lr": 0.1}, str(tmp_path / "t3")),  # case-blind disks
        _trial("e4", "c", "t/0", {"p": "x/y"}, str(tmp_path / "t4")),
        _trial("e4", "c", "t|0", {"p": "x|y"}, str(tmp_path / "t5")),
        _trial("e4", "c", "t 0", {"p": "x" * 500 + "1"}, str(tmp_path / "t6")),
        _trial("e4", "c", "t 1", {"p": "x" * 500 + "2"}, str(tmp_path / "t7")),
    ]
    names = run_names(trials)
    assert len({n.casefold() for n in names}) == len(trials), names
    assert names[:3] == ["a|b (e1)/lr=0.1", "a|b (e2)/lr=0.1", "A|B (e3)/lr=0.1"]
    assert link_runs(runs, trials) == len(trials)
    assert sorted(map(str, _links(runs).values())) == sorted(t.logdir for t in trials)


def test_a_trial_keeps_one_link_when_later_trials_rename_its_run(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    first = _trial("e1", "grid", "trial_0", {"lr": 0.1}, str(tmp_path / "t0"))
    assert link_runs(runs, [first]) == 1
    twin = _trial("e1", "grid", "trial_1", {"lr": 0.1}, str(tmp_path / "t1"))
    assert link_runs(runs, [first, twin]) == 1  # only the new trial
    assert sorted(map(str, _links(runs).values())) == [first.logdir, twin.logdir]


def test_logdir_spec_labels_are_clean_and_distinct() -> None:
    spec = logdir_spec([("a\x00b\n", "hdfs://nn/e1"), ("a b", "hdfs://nn/e2"), ("..", "u")])
    assert "\x00" not in spec and "\n" not in spec
    labels = [entry.split(":", 1)[0] for entry in spec.split(",")]
    assert len(set(labels)) == 3 and labels[2] == "_..", labels
