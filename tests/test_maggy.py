"""maggy-compatible asynchronous searches, early stopping and ASHA."""

from __future__ import annotations

import pytest

from hopsml_lab.catalog import ExperimentQuery
from hopsml_lab.lab import Lab
from hopsml_lab.maggy import Searchspace, experiment
from hopsml_lab.maggy.config import HyperparameterOptConfig
from hopsml_lab.maggy.earlystop import MedianStoppingRule
from hopsml_lab.maggy.optimizers import Asha


def test_random_search_with_hparams_and_reporter(lab: Lab) -> None:
    def train(hparams, reporter):
        for step in range(5):
            reporter.broadcast(metric=hparams["lr"] * step, step=step)
        return {"accuracy": hparams["lr"] * 10, "loss": 1.0}  # no key 'Metric': first value

    space = Searchspace(lr=("DOUBLE", [0.01, 0.1]), units=("INTEGER", [8, 16]))
    config = HyperparameterOptConfig(
        num_trials=6,
        optimizer="randomsearch",
        searchspace=space,
        direction="max",
        es_policy="none",
        name="maggy-random",
    )
    result = experiment.lagom(train, config)
    assert result["num_trials"] == 6 and result["early_stopped"] == 0
    assert result["best_val"] == pytest.approx(result["best_config"]["lr"] * 10)
    assert result["best_val"] == max(result["metric_list"])
    assert result["worst_val"] == min(result["metric_list"])
    assert set(result) >= {"best_id", "best_config", "worst_id", "worst_config", "avg"}
    page = lab.queries.list_experiments("demo", ExperimentQuery())
    detail = lab.queries.get_experiment(page.experiments[0].id)
    assert detail.kind == "maggy_randomsearch" and detail.trial_count == 6
    series = detail.trials[0].metrics[0]
    assert series.name == "Metric" and series.steps == [0, 1, 2, 3, 4]


def test_grid_search_over_categories(lab: Lab) -> None:
    space = Searchspace(act=("CATEGORICAL", ["relu", "tanh"]), layers=("DISCRETE", [1, 2]))
    config = HyperparameterOptConfig(
        num_trials=1, optimizer="gridsearch", searchspace=space, direction="min", es_policy="none"
    )
    result = experiment.lagom(
        lambda hparams: hparams["layers"] + (0.5 if hparams["act"] == "tanh" else 0.0), config
    )
    assert result["num_trials"] == 4
    assert result["best_config"] == {"act": "relu", "layers": 1} and result["best_val"] == 1.0


def test_median_rule_stops_hopeless_trials_early(lab: Lab) -> None:
    def train(hparams, reporter):
        import time

        for step in range(40):
            reporter.broadcast(metric=hparams["quality"], step=step)
            time.sleep(0.01 if hparams["quality"] > 0.5 else 0.05)
        return hparams["quality"]

    space = Searchspace(quality=("DISCRETE", [0.9, 0.8, 0.95, 0.85, 0.1, 0.05]))
    config = HyperparameterOptConfig(
        num_trials=6,
        optimizer="gridsearch",
        searchspace=space,
        direction="max",
        es_policy="median",
        es_min=2,
        es_interval=1,
    )
    result = experiment.lagom(train, config)
    assert result["early_stopped"] >= 1
    page = lab.queries.list_experiments("demo", ExperimentQuery())
    stopped = [
        t
        for t in lab.queries.get_experiment(page.experiments[0].id).trials
        if t.status == "stopped"
    ]
    assert stopped and all(t.params["quality"] < 0.5 for t in stopped)
    assert all(len(t.metrics[0].steps) < 40 for t in stopped)


def test_asha_promotes_the_best_with_more_budget(lab: Lab) -> None:
    def train(hparams, reporter):
        return hparams["x"] * hparams["budget"]

    config = HyperparameterOptConfig(
        num_trials=8,
        optimizer="asha",
        searchspace=Searchspace(x=("DOUBLE", [0, 1])),
        direction="max",
        es_policy="none",
    )
    result = experiment.lagom(train, config)
    page = lab.queries.list_experiments("demo", ExperimentQuery())
    trials = lab.queries.get_experiment(page.experiments[0].id).trials
    budgets = [t.params["budget"] for t in trials]
    assert budgets.count(1) == 8 and 2 in budgets and 4 in budgets
    top = max((t for t in trials if t.params["budget"] == 1), key=lambda t: t.params["x"])
    assert any(t.params["x"] == top.params["x"] and t.params["budget"] == 4 for t in trials)
    assert result["best_config"]["budget"] == 4


def test_asha_rungs_unit() -> None:
    asha = Asha(Searchspace(x=("DOUBLE", [0, 1])), num_trials=4, direction="min", seed=1)
    first = asha.initial(2)
    assert [c["budget"] for c in first] == [1, 1]
    assert asha.on_result(first[0], 0.5)[0]["budget"] == 1  # nothing to promote yet
    promoted = asha.on_result(first[1], 0.2)
    assert promoted == [{"x": first[1]["x"], "budget": 2}]  # the smaller loss goes up


@pytest.mark.parametrize(
    ("rf", "rmax", "budgets"),
    [
        (2, 4, [1, 2, 4]),
        (2, 27, [1, 2, 4, 8, 16, 27]),
        (3, 27, [1, 3, 9, 27]),
        (3, 10, [1, 3, 9, 10]),
    ],
)
def test_asha_top_rung_trains_for_the_max_budget(rf: int, rmax: int, budgets: list) -> None:
    asha = Asha(
        Searchspace(x=("DOUBLE", [0, 1])),
        num_trials=rf ** len(budgets),
        reduction_factor=rf,
        resource_max=rmax,
        seed=2,
    )
    assert asha.budgets == budgets
    seen, queue = set(), asha.initial(2)
    while queue:  # every trial scores its x: the best climbs every rung
        config = queue.pop()
        seen.add(config["budget"])
        queue += asha.on_result(config, config["x"])
    assert seen == set(budgets)


def test_asha_never_starts_a_configuration_twice() -> None:
    asha = Asha(Searchspace(act=("CATEGORICAL", ["relu", "tanh"])), num_trials=5, seed=0)
    started = asha.initial(5)
    assert sorted(c["act"] for c in started) == ["relu", "tanh"]  # the space ran out
    assert asha.on_result(started[0], 0.1) == []


def test_median_rule_unit() -> None:
    rule = MedianStoppingRule("max", es_min=1, es_interval=1)
    for key, values in (("a", [0.8, 0.9]), ("b", [0.7, 0.8])):
        assert rule.observe(key, values) is None
        rule.finish(key)
    verdict = rule.observe("c", [0.1])  # below the finished trials' median after 1 report
    assert verdict is not None and verdict.stop and verdict.step == 1
    assert rule.observe("d", [0.9]) is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_trials": 0}, "num_trials"),
        ({"optimizer": "bayes"}, "optimizer"),
        ({"direction": "up"}, "direction"),
        ({"es_policy": "mean"}, "es_policy"),
    ],
)
def test_config_checks(kwargs, message) -> None:
    arguments = {
        "num_trials": 2,
        "optimizer": "randomsearch",
        "searchspace": Searchspace(x=("DOUBLE", [0, 1])),
        **kwargs,
    }
    with pytest.raises(ValueError, match=message):
        HyperparameterOptConfig(**arguments)


def test_searchspace_checks() -> None:
    with pytest.raises(ValueError, match="not one of"):
        Searchspace(x=("FLOAT", [0, 1]))
    with pytest.raises(ValueError, match="low 2 must be below high 1"):
        Searchspace(n=("INTEGER", [2, 1]))
    with pytest.raises(ValueError, match="INTEGER takes"):
        Searchspace(n=("INTEGER", [0.5, 3]))
    with pytest.raises(ValueError, match="ranges"):
        Searchspace(x=("DOUBLE", [0, 1])).grid()


def test_keras_callbacks_broadcast_to_the_reporter() -> None:
    from hopsml_lab.engine.reporter import Reporter
    from hopsml_lab.maggy.callbacks import KerasBatchEnd, KerasEpochEnd
    from hopsml_lab.maggy.tensorboard import logdir

    reporter = Reporter(None, 0, "t0", "loss")
    KerasBatchEnd(reporter).on_batch_end(0, {"loss": 0.5})
    assert reporter.last_metric == 0.5
    KerasEpochEnd(reporter, metric="val_acc").on_epoch_end(3, {"val_acc": 0.75})
    assert reporter.last_metric == 0.75 and reporter._steps["loss"] == 3
    with pytest.raises(ValueError, match="no 'val_loss' in Keras' logs after an epoch"):
        KerasEpochEnd(reporter).on_epoch_end(4, {"loss": 0.4})  # fit() had no validation
    assert reporter.last_metric == 0.75  # nothing made up was reported
    assert logdir() is None  # outside a trial
