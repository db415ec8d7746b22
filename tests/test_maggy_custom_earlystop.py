"""maggy's custom early stopping: a notebook's ``AbstractEarlyStop`` subclass run by lagom."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from hopsml_lab.catalog import ExperimentQuery
from hopsml_lab.lab import Lab
from hopsml_lab.maggy import Searchspace, experiment
from hopsml_lab.maggy.config import HyperparameterOptConfig
from hopsml_lab.maggy.earlystop import AbstractEarlyStop
from hopsml_lab.maggy.earlystop.custom import EarlyStopRuleError
from hopsml_lab.maggy.trial import Trial

THRESHOLD = 0.5
STEPS = 60


def train(hparams: dict[str, Any], reporter: Any) -> float:
    """Good trials report 5 times and end; poor ones would report 60 times, slowly."""
    import time

    quality = hparams["quality"]
    for step in range(5 if quality >= THRESHOLD else STEPS):
        reporter.broadcast(metric=quality, step=step)
        time.sleep(0.01 if quality >= THRESHOLD else 0.03)
    return quality


class BelowThreshold(AbstractEarlyStop):
    """Stops every trial whose last metric is below THRESHOLD; keeps what it was shown."""

    calls: ClassVar[list[tuple[Any, list[Any], str]]] = []

    @staticmethod
    def earlystop_check(to_check: Any, finalized_trials: list[Any], direction: str) -> Any:
        BelowThreshold.calls.append((to_check, list(finalized_trials), direction))
        if to_check.metric_history[-1] < THRESHOLD:
            return to_check.trial_id
        return None


def _config(space: list[float], es_policy: Any, es_min: int) -> HyperparameterOptConfig:
    return HyperparameterOptConfig(
        num_trials=len(space),
        optimizer="gridsearch",  # the grid's order: the good trials take the two slots first
        searchspace=Searchspace(quality=("DISCRETE", space)),
        direction="max",
        es_policy=es_policy,
        es_min=es_min,
        es_interval=1,
    )


def _last_experiment(lab: Lab) -> Any:
    page = lab.queries.list_experiments("demo", ExperimentQuery())
    return lab.queries.get_experiment(page.experiments[0].id)


def test_custom_rule_stops_exactly_the_trials_it_names(lab: Lab) -> None:
    BelowThreshold.calls.clear()
    space = [0.9, 0.8, 0.2, 0.1, 0.7, 0.3]
    result = experiment.lagom(train, _config(space, BelowThreshold, es_min=1))

    detail = _last_experiment(lab)
    assert detail.status == "finished"
    by_quality = {t.params["quality"]: t for t in detail.trials}
    stopped = {q for q, t in by_quality.items() if t.status == "stopped"}
    assert stopped == {0.2, 0.1, 0.3}
    assert {q for q, t in by_quality.items() if t.status == "finished"} == {0.9, 0.8, 0.7}
    assert all(len(by_quality[q].metrics[0].steps) < STEPS for q in stopped)
    assert result["early_stopped"] == 3 and result["num_trials"] == 6

    # called as maggy's driver calls it: the reporting Trial, the finished Trials, direction
    assert BelowThreshold.calls
    for to_check, finalized, direction in BelowThreshold.calls:
        assert isinstance(to_check, Trial) and direction == "max"
        assert to_check.metric_history == [to_check.params["quality"]] * len(
            to_check.metric_history
        )
        assert to_check.trial_id == Trial._generate_id(to_check.params)
        assert len(finalized) > 1  # es_min=1: more than one trial finished first
        assert all(t.status == Trial.FINALIZED for t in finalized)
        assert all(t.final_metric == t.params["quality"] for t in finalized)


class Broken(AbstractEarlyStop):
    @staticmethod
    def earlystop_check(to_check: Any, finalized_trials: list[Any], direction: str) -> Any:
        return 1 / 0


class NamesAStranger(AbstractEarlyStop):
    @staticmethod
    def earlystop_check(to_check: Any, finalized_trials: list[Any], direction: str) -> Any:
        return "no-such-trial"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (Broken, r"Broken\.earlystop_check.*raised ZeroDivisionError"),
        (NamesAStranger(), r"NamesAStranger\.earlystop_check.*'no-such-trial'.*not the trial_id"),
    ],
)
def test_a_failing_rule_fails_the_experiment_naming_the_rule(
    lab: Lab, rule: Any, message: str
) -> None:
    with pytest.raises(EarlyStopRuleError, match=message):
        experiment.lagom(train, _config([0.9, 0.1, 0.2], rule, es_min=0))
    detail = _last_experiment(lab)
    assert detail.status == "failed"
    # every trial was recorded to its end; none was stopped by the failed rule
    assert sorted(t.status for t in detail.trials) == ["finished"] * 3
