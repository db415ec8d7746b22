"""Experiments on the real shared Spark session: files on the store, rows in the catalog."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import pytest

from hopsml_lab import experiment
from hopsml_lab.catalog import ExperimentQuery
from hopsml_lab.engine.context import current_trial
from hopsml_lab.lab import Lab


def test_launch_runs_the_function_as_a_spark_task(lab: Lab, project_root: Path) -> None:
    driver_pid = os.getpid()

    def train(lr: float = 0.1) -> dict[str, object]:
        import os
        import sys

        print("training with", lr)
        print("a warning", file=sys.stderr)
        return {"accuracy": 0.5 + lr, "pid": os.getpid(), "plot": "curve.png"}

    logdir, results = experiment.launch(train, name="first", description="smoke")
    assert results["accuracy"] == pytest.approx(0.6)
    assert results["pid"] != driver_pid  # it ran in a Spark Python worker
    folder = Path(logdir)
    assert folder.parent == project_root / "Experiments"
    trial = folder / "trial_0"
    assert "training with 0.1" in (trial / "stdout.log").read_text()
    assert (trial / "stderr.log").read_text() == "a warning\n"
    assert json.loads((trial / "trial.json").read_text())["results"]["accuracy"] == 0.6

    page = lab.queries.list_experiments("demo", ExperimentQuery())
    assert [e.name for e in page.experiments] == ["first"]
    detail = lab.queries.get_experiment(page.experiments[0].id)
    assert detail.status == "finished" and detail.description == "smoke"
    assert detail.trials[0].results["plot"] == "curve.png"
    assert detail.trials[0].duration_s is not None


def test_args_dict_runs_one_trial_per_entry(lab: Lab) -> None:
    def train(lr: float, layers: int) -> float:
        return lr * layers

    result = experiment.run(
        train, {"lr": [0.1, 0.2, 0.3], "layers": [1, 2, 3]}, name="args", metric_key="metric"
    )
    assert [t.params for t in result.trials] == [
        {"lr": 0.1, "layers": 1},
        {"lr": 0.2, "layers": 2},
        {"lr": 0.3, "layers": 3},
    ]
    assert result.best is not None and result.best.params == {"lr": 0.3, "layers": 3}
    detail = lab.queries.get_experiment(result.id)
    assert detail.best_trial == "trial_2" and detail.metric_value == pytest.approx(0.9)


def test_a_failing_trial_is_recorded_with_its_traceback(lab: Lab) -> None:
    def train(x: int) -> float:
        if x == 1:
            raise ValueError("bad x")
        return float(x)

    result = experiment.run(train, {"x": [0, 1]}, name="partly-failing")
    statuses = {t.key: t.status for t in result.trials}
    assert statuses == {"trial_0": "finished", "trial_1": "failed"}
    detail = lab.queries.get_experiment(result.id)
    failed = detail.trials[1]
    assert "ValueError: bad x" in (failed.error or "")
    assert detail.status == "finished"


def test_launch_raises_when_its_only_run_fails(lab: Lab) -> None:
    def train() -> None:
        raise RuntimeError("out of memory")

    with pytest.raises(experiment.ExperimentError, match="out of memory"):
        experiment.launch(train, name="broken")
    page = lab.queries.list_experiments("demo", ExperimentQuery())
    assert page.experiments[0].status == "failed"


def test_missing_metric_key_fails_the_trial_with_the_fix(lab: Lab) -> None:
    result = experiment.run(lambda: {"acc": 1.0}, name="wrong-key", metric_key="accuracy")
    assert result.trials[0].status == "failed"
    assert "metric key is 'accuracy'" in (result.trials[0].error or "")


def test_a_trial_knows_its_own_folder(lab: Lab) -> None:
    def train() -> dict[str, str]:
        trial = current_trial()
        assert trial is not None
        trial.store.write_text(f"{trial.logdir}/note.txt", "written by the trial")
        return {"logdir": trial.logdir_url}

    result = experiment.run(train, name="context")
    logdir = result.trials[0].results["logdir"]
    assert (Path(logdir) / "note.txt").read_text() == "written by the trial"
    assert current_trial() is None


@pytest.mark.parametrize(
    ("args_dict", "message"),
    [
        ({"lr": [0.1, 0.2], "d": [1]}, "same length"),
        ({"lr": 0.1}, "list of values"),
    ],
)
def test_bad_args_dict_is_rejected_before_anything_runs(
    lab: Lab, args_dict: dict, message: str
) -> None:
    with pytest.raises(experiment.ExperimentError, match=message):
        experiment.launch(lambda **kw: 1.0, args_dict)
    assert lab.queries.list_experiments("demo", ExperimentQuery()).total == 0


def test_non_numeric_return_is_a_clear_failure(lab: Lab) -> None:
    result = experiment.run(lambda: "done", name="string")
    assert "return a number or a dict" in (result.trials[0].error or "")


@pytest.mark.parametrize("slots", [0, -1, 1.5, True])
def test_bad_slots_are_rejected_before_anything_runs(lab: Lab, slots: object) -> None:
    with pytest.raises(experiment.ExperimentError, match="how many trials may run at once"):
        experiment.search(lambda x: x, experiment.Grid({"x": [1, 2]}), slots=slots)  # type: ignore[arg-type]
    assert lab.queries.list_experiments("demo", ExperimentQuery()).total == 0


def test_an_adaptive_search_starts_no_more_trials_than_its_slots(lab: Lab) -> None:
    def train(x: float, budget: int) -> dict[str, float]:
        import time

        start = time.time()
        time.sleep(0.05)
        return {"metric": x * budget, "start": start, "end": time.time()}

    result = experiment.search(
        train, experiment.Asha(_uniform_x(), trials=4, max_budget=2), slots=1, name="asha-1"
    )
    spans = sorted((t.results["start"], t.results["end"]) for t in result.trials)
    assert len(spans) >= 4
    assert all(later[0] >= earlier[1] for earlier, later in itertools.pairwise(spans))


def _uniform_x() -> dict:
    from hopsml_lab.experiments.search_space import parse_random

    return parse_random(["x=uniform(0,1)"])


def test_a_queued_trial_starts_when_it_runs_not_when_queued(lab: Lab) -> None:
    def nap(n: int) -> float:
        import time

        time.sleep(0.3)
        return float(n)

    result = experiment.run(nap, {"n": [1, 2]}, name="queued", slots=1)
    first, second = sorted(
        lab.queries.get_experiment(result.id).trials, key=lambda t: t.started_at or 0
    )
    assert second.started_at >= first.finished_at - 0.05  # it waited for the one slot
    for trial in (first, second):
        assert trial.finished_at - trial.started_at == pytest.approx(trial.duration_s, abs=0.1)
