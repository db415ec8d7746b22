"""Bad input from Python gets the real reason, and leaves nothing behind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text

from hopsml_lab import experiment
from hopsml_lab.catalog import ExperimentQuery
from hopsml_lab.engine.spark import SparkEngine
from hopsml_lab.lab import Lab, set_lab
from hopsml_lab.settings import Settings


@pytest.fixture
def any_lab(catalog_url: str, project_root: Path, spark_engine: SparkEngine) -> Iterator[Lab]:
    """A project whose catalog is SQLite, then PostgreSQL."""
    lab = Lab(Settings(project_root=str(project_root), catalog_url=catalog_url))
    lab.__dict__["spark"] = spark_engine
    set_lab(lab)
    yield lab
    set_lab(None)
    lab.db.dispose()


def _nothing_recorded(lab: Lab, root: Path) -> None:
    assert lab.queries.list_experiments("demo", ExperimentQuery()).total == 0
    assert not (root / "Experiments").exists() or not any((root / "Experiments").iterdir())


def test_a_nan_metric_is_named_as_such(lab: Lab) -> None:
    result = experiment.run(lambda: {"metric": float("nan")}, name="diverged")
    error = result.trials[0].error or ""
    assert result.trials[0].status == "failed"
    assert "returned metric=nan" in error and "finite number" in error
    assert "but the metric key is" not in error


def test_a_metric_of_the_wrong_type_says_its_type(lab: Lab) -> None:
    result = experiment.run(lambda: {"metric": "high"}, name="wordy", metric_key="metric")
    assert "metric='high' (str): the metric must be a number" in (result.trials[0].error or "")


@pytest.mark.parametrize(
    "values",
    [[object()], [float("inf")], [{"nested": {1, 2}}]],
    ids=["object", "inf", "set"],
)
def test_a_parameter_json_cannot_hold_is_refused_before_anything_runs(
    any_lab: Lab, project_root: Path, values: list
) -> None:
    with pytest.raises(experiment.ExperimentError, match=r"parameter lr=.*recorded as JSON"):
        experiment.grid_search(lambda lr: 1.0, {"lr": values})
    _nothing_recorded(any_lab, project_root)


def test_numpy_parameter_values_are_recorded_as_numbers(lab: Lab) -> None:
    result = experiment.search(
        lambda lr: float(lr), experiment.Grid({"lr": list(np.array([0.5, 1.5], np.float32))})
    )
    assert result.best.params == {"lr": 1.5}
    detail = lab.queries.get_experiment(result.id)
    assert [t.params["lr"] for t in detail.trials] == [0.5, 1.5]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (None, "name=None: give a non-empty text"),
        ("", "name='': give a non-empty text"),
        ("x" * 10_000, r"name 'x{40}'... is 10000 characters long: at most 200 fit"),
        (42, "name=42: give a non-empty text"),
    ],
    ids=["none", "empty", "long", "number"],
)
def test_a_bad_name_is_refused_alike_on_every_catalog(
    any_lab: Lab, project_root: Path, name: object, message: str
) -> None:
    with pytest.raises(experiment.ExperimentError, match=message):
        experiment.launch(lambda: 1.0, name=name)  # type: ignore[arg-type]
    _nothing_recorded(any_lab, project_root)


def test_a_long_parameter_name_is_refused_alike_on_every_catalog(
    any_lab: Lab, project_root: Path
) -> None:
    with pytest.raises(ValueError, match=r"'p{40}'... is 300 characters long: at most 200"):
        experiment.launch(lambda **kw: 1.0, {"p" * 300: [1]})
    _nothing_recorded(any_lab, project_root)


def test_a_start_the_catalog_refuses_leaves_no_folder(lab: Lab, project_root: Path) -> None:
    with lab.db.writing() as session:  # the real database refuses the experiment's row
        session.execute(
            text(
                "CREATE TRIGGER refuse BEFORE INSERT ON experiments "
                "BEGIN SELECT RAISE(FAIL, 'the catalog is read-only today'); END"
            )
        )
    with pytest.raises(Exception, match="read-only today"):
        experiment.launch(lambda: 1.0, name="refused")
    assert not (project_root / "Experiments").exists()


def test_a_start_whose_folder_cannot_be_written_says_why(lab: Lab, project_root: Path) -> None:
    (project_root / "Experiments").write_text("a file where the folder should be")
    with pytest.raises(OSError):
        experiment.launch(lambda: 1.0, name="no-room")
    [row] = lab.queries.list_experiments("demo", ExperimentQuery()).experiments
    assert row.status == "failed"
    assert "its folder could not be written" in (row.error or "")
