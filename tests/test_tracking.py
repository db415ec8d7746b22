"""Metric series reported from running trials reach the catalog while they run."""

from __future__ import annotations

import threading
import time

import pytest

from hopsml_lab import experiment, tracking
from hopsml_lab.catalog import ExperimentQuery
from hopsml_lab.engine.reporter import Reporter
from hopsml_lab.engine.trial import TrialSpec
from hopsml_lab.lab import Lab


def test_series_of_every_trial_are_recorded(lab: Lab) -> None:
    def train(lr: float) -> dict[str, float]:
        from hopsml_lab import tracking

        for step in range(2000):
            tracking.log_metrics({"loss": lr / (step + 1), "accuracy": step / 2000}, step=step)
        return {"accuracy": 0.99}

    result = experiment.run(train, {"lr": [1.0, 2.0]}, name="series", metric_key="accuracy")
    detail = lab.queries.get_experiment(result.id)
    for trial in detail.trials:
        series = {s.name: s for s in trial.metrics}
        assert set(series) == {"loss", "accuracy"}
        assert series["loss"].steps == list(range(2000))
        assert series["loss"].values[1] == pytest.approx(trial.params["lr"] / 2)


def test_points_are_visible_while_the_trial_still_runs(lab: Lab, project_root) -> None:
    flag = project_root / "release"

    def train() -> float:
        import pathlib
        import time

        from hopsml_lab import tracking

        for step in range(3):
            tracking.log_metric("loss", 1.0 / (step + 1))
        deadline = time.time() + 30
        while not pathlib.Path(str(flag)).exists() and time.time() < deadline:
            time.sleep(0.05)
        return 1.0

    thread = threading.Thread(target=experiment.run, args=(train,), kwargs={"name": "live"})
    thread.start()
    try:
        seen: list[int] = []
        deadline = time.time() + 20
        while time.time() < deadline and len(seen) < 3:  # may arrive in two sends
            page = lab.queries.list_experiments("demo", ExperimentQuery())
            trials = (
                lab.queries.get_experiment(page.experiments[0].id).trials
                if (page.experiments)
                else []
            )
            if trials:  # the experiment row comes a moment before its trials
                trial = trials[0]
                if trial.metrics:
                    seen = trial.metrics[0].steps
                    assert trial.status == "running"
            time.sleep(0.1)
        assert seen == [0, 1, 2]
    finally:
        flag.touch()
        thread.join(60)


def test_a_running_trial_can_be_stopped_early(lab: Lab) -> None:
    def train(reporter) -> float:  # maggy style: the reporter comes as an argument
        import time

        for step in range(10_000):
            reporter.broadcast(1.0 / (step + 1), step)
            time.sleep(0.01)
        return 0.0

    pool = lab.spark.slots
    spec = TrialSpec(key="t0", params={}, logdir="Experiments/stop/t0")
    batch = pool.submit(train, [spec], lab.store, "stop")
    deadline = time.time() + 30
    while not pool.stop_trial(batch, "t0") and time.time() < deadline:
        time.sleep(0.05)
    outcome = batch.outcomes.get(timeout=30)
    assert outcome.ok and outcome.stopped_early
    assert 0 < outcome.results["metric"] <= 1.0


def test_log_metric_outside_a_trial_says_where_it_works() -> None:
    with pytest.raises(tracking.NotInTrialError, match="inside a trial"):
        tracking.log_metric("loss", 1.0)


def test_reporter_buffers_and_numbers_steps() -> None:
    reporter = Reporter(None, 0, "t0", "accuracy")
    reporter.broadcast(0.5)
    reporter.broadcast(0.6)
    reporter.log_metric("loss", float("nan"))  # not finite: dropped
    assert reporter._steps == {"accuracy": 1}
    assert reporter.last_metric == 0.6
