"""Early stopping while trials train: the rules, the trial's wait at a decision step,
and searches on the shared Spark session that stop hopeless trials at ASHA's rungs."""

from __future__ import annotations

import threading
import time
from multiprocessing import Pipe

import pytest

from hopsml_lab import experiment
from hopsml_lab.catalog import ExperimentQuery
from hopsml_lab.engine.messages import GoOn, Metrics, StopTrial
from hopsml_lab.engine.reporter import EarlyStopException, Reporter
from hopsml_lab.experiments.early_stopping import AshaStoppingRule, MedianStoppingRule, make_rule
from hopsml_lab.lab import Lab


def test_asha_rungs_grow_by_the_reduction_factor() -> None:
    assert AshaStoppingRule("min", 3, 3, max_steps=100).decision_steps == (3, 9, 27, 81)
    assert AshaStoppingRule("max", 1, 2, max_steps=10).decision_steps == (1, 2, 4, 8)


def test_asha_keeps_the_top_fraction_of_each_rung() -> None:
    rule = AshaStoppingRule("max", grace_period=2, reduction_factor=2)
    first = rule.observe("a", [0.1, 0.5])  # the first at a rung always goes on
    assert first is not None and (first.step, first.stop) == (2, False)
    assert rule.observe("b", [0.9]) is None  # not at a rung yet
    verdict = rule.observe("b", [0.2])  # best so far 0.9: in the top half of [0.5]
    assert verdict is not None and (verdict.step, verdict.stop) == (2, False)
    # Rung 2 holds 0.5 and 0.9; the top half starts at their midpoint, 0.7.
    assert rule.observe("c", [0.6, 0.6]).stop  # type: ignore[union-attr]
    assert not rule.observe("d", [0.8, 0.1]).stop  # type: ignore[union-attr]


def test_asha_minimising_and_several_reports_at_once() -> None:
    rule = AshaStoppingRule("min", grace_period=1, reduction_factor=3)
    assert not rule.observe("a", [0.5, 0.4, 0.3]).stop  # type: ignore[union-attr]
    verdict = rule.observe("b", [0.2, 0.9, 0.9])  # rung 1: 0.2 beats 0.5; rung 3: 0.2 < 0.3
    assert verdict is not None and (verdict.step, verdict.stop) == (3, False)
    stopped = rule.observe("c", [0.6, 0.1, 0.1])  # worse than 0.5 and 0.2 at rung 1
    assert stopped is not None and (stopped.step, stopped.stop) == (1, True)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("hyperband", "min"), "choose one of asha, median"),
        (("asha", "min", 0), "grace_period=0"),
        (("asha", "min", 3, 1), "reduction_factor=1"),
    ],
)
def test_make_rule_says_what_to_fix(args, message) -> None:
    with pytest.raises(ValueError, match=message):
        make_rule(*args)


def test_median_rule_waits_for_its_grace_period() -> None:
    rule = make_rule("median", "max", grace_period=2)
    assert isinstance(rule, MedianStoppingRule)
    for key in "abcd":
        rule.observe(key, [0.9, 0.9, 0.9])
        rule.finish(key)
    assert rule.observe("e", [0.1]) is None  # one report: still in its grace period
    assert rule.observe("e", [0.1]).stop  # type: ignore[union-attr]


def _reporting(reporter: Reporter, values: list[float], out: dict) -> threading.Thread:
    def report() -> None:
        try:
            for value in values:
                reporter.broadcast(value)
                out.setdefault("times", []).append(time.monotonic())
        except EarlyStopException as stop:
            out["stopped"] = stop.metric

    thread = threading.Thread(target=report)
    thread.start()
    return thread


def test_a_trial_waits_at_a_decision_step_until_told_to_go_on() -> None:
    driver, trial = Pipe()
    reporter = Reporter(trial, 7, "t0", "loss", decide_at=(2,))
    out: dict = {}
    thread = _reporting(reporter, [0.9, 0.8, 0.7], out)
    seen: list[float] = []
    while len(seen) < 2:  # the second report is sent at once, without the 50 ms wait
        message = driver.recv()
        assert isinstance(message, Metrics) and (message.batch_id, message.key) == (7, "t0")
        seen += [value for _name, _step, value, _t in message.points]
    time.sleep(0.3)
    assert len(out.get("times", [])) == 1, "the trial went past its decision step"
    told = time.monotonic()
    driver.send(GoOn(7, "t0", 1))  # an answer to another report is not the verdict
    driver.send(GoOn(7, "t1", 2))  # nor is one to another trial
    driver.send(GoOn(8, "t0", 2))  # nor one to the same key of another batch
    time.sleep(0.1)
    assert len(out.get("times", [])) == 1
    driver.send(GoOn(7, "t0", 2))
    thread.join(5)
    assert len(out["times"]) == 3 and out["times"][1] >= told
    reporter.close()


def test_a_trial_told_to_stop_at_a_decision_step_reports_no_further() -> None:
    driver, trial = Pipe()
    reporter = Reporter(trial, 1, "t0", "loss", decide_at=(1,))
    out: dict = {}
    thread = _reporting(reporter, [0.9, 0.8], out)
    assert isinstance(driver.recv(), Metrics)
    driver.send(StopTrial(1, "t0"))
    thread.join(5)
    assert out == {"stopped": 0.9}
    reporter.close()


def _stopped_trials(lab: Lab):
    page = lab.queries.list_experiments("demo", ExperimentQuery())
    return lab.queries.get_experiment(page.experiments[0].id).trials


def test_asha_early_stop_stops_trials_at_its_rungs_and_no_later(lab: Lab) -> None:
    def train(quality: float, reporter) -> dict[str, float]:
        import time

        for _epoch in range(9):
            time.sleep(0.12)  # longer than the reporter's 50 ms flush: a late stop shows
            reporter.broadcast(quality)
        return {"metric": quality}

    grid = {"quality": [0.1, 0.5, 0.2, 0.9, 0.3, 0.8, 0.4, 0.7]}
    result = experiment.search(
        train,
        experiment.Grid(grid, seed=3),
        early_stop="asha",
        grace_period=1,
        reduction_factor=3,
        slots=1,  # one at a time: each trial is judged against all those before it
        name="asha-stop",
    )
    trials = sorted(_stopped_trials(lab), key=lambda t: int(t.key.split("_")[1]))
    assert sorted(t.params["quality"] for t in trials) == sorted(grid["quality"])
    # Replaying the rule over the trials in the order they ran gives who was stopped.
    rule = AshaStoppingRule("max", grace_period=1, reduction_factor=3)
    expected = set()
    for trial in trials:
        for step in range(1, 10):
            verdict = rule.observe(trial.key, [trial.params["quality"]])
            if verdict is not None and verdict.stop:
                expected.add((trial.key, step))
                break
    stopped = {(t.key, len(t.metrics[0].steps)) for t in trials if t.status == "stopped"}
    assert stopped == expected and 0 < len(stopped) < len(trials)
    assert all(len(t.metrics[0].steps) == 9 for t in trials if t.status == "finished")
    assert result.best is not None and result.best.params == {"quality": 0.9}


def test_early_stop_needs_a_function_that_reports(lab: Lab) -> None:
    def train(lr: float) -> float:
        return lr

    with pytest.raises(experiment.ExperimentError, match="give train\\(\\) a `reporter`"):
        experiment.search(train, experiment.Grid({"lr": [0.1]}), early_stop="asha")
    with pytest.raises(experiment.ExperimentError, match="choose one of asha, median"):
        experiment.search(train, experiment.Grid({"lr": [0.1]}), early_stop="never")
    assert lab.queries.list_experiments("demo", ExperimentQuery()).total == 0
