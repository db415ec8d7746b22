"""hops-compatible searches on the shared Spark session."""

from __future__ import annotations

from pathlib import Path

import pytest

from hopsml_lab import experiment
from hopsml_lab.catalog import ExperimentQuery
from hopsml_lab.experiments.search_space import SearchSpaceError, parse_random
from hopsml_lab.lab import Lab


def test_grid_search_returns_the_best_trial_like_hops(lab: Lab, project_root: Path) -> None:
    def train(lr: float, layers: int) -> dict[str, float]:
        return {"accuracy": lr * layers, "loss": 1 - lr * layers}

    logdir, best_param, best = experiment.grid_search(
        train,
        {"lr": [0.1, 0.2], "layers": [1, 3]},
        direction=experiment.Direction.MAX,
        name="grid",
        optimization_key="accuracy",
    )
    assert best_param == {"lr": 0.2, "layers": 3}
    assert best["accuracy"] == pytest.approx(0.6)
    assert best["log"].startswith("Experiments/") and best["log"].endswith("stdout.log")
    assert Path(logdir).parent.parent == project_root / "Experiments"  # the best trial's dir
    assert (project_root / best["log"]).exists()
    detail = lab.queries.get_experiment(
        lab.queries.list_experiments("demo", ExperimentQuery()).experiments[0].id
    )
    assert detail.kind == "grid_search" and detail.trial_count == 4
    assert [t.params for t in detail.trials][:2] == [
        {"lr": 0.1, "layers": 1},
        {"lr": 0.1, "layers": 3},
    ]


def test_grid_search_minimises_and_accepts_lower_case(lab: Lab) -> None:
    _, best_param, best = experiment.grid_search(
        lambda x: {"metric": (x - 2) ** 2}, {"x": [0, 1, 2, 3]}, direction="min"
    )
    assert best_param == {"x": 2} and best["metric"] == 0


def test_random_search_samples_inside_the_bounds(lab: Lab) -> None:
    def train(layers: int, lr: float) -> float:
        assert isinstance(layers, int)
        return lr * layers

    _, best_param, best = experiment.random_search(
        train, {"layers": [1, 4], "lr": [0.01, 0.1]}, samples=6, name="random"
    )
    assert 1 <= best_param["layers"] <= 4 and 0.01 <= best_param["lr"] <= 0.1
    page = lab.queries.list_experiments("demo", ExperimentQuery())
    detail = lab.queries.get_experiment(page.experiments[0].id)
    assert detail.kind == "random_search" and 1 <= detail.trial_count <= 6
    assert best["metric"] == pytest.approx(max(t.metric_value for t in detail.trials))


def test_differential_evolution_runs_generations(lab: Lab) -> None:
    def train(x: float, n: int) -> dict[str, float]:
        return {"score": -((x - 1) ** 2) - abs(n - 3)}

    _, best_param, best = experiment.differential_evolution(
        train,
        {"x": [-4.0, 4.0], "n": [0, 6]},
        generations=2,
        population=4,
        name="evolve",
        optimization_key="score",
    )
    page = lab.queries.list_experiments("demo", ExperimentQuery())
    detail = lab.queries.get_experiment(page.experiments[0].id)
    assert detail.kind == "differential_evolution" and detail.status == "finished"
    assert 4 <= detail.trial_count <= 12
    assert best["score"] == pytest.approx(max(t.metric_value for t in detail.trials))
    assert isinstance(best_param["n"], int)


def test_evolutionary_searches_with_the_same_seed_try_the_same_points(lab: Lab) -> None:
    def train(x: float, n: int) -> float:
        return -((x - 1) ** 2) - abs(n - 3)

    space = parse_random(["x=uniform(-4,4)", "n=int(0,6)"])

    def tried(seed: int) -> list[dict]:
        strategy = experiment.Evolution(space, generations=2, population=4, seed=seed)
        result = experiment.search(train, strategy, name=f"seeded-{seed}")
        detail = lab.queries.get_experiment(result.id)
        return [t.params for t in sorted(detail.trials, key=lambda t: int(t.key[6:]))]

    first, again, other = tried(7), tried(7), tried(8)
    assert first == again and len(first) >= 4
    assert first != other


def test_a_strategy_that_cannot_run_is_refused_before_anything_is_recorded(lab: Lab) -> None:
    space = parse_random(["x=uniform(0,1)", "y=uniform(0,1)"])
    with pytest.raises(experiment.ExperimentError, match="kind: bounds must be numbers"):
        experiment.differential_evolution(lambda x, kind: x, {"x": [0, 1], "kind": ["a", "b"]})
    with pytest.raises(SearchSpaceError, match="population=2"):
        experiment.Evolution(space, population=2)
    with pytest.raises(SearchSpaceError, match="samples=0"):
        experiment.Random(space, samples=0)
    with pytest.raises(experiment.ExperimentError, match="give a search strategy"):
        experiment.search(lambda x: x, {"x": [1, 2]})  # type: ignore[arg-type]
    with pytest.raises(experiment.ExperimentError, match="add a `budget` parameter"):
        experiment.search(lambda x, y: x, experiment.Asha(space, trials=4))
    with pytest.raises(experiment.ExperimentError, match="already stops trials by their budget"):
        experiment.search(
            lambda x, y, budget: x, experiment.Asha(space, trials=4), early_stop="median"
        )
    assert lab.queries.list_experiments("demo", ExperimentQuery()).total == 0


def test_a_space_that_does_not_fit_the_function_is_refused_before_running(lab: Lab) -> None:
    def train(lr: float, dropout: float) -> float:
        return lr

    with pytest.raises(experiment.ExperimentError, match="momentum not parameters of train"):
        experiment.grid_search(train, {"lr": [0.1], "dropout": [0.1], "momentum": [0.9]})
    with pytest.raises(experiment.ExperimentError, match="no values for dropout"):
        experiment.random_search(train, {"lr": [0.1, 0.2]})
    with pytest.raises(experiment.ExperimentError, match="direction"):
        experiment.grid_search(train, {"lr": [0.1], "dropout": [0.2]}, direction="up")
    assert lab.queries.list_experiments("demo", ExperimentQuery()).total == 0


def test_a_search_whose_trials_all_fail_says_why(lab: Lab) -> None:
    def train(x: int) -> float:
        raise RuntimeError(f"diverged at {x}")

    with pytest.raises(experiment.ExperimentError, match="diverged"):
        experiment.grid_search(train, {"x": [1, 2]})


def test_files_a_trial_names_are_kept_with_it(lab: Lab, project_root: Path) -> None:
    def train(x: int) -> dict[str, object]:
        with open("confusion.txt", "w") as handle:  # in the trial's own working folder
            handle.write(f"matrix {x}")
        return {"metric": x, "confusion": "confusion.txt"}

    _, _, best = experiment.grid_search(train, {"x": [1, 2]})
    assert best["confusion"].endswith("/confusion.txt")
    assert (project_root / best["confusion"]).read_text() == "matrix 2"
