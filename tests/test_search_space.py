"""Parsing and expanding search spaces (no Spark)."""

from __future__ import annotations

import pytest

from hopsml_lab.experiments.evolution import evolve
from hopsml_lab.experiments.search_space import (
    Choice,
    IntUniform,
    LogUniform,
    SearchSpaceError,
    Uniform,
    from_boundaries,
    grid_points,
    parse_grid,
    parse_random,
    random_points,
)


def test_grid_tokens_keep_types_and_expand_last_name_fastest() -> None:
    grid = parse_grid(["lr=0.001,0.01", "act=relu,tanh", "bn=True,False"])
    assert grid == {"lr": [0.001, 0.01], "act": ["relu", "tanh"], "bn": [True, False]}
    points = grid_points({"a": [1, 2], "b": ["x", "y"]})
    assert points == [
        {"a": 1, "b": "x"},
        {"a": 1, "b": "y"},
        {"a": 2, "b": "x"},
        {"a": 2, "b": "y"},
    ]


def test_random_tokens() -> None:
    space = parse_random(
        ["lr=loguniform(1e-4,1e-1)", "d=uniform(0,0.5)", "n=int(2,8)", "act=choice(relu,tanh)"]
    )
    assert space == {
        "lr": LogUniform(1e-4, 1e-1),
        "d": Uniform(0, 0.5),
        "n": IntUniform(2, 8),
        "act": Choice(("relu", "tanh")),
    }
    for point in random_points(space, 50, seed=1):
        assert 1e-4 <= point["lr"] <= 1e-1 and 0 <= point["d"] <= 0.5
        assert point["n"] in range(2, 9) and point["act"] in ("relu", "tanh")


@pytest.mark.parametrize(
    ("tokens", "message"),
    [
        (["lr=uniform(1)"], "'lr=uniform(1)': uniform takes two numbers"),
        (["lr=uniform(0.5,0.1)"], "low must be below high"),
        (["n=int(1.5,4)"], "int takes whole numbers"),
        (["lr=loguniform(0,1)"], "loguniform needs a low above 0"),
        (["lr=normal(0,1)"], "normal() is not a distribution"),
        (["act=choice(relu)"], "at least two options"),
        (["lr"], "write name=values"),
        (["lr=0.1"], "use uniform(a,b)"),
        (["lr=uniform(0,1)", "lr=int(1,2)"], "lr is given twice"),
        ([], "at least one"),
    ],
)
def test_bad_random_tokens_name_the_token(tokens: list[str], message: str) -> None:
    with pytest.raises(SearchSpaceError) as error:
        parse_random(tokens)
    assert message in str(error.value)


def test_bad_grid_tokens() -> None:
    with pytest.raises(SearchSpaceError, match="empty value"):
        parse_grid(["lr=0.1,,0.2"])
    with pytest.raises(SearchSpaceError, match="non-empty list"):
        grid_points({"lr": []})


def test_hops_boundaries_keep_ints_as_ints() -> None:
    space = from_boundaries({"layers": [2, 8], "lr": [0.001, 0.1], "mixed": [1, 2.5]})
    assert space == {
        "layers": IntUniform(2, 8),
        "lr": Uniform(0.001, 0.1),
        "mixed": Uniform(1.0, 2.5),
    }
    with pytest.raises(SearchSpaceError, match=r"lr: low 0\.1 must be below high 0\.01"):
        from_boundaries({"lr": [0.1, 0.01]})
    with pytest.raises(SearchSpaceError, match=r"give \[low, high\]"):
        from_boundaries({"lr": [0.1]})


def test_random_points_drop_repeats() -> None:
    assert len(random_points({"n": IntUniform(1, 2)}, 30, seed=3)) == 2


def test_evolution_improves_and_never_retrains_a_point() -> None:
    evaluated: list[dict] = []

    def evaluate(points):
        evaluated.extend(points)
        return [-((p["x"] - 3) ** 2) - abs(p["n"] - 5) for p in points]

    final = evolve(
        {"x": Uniform(-10, 10), "n": IntUniform(0, 10)},
        evaluate,
        "MAX",
        generations=6,
        population=8,
        seed=4,
    )
    assert len(final) == 8
    keys = [repr(sorted(p.items())) for p in evaluated]
    assert len(keys) == len(set(keys)) <= 8 * 7
    initial_best = max(evaluate([p])[0] for p in evaluated[:8])
    assert max(score for _, score in final) >= initial_best
    assert all(isinstance(p["n"], int) and 0 <= p["n"] <= 10 for p, _ in final)


def test_evolution_minimises_and_checks_its_settings() -> None:
    final = evolve(
        {"x": Uniform(0, 1)},
        lambda ps: [p["x"] for p in ps],
        "MIN",
        generations=3,
        population=5,
        seed=0,
    )
    scores = [s for _, s in final]
    assert min(scores) < 0.5
    with pytest.raises(SearchSpaceError, match="population=3"):
        evolve({"x": Uniform(0, 1)}, lambda ps: [0.0] * len(ps), population=3)
    with pytest.raises(SearchSpaceError, match="number ranges"):
        evolve({"c": Choice(("a", "b"))}, lambda ps: [0.0] * len(ps))
