"""The catalog, run against SQLite and a real PostgreSQL started by the test set-up."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from hopsml_lab.catalog import (
    BadQueryError,
    Database,
    ExperimentQueries,
    ExperimentQuery,
    ExperimentRecorder,
    ExperimentStatus,
    TrialStatus,
    UnknownExperimentError,
)
from hopsml_lab.catalog.db import alembic_config
from hopsml_lab.catalog.experiments.queries import _encode_token
from hopsml_lab.catalog.experiments.tables import Experiment


@pytest.fixture
def db(catalog_url: str):
    database = Database(catalog_url)
    yield database
    database.dispose()


def _experiment(
    recorder: ExperimentRecorder,
    project: int,
    name: str,
    accuracy: float | None,
    status: ExperimentStatus = ExperimentStatus.FINISHED,
    user: str = "ada",
) -> str:
    experiment = recorder.create_experiment(
        project,
        name=name,
        kind="launch",
        user=user,
        logdir=f"/p/{name}",
        metric_key="accuracy",
        direction="MAX",
    )
    trial = recorder.start_trial(experiment, "trial_0", {"lr": 0.1, "opt": "adam"}, "/p/t0")
    results = {} if accuracy is None else {"accuracy": accuracy, "loss": 1 - accuracy}
    recorder.finish_trial(trial, TrialStatus.FINISHED, results, accuracy, duration_s=0.1)
    recorder.finish_experiment(experiment, status)
    return experiment


def test_migrations_reach_head_and_create_the_indexes(db: Database) -> None:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert db.current_revision() == head
    indexes = {ix["name"] for ix in inspect(db.engine).get_indexes("experiments")}
    assert {"ix_experiments_project_created", "ix_experiments_project_name"} <= indexes
    Database(db.url).dispose()  # migrating an up-to-date catalog again is a no-op
    assert db.current_revision() == head


def test_experiment_trials_params_and_metric_series(db: Database) -> None:
    recorder, queries = ExperimentRecorder(db), ExperimentQueries(db)
    project = recorder.ensure_project("demo", "/p")
    experiment = recorder.create_experiment(
        project,
        name="mnist",
        kind="grid_search",
        user="ada",
        logdir="/p/e",
        metric_key="accuracy",
        direction="MAX",
        description="first try",
    )
    good = recorder.start_trial(experiment, "trial_0", {"lr": 0.01, "layers": 2}, "/p/e/t0")
    bad = recorder.start_trial(experiment, "trial_1", {"lr": 0.1, "layers": 3}, "/p/e/t1")
    points = [("loss", step, 1.0 / (step + 1), time.time()) for step in range(100)]
    assert recorder.add_metric_points(good, points) == 100
    recorder.finish_trial(
        good, TrialStatus.FINISHED, {"accuracy": 0.91, "plot": "a.png"}, 0.91, duration_s=2.0
    )
    recorder.finish_trial(bad, TrialStatus.FAILED, {}, None, error="Traceback: boom")
    recorder.finish_experiment(experiment, ExperimentStatus.FINISHED)

    detail = queries.get_experiment(experiment)
    assert detail.name == "mnist" and detail.status == "finished"
    assert detail.trial_count == 2 and detail.best_trial == "trial_0"
    assert detail.metric_value == pytest.approx(0.91)
    assert detail.metrics == {"accuracy": pytest.approx(0.91)}  # file names are not metrics
    first, second = detail.trials
    assert first.params == {"lr": 0.01, "layers": 2}
    assert first.results == {"accuracy": 0.91, "plot": "a.png"}
    assert [s.name for s in first.metrics] == ["loss"]
    assert first.metrics[0].steps == list(range(100))
    assert first.metrics[0].values[1] == pytest.approx(0.5)
    assert second.status == "failed" and second.error == "Traceback: boom"


def test_minimising_picks_the_smallest(db: Database) -> None:
    recorder, queries = ExperimentRecorder(db), ExperimentQueries(db)
    project = recorder.ensure_project("demo", "/p")
    experiment = recorder.create_experiment(
        project,
        name="m",
        kind="grid_search",
        user="u",
        logdir="/p",
        metric_key="loss",
        direction="MIN",
    )
    for key, loss in (("a", 0.5), ("b", 0.2), ("c", 0.9)):
        trial = recorder.start_trial(experiment, key, {}, "/p")
        recorder.finish_trial(trial, TrialStatus.FINISHED, {"loss": loss}, loss)
    recorder.finish_experiment(experiment, ExperimentStatus.FINISHED)
    assert queries.get_experiment(experiment).best_trial == "b"


def test_list_is_newest_first_and_pages_without_gaps(db: Database) -> None:
    recorder, queries = ExperimentRecorder(db), ExperimentQueries(db)
    project = recorder.ensure_project("demo", "/p")
    ids = [_experiment(recorder, project, f"exp-{i:02d}", i / 30) for i in range(25)]
    seen: list[str] = []
    token = None
    while True:
        page = queries.list_experiments("demo", ExperimentQuery(limit=10, next_token=token))
        assert page.total == 25
        seen += [e.id for e in page.experiments]
        token = page.next_token
        if token is None:
            break
    assert seen == list(reversed(ids))


def test_sort_by_metric_both_ways_and_by_name(db: Database) -> None:
    recorder, queries = ExperimentRecorder(db), ExperimentQueries(db)
    project = recorder.ensure_project("demo", "/p")
    for name, acc in (("b", 0.7), ("a", 0.9), ("c", 0.8), ("d", None)):
        _experiment(recorder, project, name, acc)

    def names(sort: str, limit: int = 10) -> list[str]:
        page = queries.list_experiments("demo", ExperimentQuery(sort=sort, limit=limit))
        return [e.name for e in page.experiments]

    assert names("-metric:accuracy") == ["a", "c", "b"]  # 'd' recorded no accuracy
    assert names("metric:accuracy") == ["b", "c", "a"]
    assert names("metric:loss") == ["a", "c", "b"]
    assert names("name") == ["a", "b", "c", "d"]
    first = queries.list_experiments("demo", ExperimentQuery(sort="-metric:accuracy", limit=2))
    rest = queries.list_experiments(
        "demo", ExperimentQuery(sort="-metric:accuracy", limit=2, next_token=first.next_token)
    )
    assert [e.name for e in rest.experiments] == ["b"] and rest.next_token is None


def test_filters_by_name_status_and_user(db: Database) -> None:
    recorder, queries = ExperimentRecorder(db), ExperimentQueries(db)
    project = recorder.ensure_project("demo", "/p")
    _experiment(recorder, project, "churn_v1", 0.5)
    _experiment(recorder, project, "Churn-v2", 0.6, status=ExperimentStatus.FAILED, user="bob")
    _experiment(recorder, project, "mnist", 0.7)
    _experiment(recorder, project, "100%_done", 0.7)

    def names(**query: object) -> set[str]:
        page = queries.list_experiments("demo", ExperimentQuery.model_validate(query))
        return {e.name for e in page.experiments}

    assert names(name="churn") == {"churn_v1", "Churn-v2"}
    assert names(name="%") == {"100%_done"}  # LIKE wildcards are matched literally
    assert names(status="failed") == {"Churn-v2"}
    assert names(user="ada") == {"churn_v1", "mnist", "100%_done"}


def test_filters_by_creation_time(db: Database) -> None:
    recorder, queries = ExperimentRecorder(db), ExperimentQueries(db)
    project = recorder.ensure_project("demo", "/p")
    day = 86_400.0
    for n, name in enumerate(("monday", "tuesday", "wednesday")):
        experiment = _experiment(recorder, project, name, 0.5)
        with db.writing() as session:
            session.get(Experiment, experiment).created_at = 1_700_000_000 + n * day

    def names(**query: object) -> list[str]:
        page = queries.list_experiments("demo", ExperimentQuery.model_validate(query))
        assert page.total == len(page.experiments)
        return [e.name for e in page.experiments]

    tuesday = 1_700_000_000 + day
    assert names(created_after=tuesday) == ["wednesday", "tuesday"]  # inclusive
    assert names(created_before=tuesday) == ["monday"]  # exclusive
    assert names(created_after=tuesday, created_before=tuesday + day) == ["tuesday"]
    assert names(created_after=tuesday, created_before=tuesday) == []
    assert names(created_after="1700000000", user="ada", sort="name") == [
        "monday",
        "tuesday",
        "wednesday",
    ]
    with pytest.raises(ValidationError, match=r"created_after=.* is later than created_before"):
        ExperimentQuery(created_after=tuesday, created_before=tuesday - 1)
    with pytest.raises(ValidationError, match="finite"):
        ExperimentQuery.model_validate({"created_before": "inf"})


def test_projects_do_not_see_each_other(db: Database) -> None:
    recorder, queries = ExperimentRecorder(db), ExperimentQueries(db)
    _experiment(recorder, recorder.ensure_project("one", "/1"), "a", 0.1)
    _experiment(recorder, recorder.ensure_project("two", "/2"), "b", 0.2)
    page = queries.list_experiments("two", ExperimentQuery())
    assert [e.name for e in page.experiments] == ["b"]
    assert queries.list_experiments("nobody", ExperimentQuery()).total == 0


def test_bad_queries_say_what_to_change(db: Database) -> None:
    queries = ExperimentQueries(db)
    ExperimentRecorder(db).ensure_project("demo", "/p")
    with pytest.raises(ValidationError, match="sort"):
        ExperimentQuery(sort="created_at; drop table experiments")
    with pytest.raises(ValidationError):
        ExperimentQuery(limit=0)
    with pytest.raises(BadQueryError, match="next_token"):
        queries.list_experiments("demo", ExperimentQuery(next_token="!!!not-a-token"))
    with pytest.raises(BadQueryError, match="next_token"):
        queries.list_experiments("demo", ExperimentQuery(next_token=_encode_token([1])[:-1]))
    with pytest.raises(UnknownExperimentError):
        queries.get_experiment("does-not-exist")


def test_a_failed_write_is_rolled_back(db: Database) -> None:
    recorder, queries = ExperimentRecorder(db), ExperimentQueries(db)
    project = recorder.ensure_project("demo", "/p")
    experiment = _experiment(recorder, project, "e", 0.5)
    trial_id = recorder.start_trial(experiment, "trial_1", {}, "/p")
    good, unknown_trial = (trial_id, "loss", 0, 1.0, 0.0), (trial_id + 999, "loss", 0, 2.0, 0.0)
    with pytest.raises(IntegrityError):
        recorder.add_points([good, unknown_trial])
    detail = queries.get_experiment(experiment)
    assert all(not t.metrics for t in detail.trials)  # nothing half-written


def test_a_step_reported_again_replaces_its_value(db: Database) -> None:
    recorder, queries = ExperimentRecorder(db), ExperimentQueries(db)
    experiment = _experiment(recorder, recorder.ensure_project("demo", "/p"), "e", 0.5)
    trial_id = recorder.start_trial(experiment, "trial_1", {}, "/p")
    recorder.add_metric_points(trial_id, [("loss", 0, 1.0, 0.0), ("loss", 1, 0.8, 0.0)])
    recorder.add_metric_points(trial_id, [("loss", 1, 0.5, 1.0)])
    series = queries.get_experiment(experiment).trials[1].metrics[0]
    assert series.steps == [0, 1] and series.values == [1.0, 0.5]


def test_last_change_moves_when_an_experiment_changes(db: Database) -> None:
    recorder, queries = ExperimentRecorder(db), ExperimentQueries(db)
    project = recorder.ensure_project("demo", "/p")
    assert queries.last_change("demo") == (0.0, 0)
    _experiment(recorder, project, "e", 0.5)
    first = queries.last_change("demo")
    assert first[1] == 1
    _experiment(recorder, project, "f", 0.5)
    assert queries.last_change("demo")[0] >= first[0]
    assert queries.last_change("demo")[1] == 2


def _write_many(url: str, name: str, count: int) -> None:
    database = Database(url)
    recorder = ExperimentRecorder(database)
    project = recorder.ensure_project("demo", "/p")
    for i in range(count):
        _experiment(recorder, project, f"{name}-{i}", i / count)
    database.dispose()


def test_two_kernels_write_at_once(catalog_url: str) -> None:
    """Two processes (two kernels) record experiments into one catalog concurrently."""
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_write_many, args=(catalog_url, n, 40)) for n in "ab"]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(120)
        assert writer.exitcode == 0
    database = Database(catalog_url)
    page = ExperimentQueries(database).list_experiments("demo", ExperimentQuery(limit=500))
    database.dispose()
    assert page.total == 80
    assert {e.name for e in page.experiments} == {f"{n}-{i}" for n in "ab" for i in range(40)}


def test_sqlite_catalog_uses_wal(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'c.db'}")
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    database.dispose()
