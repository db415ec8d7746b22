"""maggy's Bayesian optimizers (GP, TPE) and its Hyperband pruner through ``lagom``."""

from __future__ import annotations

import statistics
from typing import Any

import pytest

from hopsml_lab.catalog import ExperimentQuery
from hopsml_lab.experiments.bayes import RandomSampling, drive
from hopsml_lab.experiments.bayes_space import UnitSpace
from hopsml_lab.experiments.hyperband import brackets
from hopsml_lab.lab import Lab
from hopsml_lab.maggy import Searchspace, experiment
from hopsml_lab.maggy.config import HyperparameterOptConfig
from hopsml_lab.maggy.optimizer import RandomSearch
from hopsml_lab.maggy.optimizer.bayes import GP, TPE
from hopsml_lab.maggy.optimizer.bayes.acquisitions import GaussianProcess_EI
from hopsml_lab.maggy.pruner import Hyperband

SPACE = Searchspace(x=("DOUBLE", [-5.0, 5.0]), y=("DOUBLE", [-5.0, 5.0]))
OPTIMUM = 10.0


def bowl(p: dict[str, Any]) -> float:
    """Maximum 10 at (1, -2); within 1% means within 0.32 of it."""
    return OPTIMUM - ((p["x"] - 1.0) ** 2 + (p["y"] + 2.0) ** 2)


def trials_to_optimum(optimizer: Any, budget: int) -> int:
    """Trials until one is within 1% of the optimum (budget + 1 if none is)."""
    for n, (_params, metric) in enumerate(drive(optimizer, bowl, slots=2), start=1):
        if metric >= 0.99 * OPTIMUM:
            return n
    return budget + 1


@pytest.mark.parametrize(("maker", "budget", "seeds"), [(GP, 30, 3), (TPE, 60, 5)])
def test_bayes_finds_the_optimum_in_fewer_trials_than_random(maker, budget, seeds) -> None:
    model = [
        trials_to_optimum(maker().search(UnitSpace.of(SPACE), budget, "max", seed=s), budget)
        for s in range(seeds)
    ]
    randomly = [
        trials_to_optimum(
            RandomSampling(UnitSpace.of(SPACE), budget, "max", 0, 1.0, seed=s), budget
        )
        for s in range(seeds)
    ]
    assert statistics.mean(model) < statistics.mean(randomly), (model, randomly)
    assert min(model) <= budget  # it does get there


def test_gp_liar_spreads_proposals_while_trials_run() -> None:
    gp = GP(num_warmup_trials=4, random_fraction=0.0).search(UnitSpace.of(SPACE), 12, "max", seed=0)
    for params in gp.initial(4):
        gp.on_result(params, bowl(params))  # each result frees one slot: one proposal
    # after one result the model lacks data (2 hyperparameters need 2 points): random
    assert [t.sample_type for t in gp.trials[4:]] == ["random", "model", "model", "model"]
    started = gp.trials[5:]
    assert all(not t.done for t in started)
    assert len({(t.params["x"], t.params["y"]) for t in started}) == 3
    # the model trials still running when the next were proposed stood in with a liar
    best = max(bowl(t.params) for t in gp.trials[:3])
    assert started[0].info["imputed_metrics"][0] == pytest.approx(best)
    assert "imputed_metrics" in started[1].info and "imputed_metrics" not in started[2].info


def test_tpe_handles_integer_and_categorical() -> None:
    space = Searchspace(
        units=("INTEGER", [1, 64]),
        act=("CATEGORICAL", ["relu", "tanh", "elu"]),
        lr=("DOUBLE", [0, 1]),
    )
    score = {"relu": 0.0, "tanh": 1.0, "elu": 0.2}
    tpe = TPE(num_warmup_trials=10).search(UnitSpace.of(space), 40, "min", seed=3)
    finished = drive(tpe, lambda p: abs(p["units"] - 40) / 64 + score[p["act"]] + p["lr"])
    assert all(isinstance(p["units"], int) and p["act"] in score for p, _ in finished)
    assert sum(t.sample_type == "model" for t in tpe.trials) > 10
    assert min(m for _, m in finished) < 0.15


@pytest.mark.parametrize(
    ("eta", "low", "high", "iterations", "expected"),
    [
        (3, 1, 9, 3, [([9, 3, 1], [1, 3, 9]), ([3, 1], [3, 9]), ([3], [9])]),
        (3, 1, 27, 2, [([27, 9, 3, 1], [1, 3, 9, 27]), ([9, 3, 1], [3, 9, 27])]),
        (
            2,
            1,
            8,
            5,
            [
                ([8, 4, 2, 1], [1, 2, 4, 8]),
                ([4, 2, 1], [2, 4, 8]),
                ([4, 2], [4, 8]),
                ([4], [8]),
                ([8, 4, 2, 1], [1, 2, 4, 8]),
            ],
        ),
    ],
)
def test_hyperband_brackets_follow_the_formula(eta, low, high, iterations, expected) -> None:
    plan = [(b.n_configs, b.budgets) for b in brackets(low, high, eta, iterations)]
    assert plan == expected
    assert Hyperband(low, high, eta, iterations).num_trials() == sum(sum(n) for n, _ in expected)


def test_hyperband_runs_each_rung_with_its_budget_and_promotes_the_best() -> None:
    kwargs = {"min_budget": 1, "max_budget": 9, "eta": 3, "n_iterations": 1}
    tpe = TPE(num_warmup_trials=3, pruner="hyperband", pruner_kwargs=kwargs)
    search = tpe.proposals(
        HyperparameterOptConfig(num_trials=1, optimizer=tpe, searchspace=SPACE, direction="max")
    )
    finished = drive(search, lambda p: bowl(p) - 9.0 / p["budget"], slots=3)
    assert len(finished) == tpe.pruner.num_trials() == 13
    assert [p["budget"] for p, _ in finished] == [1] * 9 + [3] * 3 + [9]
    best_first = sorted(finished[:9], key=lambda pm: -pm[1])[:3]
    on_three = [p for p, _ in finished[9:12]]
    assert sorted(bowl(p) for p in on_three) == sorted(bowl(p) for p, _ in best_first)
    top = max(finished[9:12], key=lambda pm: pm[1])[0]
    assert {**top, "budget": 9} == finished[12][0]
    assert tpe.pruner.finished()


def test_random_search_with_hyperband_is_plain_hyperband() -> None:
    rs = RandomSearch(
        pruner="hyperband",
        pruner_kwargs={"min_budget": 1, "max_budget": 4, "eta": 2, "n_iterations": 1},
    )
    search = rs.proposals(HyperparameterOptConfig(num_trials=1, optimizer=rs, searchspace=SPACE))
    assert [p["budget"] for p, _ in drive(search, bowl)] == [1, 1, 1, 1, 2, 2, 4]


BAD: dict[str, tuple[Any, str]] = {
    "async strategy": (lambda: GP(async_strategy="batch"), "Expected async_strategy to be in"),
    "acq_fun": (lambda: GP(acq_fun="UCB"), "Expected acq_fun to be in"),
    "acq_fun for asy_ts": (lambda: GP(async_strategy="asy_ts", acq_fun="EI"), "asy_ts"),
    "acq_optimizer": (lambda: GP(acq_optimizer="adam"), "expected acq_optimizer to be in"),
    "impute": (lambda: GP(impute_strategy="cl_median"), "expected impute_strategy to be in"),
    "gp impute with a pruner": (
        lambda: GP(
            pruner="hyperband",
            pruner_kwargs={"min_budget": 1, "max_budget": 9, "eta": 3, "n_iterations": 1},
        ),
        "only supports Pruner with interim_results==True",
    ),
    "tpe interim": (lambda: TPE(interim_results=True), "only supported for GP"),
    "pruner name": (lambda: TPE(pruner="median"), "expected pruner to be in ['hyperband']"),
    "min budget": (lambda: Hyperband(0, 9, 3, 1), "Expected `min_budget` > 0"),
    "budgets": (lambda: Hyperband(9, 9, 3, 1), "max_budget needs to be larger than min_budget"),
    "eta": (lambda: Hyperband(1, 9, 1, 1), "Expected eta greater or equal to 2"),
    "only categories": (
        lambda: TPE().proposals(
            HyperparameterOptConfig(
                num_trials=2,
                optimizer="tpe",
                searchspace=Searchspace(a=("CATEGORICAL", ["x", "y"])),
            )
        ),
        "at least one hparam has to be continuous",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_arguments_give_maggys_errors(case: str) -> None:
    build, message = BAD[case]
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        build()


def test_acquisition_functions_score_a_fitted_gp() -> None:
    gp = GP(num_warmup_trials=6, random_fraction=0.0).search(UnitSpace.of(SPACE), 7, "max", seed=1)
    drive(gp, bowl)
    model = gp.fit(0)
    values = GaussianProcess_EI.evaluate([[0.6, 0.3], [0.0, 1.0]], model, model.y_best_)
    value, gradient = GaussianProcess_EI.evaluate_1_d([0.6, 0.3], model, model.y_best_)
    assert values.shape == (2,) and value == pytest.approx(values[0]) and gradient.shape == (2,)


@pytest.mark.parametrize("name", ["gp", "tpe"])
def test_lagom_runs_bayesian_search_on_spark(lab: Lab, name: str) -> None:
    def train(hparams, reporter):
        reporter.broadcast(metric=bowl(hparams), step=0)
        return bowl(hparams)

    config = HyperparameterOptConfig(
        num_trials=8,
        # a light GP (fewer candidate points) keeps the driver's share small on a busy box
        optimizer=GP(num_warmup_trials=3, acq_optimizer_kwargs={"n_points": 500})
        if name == "gp"
        else name,
        searchspace=SPACE,
        direction="max",
        es_policy="none",
        name=f"maggy-{name}",
    )
    result = experiment.lagom(train, config)
    assert result["num_trials"] == 8 and result["best_val"] == max(result["metric_list"])
    page = lab.queries.list_experiments("demo", ExperimentQuery())
    detail = lab.queries.get_experiment(page.experiments[0].id)
    assert detail.kind == f"maggy_{name}" and detail.trial_count == 8
    assert len({(t.params["x"], t.params["y"]) for t in detail.trials}) == 8


def test_lagom_runs_hyperband_brackets_on_spark(lab: Lab) -> None:
    def train(hparams):
        return bowl(hparams) - 9.0 / hparams["budget"]

    tpe = TPE(
        num_warmup_trials=2,
        pruner="hyperband",
        pruner_kwargs={"min_budget": 1, "max_budget": 4, "eta": 2, "n_iterations": 2},
    )
    config = HyperparameterOptConfig(
        num_trials=3, optimizer=tpe, searchspace=SPACE, direction="max", es_policy="none"
    )
    result = experiment.lagom(train, config)
    page = lab.queries.list_experiments("demo", ExperimentQuery())
    trials = lab.queries.get_experiment(page.experiments[0].id).trials
    assert sorted(t.params["budget"] for t in trials) == [1, 1, 1, 1, 2, 2, 2, 2, 4, 4]
    assert result["num_trials"] == 10 and result["best_config"]["budget"] == 4
