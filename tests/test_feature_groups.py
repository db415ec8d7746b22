"""Feature groups: real Delta tables in tmp, the catalog on SQLite and PostgreSQL, Spark
through the shared session; driven through the hopsworks / hsfs facades."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from hopsml_lab import hopsworks, hsfs
from hopsml_lab.featurestore.featuregroups.table import DeltaFeatureTable
from hopsml_lab.featurestore.times import committed_on, to_epoch_ms
from hopsml_lab.hsfs.util import FeatureGroupWarning, VersionWarning
from hopsml_lab.lab import Lab, set_lab
from hopsml_lab.settings import Settings


@pytest.fixture
def flab(project_root: Path, catalog_url: str) -> Iterator[Lab]:
    """A project without Spark whose catalog is SQLite, then PostgreSQL."""
    lab = Lab(Settings(project_root=str(project_root), catalog_url=catalog_url))
    set_lab(lab)
    yield lab
    set_lab(None)
    lab.db.dispose()


def _customers(ids: list[int], ages: list[int], key: str = "cust") -> pd.DataFrame:
    return pd.DataFrame({key: ids, "age": ages, "score": [a / 10 for a in ages]})


def _fg(version: int = 1, engine: str = "python"):
    fs = hopsworks.login(engine=engine).get_feature_store()
    return fs, fs.get_or_create_feature_group(
        "customers", version=version, primary_key=["cust"], description="people"
    )


def _delta_version(lab: Lab, name: str = "customers", version: int = 1) -> int | None:
    return DeltaFeatureTable(lab.store.url(f"FeatureStore/{name}_{version}")).latest_version()


def test_first_insert_creates_the_group_and_upsert_updates_by_primary_key(flab: Lab) -> None:
    fs, fg = _fg()
    assert fs.name == "demo_featurestore"
    assert fg.version == 1 and fg.id is None  # unsaved until the first insert
    with pytest.warns(FeatureGroupWarning, match="lower-cased"):
        assert fg.insert(_customers([1, 2], [30, 40], key="Cust")) == (None, None)
    assert fg.insert(_customers([2, 3], [41, 50])) == (None, None)

    again = fs.get_feature_group("customers", version=1)
    assert again is not None and again.primary_key == ["cust"] and again.description == "people"
    got = again.read().sort_values("cust").reset_index(drop=True)
    assert got["cust"].tolist() == [1, 2, 3] and got["age"].tolist() == [30, 41, 50]
    assert [f.name for f in again.features] == ["cust", "age", "score"]
    assert again.cust.primary and again["age"].type == "bigint" and again.score.type == "double"

    details = again.commit_details()
    first, second = sorted(details)
    assert list(details) == [second, first]  # newest first
    assert details[first] == {
        "committedOn": committed_on(first),
        "rowsUpdated": 0,
        "rowsInserted": 2,
        "rowsDeleted": 0,
    }
    assert list(details[second]) == ["committedOn", "rowsUpdated", "rowsInserted", "rowsDeleted"]
    assert (details[second]["rowsUpdated"], details[second]["rowsInserted"]) == (1, 1)
    assert len(again.commit_details(limit=1)) == 1
    assert list(again.commit_details(wallclock_time=first)) == [first]

    fg.insert(_customers([9], [1]), overwrite=True)
    last = max(fg.commit_details())
    assert fg.commit_details()[last]["rowsDeleted"] == 3
    assert fg.read()["cust"].tolist() == [9]


def test_two_commits_within_one_second_stay_apart(flab: Lab) -> None:
    _, fg = _fg()
    fg.insert(_customers([1], [30]))
    fg.insert(_customers([1], [31]))
    first, second = sorted(fg.commit_details())
    assert second - first < 1000
    for when in (first, committed_on(first)):
        assert fg.as_of(when).read()["age"].tolist() == [30]
    for when in (second, committed_on(second)):
        assert fg.as_of(when).read()["age"].tolist() == [31]
    assert fg.as_of(first - 1).read().empty  # before the first commit

    # The catalog gives commits in the same millisecond ids last + 1.
    catalog, group_id = flab.feature_groups, fg.id
    now = (second + 5000) / 1000
    a = catalog.add_commit(group_id, 7, inserted=0, updated=0, deleted=0, now=now)
    b = catalog.add_commit(group_id, 8, inserted=0, updated=0, deleted=0, now=now)
    assert b.commit_id == a.commit_id + 1


def test_dtypes_round_trip(flab: Lab) -> None:
    frame = pd.DataFrame(
        {
            "id": pd.Series([1, 2], dtype="int64"),
            "x": pd.Series([0.5, 1.5], dtype="float64"),
            "flag": [True, False],
            "label": pd.Series(["a", "b"], dtype=object),
            "tag": pd.Series(["u", "v"], dtype="string"),
            "ts": pd.to_datetime(["2024-01-01 10:00:00.123", "2024-01-02 00:00:00.000"]),
            "day": [dt.date(2024, 1, 1), dt.date(2024, 1, 2)],
            "event_ms": pd.Series([1_700_000_000_000, 1_700_000_000_001], dtype="int64"),
        }
    )
    fs = hopsworks.login().get_feature_store()
    fg = fs.create_feature_group("typed", version=1, primary_key=["id"], event_time="event_ms")
    fg.insert(frame)
    got = fs.get_feature_group("typed", 1).read().sort_values("id").reset_index(drop=True)
    assert got.dtypes.to_dict() == frame.dtypes.to_dict()
    pd.testing.assert_frame_equal(got, frame)
    types = {f.name: f.type for f in fg.features}
    assert types == {
        "id": "bigint",
        "x": "double",
        "flag": "boolean",
        "label": "string",
        "tag": "string",
        "ts": "timestamp",
        "day": "date",
        "event_ms": "bigint",
    }
    assert fg.event_time == "event_ms"

    for event_col in ("ts", "day"):  # timestamp and date event times are accepted too
        other = fs.create_feature_group(f"by_{event_col}", version=1, event_time=event_col)
        other.insert(frame)
    bad = fs.create_feature_group("bad_event", version=1, event_time="x")
    with pytest.raises(hsfs_exceptions().FeatureStoreException, match="event_time 'x'"):
        bad.insert(frame)
    missing = fs.create_feature_group("bad_key", version=1, primary_key=["nope"])
    with pytest.raises(ValueError, match=r"primary key \['nope'\]"):
        missing.insert(frame)


def hsfs_exceptions():
    from hopsml_lab.hsfs.client import exceptions

    return exceptions


def test_schema_mismatch_is_refused_before_writing(flab: Lab) -> None:
    _, fg = _fg()
    fg.insert(_customers([1], [30]))
    before = _delta_version(flab)
    wrong = pd.DataFrame({"cust": [2], "age": [1.5], "city": ["x"]})
    with pytest.raises(hsfs_exceptions().FeatureStoreException) as caught:
        fg.insert(wrong)
    message = str(caught.value)
    assert "score (missing)" in message and "city (not in the group)" in message
    assert "age (double, the group has bigint)" in message
    assert "new version changes the schema" in message
    assert _delta_version(flab) == before
    assert len(fg.commit_details()) == 1


def test_a_failing_insert_leaves_the_last_commit(
    flab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, fg = _fg()
    fg.insert(_customers([1, 2], [30, 40]))
    version = _delta_version(flab)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("catalog down")

    monkeypatch.setattr(flab.feature_groups, "add_commit", broken)
    with pytest.raises(RuntimeError, match="catalog down"):
        fg.insert(_customers([2, 3], [99, 99]))
    monkeypatch.undo()

    assert sorted(fg.read()["age"].tolist()) == [30, 40]
    assert len(fg.commit_details()) == 1
    table = DeltaFeatureTable(flab.store.url("FeatureStore/customers_1"))
    assert table.read(table.latest_version()).num_rows == 2  # the Delta commit was undone
    assert table.latest_version() > version

    fg.insert(_customers([3], [50]))
    assert sorted(fg.read()["age"].tolist()) == [30, 40, 50]


def test_spark_engine_reads_a_spark_dataframe(lab: Lab) -> None:
    fs, fg = _fg(engine="spark")
    fg.insert(_customers([1, 2], [30, 40]))
    fg.insert(_customers([2, 3], [41, 50]))
    frame = fs.get_feature_group("customers", 1).read()
    from pyspark.sql import DataFrame

    assert isinstance(frame, DataFrame)
    rows = sorted((r["cust"], r["age"], r["score"]) for r in frame.collect())
    pandas = fg.read(dataframe_type="pandas").sort_values("cust")
    assert rows == list(pandas.itertuples(index=False, name=None))
    first = min(fg.commit_details())
    old = fg.as_of(first).read()
    assert sorted(r["age"] for r in old.collect()) == [30, 40]
    assert sorted(r["age"] for r in fg.read(wallclock_time=first).collect()) == [30, 40]


def test_hsfs_connection_and_lookups(flab: Lab) -> None:
    fs = hsfs.connection(engine="python").get_feature_store()
    assert fs.name == "demo_featurestore"
    assert fs.get_feature_group("missing", 1) is None
    with pytest.warns(VersionWarning, match="defaulting to `1`"):
        assert fs.get_feature_group("missing") is None
    fg = fs.get_or_create_feature_group("customers", version=1, primary_key=["cust"])
    fg.insert(_customers([1], [30]))
    assert [g.version for g in fs.get_feature_groups("customers")] == [1]
    assert (
        fg.update_description("new") is fg
        and fs.get_feature_group("customers", 1).description == "new"
    )
    fg.update_feature_description("age", "years")
    assert fs.get_feature_group("customers", 1).age.description == "years"
    assert fg.show(1)["cust"].tolist() == [1]
    with pytest.raises(hsfs_exceptions().FeatureStoreException, match="as_of"):
        fg.read(wallclock_time="2024-01-01")  # python engine, as in hsfs
    fg.delete()
    assert fs.get_feature_group("customers", 1) is None
    assert _delta_version(flab) is None


def test_time_inputs_as_hsfs_reads_them() -> None:
    ms = 1718000000123
    assert to_epoch_ms("20240610061320123") == ms
    assert to_epoch_ms("2024-06-10 06:13:20.123") == ms
    assert to_epoch_ms("2024-06-10T06:13:20.123Z") == ms
    assert to_epoch_ms("2024-06-10") == 1717977600000
    assert to_epoch_ms("2024-06-10 06") == 1717977600000 + 6 * 3600_000
    assert to_epoch_ms("2024-06-10 06:13") == 1718000000000 - 20_000
    assert to_epoch_ms(dt.datetime(2024, 6, 10, 6, 13, 20, 123000)) == ms
    assert to_epoch_ms(dt.date(2024, 6, 10)) == 1717977600000
    assert to_epoch_ms(1718000000) == 1718000000000
    assert to_epoch_ms(ms) == ms
    assert to_epoch_ms(None) is None
    with pytest.raises(ValueError):
        to_epoch_ms(0)
    with pytest.raises(ValueError, match="cannot read"):
        to_epoch_ms("June")


def test_import_paths() -> None:
    from hopsml_lab.hsfs.client.exceptions import FeatureStoreException
    from hopsml_lab.hsfs.feature import Feature
    from hopsml_lab.hsfs.feature_group import FeatureGroup
    from hopsml_lab.hsfs.feature_store import FeatureStore

    assert Feature("Amount", type="double").name == "amount"
    assert issubclass(FeatureStoreException, Exception)
    assert FeatureGroup.__module__ == "hopsml_lab.hsfs.feature_group"
    assert FeatureStore.__module__ == "hopsml_lab.hsfs.feature_store"


def test_a_misspelt_argument_is_a_type_error_and_a_later_option_is_accepted(flab: Lab) -> None:
    fs = hopsworks.login().get_feature_store()
    with pytest.raises(TypeError, match="unexpected keyword argument 'primary_keys'"):
        fs.get_or_create_feature_group("typo", version=1, primary_keys=["id"])
    with pytest.raises(TypeError, match=r"create_feature_group.*'evnt_time'"):
        fs.create_feature_group("typo", version=1, evnt_time="ts")
    fg = fs.create_feature_group("later", version=1, primary_key=["id"], tags={"team": "a"})
    assert fg.primary_key == ["id"]


def test_the_hopsworks_module_names(flab: Lab) -> None:
    from hopsml_lab.hopsworks import connection, get_current_project
    from hopsml_lab.hopsworks import hsfs as hopsworks_hsfs

    assert hopsworks_hsfs is hsfs and connection is hsfs.connection
    project = hopsworks.login(project="demo")
    assert get_current_project() is project
    hopsworks.logout()
    assert get_current_project().name == "demo"
