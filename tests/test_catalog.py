"""The catalog, run against SQLite and a real PostgreSQL started by the test set-up."""

from __future__ import annotations

import multiprocessing
import random
import time
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import insert, inspect, select
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
from hopsml_lab.catalog.db import alembic_config, head_revision
from hopsml_lab.catalog.experiments.queries import _encode_token
from hopsml_lab.catalog.experiments.tables import Experiment, MetricPoint, Trial


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


def test_migration_files_are_named_after_their_revisions_in_chain_order() -> None:
    """An up-to-date catalog is recognised from the file names alone (no alembic
    import): each file must carry its revision and follow its parent."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == scripts.get_current_head()
    for script in scripts.walk_revisions():
        assert Path(script.path).name.startswith(f"{script.revision}_")
        if script.down_revision is not None:
            assert int(script.down_revision) == int(script.revision) - 1


def test_a_new_catalog_is_migrated_from_nothing(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'new.db'}", migrate=False)
    assert db.current_revision() is None
    db.migrate()
    assert db.current_revision() == head_revision()
    db.dispose()


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


# -- An experiment's trials, a page at a time -----------------------------------------------


def _bulk_experiment(db: Database, trials: int, points: int = 0, seed: int = 3) -> str:
    """An experiment of ``trials`` trials (finished, failed and queued, params of mixed
    types, ``points`` points of loss each) written in bulk, as a long search leaves it."""
    recorder = ExperimentRecorder(db)
    project = recorder.ensure_project("demo", "/p")
    experiment = recorder.create_experiment(
        project, name="big", kind="random_search", user="ada", logdir="/p/e", metric_key="acc"
    )
    rng = random.Random(seed)
    rows = []
    for n in range(trials):
        status = rng.choice(["finished"] * 8 + ["failed", "queued"])
        acc = round(rng.random(), 2) if status == "finished" else None  # many ties
        lr = rng.choice([round(rng.random(), 1), "auto", True, None, "absent"])
        params = {"opt": rng.choice(["adam", "sgd"])} | ({} if lr == "absent" else {"lr": lr})
        rows.append(
            {
                "experiment_id": experiment,
                "key": f"trial_{n}",
                "status": status,
                "params": params,
                "results": {} if acc is None else {"acc": acc, "plot": f"t{n}.png"},
                "metric_value": acc,
                "logdir": f"/p/e/trial_{n}",
                "duration_s": None if status == "queued" else rng.random(),
            }
        )
    with db.writing() as session:
        session.execute(insert(Trial), rows)
        session.get(Experiment, experiment).trial_count = trials
    with db.reading() as session:
        ids = session.scalars(select(Trial.id).where(Trial.experiment_id == experiment)).all()
    series = [
        {"trial_id": t, "name": "loss", "step": s, "value": 1.0 / (s + 1), "timestamp": 0.0}
        for t in ids
        for s in range(points)
    ]
    if series:
        with db.writing() as session:
            session.execute(insert(MetricPoint), series)
    return experiment


def _walk(queries: ExperimentQueries, experiment: str, sort: str | None, limit: int) -> list:
    trials, token = [], None
    while True:
        page = queries.trial_page(experiment, sort=sort, limit=limit, next_token=token)
        assert len(page.trials) <= limit
        trials += page.trials
        token = page.next_token
        if token is None:
            return trials


def _in_order(values: list, descending: bool) -> bool:
    """Numbers (by value) before text before missing, whichever the direction."""

    def group(v: object) -> int:
        if v is None:
            return 2
        return 0 if isinstance(v, (int, float)) and not isinstance(v, bool) else 1

    groups = [group(v) for v in values]
    if groups != sorted(groups):
        return False
    for kind in (0, 1):
        same = [str(v).lower() if kind else v for v in values if group(v) == kind]
        if same != sorted(same, reverse=descending):
            return False
    return True


def test_a_10000_trial_experiment_answers_a_bounded_page(db: Database) -> None:
    queries = ExperimentQueries(db)
    experiment = _bulk_experiment(db, 10_000, points=5)

    detail = queries.get_experiment(experiment, 50, top=10, max_points=200)
    body = detail.model_dump_json().encode()
    assert len(body) < 200_000, len(body)
    assert detail.trials_total == 10_000 and len(detail.trials) == 50
    assert detail.sort == "-metric" and detail.next_token is not None
    accs = [t.metric_value for t in detail.trials]
    assert accs == sorted(accs, reverse=True)
    assert all(t.metrics and t.metrics[0].steps == [0, 1, 2, 3, 4] for t in detail.trials)
    # the charts' best trials: the next ten by the metric, not those on the page
    assert len(detail.top_trials) == 10
    assert {t.key for t in detail.top_trials}.isdisjoint(t.key for t in detail.trials)
    assert min(accs) >= max(t.metric_value for t in detail.top_trials)

    whole = queries.get_experiment(experiment)  # what Python callers still get
    assert len(whole.trials) == 10_000 and whole.next_token is None and whole.sort == "key"
    assert [t.key for t in whole.trials[:3]] == ["trial_0", "trial_1", "trial_2"]
    assert len(whole.model_dump_json()) > 10 * len(body)


@pytest.mark.parametrize(
    "sort", [None, "key", "-key", "status", "-duration", "param:lr", "-param:lr", "result:acc"]
)
def test_paging_through_trials_visits_each_exactly_once_in_order(db: Database, sort) -> None:
    queries = ExperimentQueries(db)
    experiment = _bulk_experiment(db, 10_000 if sort is None else 1_500)
    trials = _walk(queries, experiment, sort, 500 if sort is None else 97)
    keys = [t.key for t in trials]
    assert len(keys) == len(set(keys)) == (10_000 if sort is None else 1_500)
    field = (sort or "-metric").lstrip("-")
    descending = (sort or "-metric").startswith("-")
    if field == "key":
        numbers = [int(k.removeprefix("trial_")) for k in keys]
        assert numbers == sorted(numbers, reverse=descending)
    elif field == "status":
        assert [t.status for t in trials] == sorted(t.status for t in trials)
    else:
        value = {
            "metric": lambda t: t.metric_value,
            "duration": lambda t: t.duration_s,
            "param:lr": lambda t: t.params.get("lr"),
            "result:acc": lambda t: t.results.get("acc"),
        }[field]
        assert _in_order([value(t) for t in trials], descending)


def test_a_trial_recorded_between_pages_is_neither_skipped_nor_repeated(db: Database) -> None:
    recorder, queries = ExperimentRecorder(db), ExperimentQueries(db)
    experiment = _bulk_experiment(db, 30)
    first = queries.trial_page(experiment, sort="key", limit=20)
    recorder.start_trial(experiment, "late", {"lr": 0.5}, "/p/e/late")
    rest = queries.trial_page(experiment, sort="key", limit=20, next_token=first.next_token)
    keys = [t.key for t in first.trials + rest.trials]
    assert keys == [f"trial_{n}" for n in range(30)] + ["late"]
    assert rest.total == 31 and rest.next_token is None


def test_series_are_thinned_to_max_points_keeping_first_and_last(db: Database) -> None:
    recorder, queries = ExperimentRecorder(db), ExperimentQueries(db)
    experiment = _experiment(recorder, recorder.ensure_project("demo", "/p"), "e", 0.5)
    trial = recorder.start_trial(experiment, "trial_1", {}, "/p")
    recorder.add_metric_points(trial, [("loss", s, s / 1000, 0.0) for s in range(1000)])
    recorder.add_metric_points(trial, [("acc", s, s / 10, 0.0) for s in range(10)])
    page = queries.trial_page(experiment, sort="-key", limit=1, max_points=50)
    loss, acc = sorted(page.trials[0].metrics, key=lambda s: s.name != "loss")
    assert 40 <= len(loss.steps) <= 50 and loss.steps[0] == 0 and loss.steps[-1] == 999
    assert loss.values == [s / 1000 for s in loss.steps]
    assert acc.steps == list(range(10))  # short series whole
    whole = {s.name: s for s in queries.get_experiment(experiment).trials[1].metrics}
    assert whole["loss"].steps == list(range(1000))  # Python callers get every point
    assert queries.trial_page(experiment, series=False).trials[0].metrics == []


@pytest.mark.parametrize(
    ("sort", "token", "says"),
    [
        ("-created_at", [{"a": 1}, "x"], "sort value is an object, not a number"),
        ("-created_at", [1, 2], "id is a number, not a string"),
        ("name", [1.5, "x"], "sort value is a number, not a string"),
        ("-metric:accuracy", [True, "x"], "sort value is a boolean"),
        ("-created_at", [None, "x"], "sort value is null, not a number"),
        ("-created_at", [1, "x\x00"], "start again"),
        ("-created_at", [10**30, "x"], "out of range"),
    ],
)
def test_a_next_token_of_the_wrong_shape_is_refused(db: Database, sort, token, says) -> None:
    queries = ExperimentQueries(db)
    ExperimentRecorder(db).ensure_project("demo", "/p")
    with pytest.raises(BadQueryError, match=says):
        queries.list_experiments(
            "demo", ExperimentQuery(sort=sort, next_token=_encode_token(token))
        )


@pytest.mark.parametrize(
    ("sort", "token", "says"),
    [
        ("-metric", [{"a": 1}, 5], "sort value is an object, not a number or null"),
        ("metric", ["x", 5], "sort value is a string, not a number or null"),
        ("status", [1, 5], "sort value is a number, not a string"),
        ("key", [None, 5], "sort value is null, not a number"),
        ("param:lr", [[1], 5], "sort value is a list"),
        ("param:lr", [1, "y"], "id is a string, not a trial id"),
        ("param:lr", [1, -1], "id is out of range"),
        ("key", [1, 2**64], "id is out of range"),
        ("key", [1, 2.5], "id is out of range"),
        ("key", [1, True], "id is a boolean"),
    ],
)
def test_a_trial_next_token_of_the_wrong_shape_is_refused(db: Database, sort, token, says) -> None:
    queries = ExperimentQueries(db)
    experiment = _bulk_experiment(db, 3)
    with pytest.raises(BadQueryError, match=says):
        queries.trial_page(experiment, sort=sort, next_token=_encode_token(token))
    with pytest.raises(BadQueryError, match="sort="):
        queries.trial_page(experiment, sort='param:a"b')
    with pytest.raises(UnknownExperimentError):
        queries.trial_page("does-not-exist")
