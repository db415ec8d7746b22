"""Reading feature groups by time, as hsfs 5.2.1 does: incremental reads
(``as_of(t, exclude_until=u)``, ``read_changes``, ``pull_changes``) from Delta's change
data feed, ``start_time``/``end_time`` event-time windows (inclusive start, exclusive
end, the scheduler's ``HOPS_START_TIME``/``HOPS_END_TIME``), on both engines; and all of it
on an HDFS project, whose Delta tables delta-rs reaches through its own ``webhdfs://``
backend. HDFS is the WebHDFS protocol double (tests/webhdfs_double.py): no namenode can be
installed on the test machines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from hopsml_lab import hopsworks
from hopsml_lab.engine.spark import SparkEngine
from hopsml_lab.featurestore.errors import FeatureStoreException
from hopsml_lab.featurestore.featuregroups.table import DeltaFeatureTable
from hopsml_lab.lab import Lab, set_lab
from hopsml_lab.settings import Settings

from .webhdfs_double import RequestLog, webhdfs_double

T0 = pd.Timestamp("2024-01-01")


@pytest.fixture
def rlab(project_root: Path, tmp_path: Path, spark_engine: SparkEngine) -> Iterator[Lab]:
    """A local project on SQLite sharing the session's Spark."""
    settings = Settings(
        project_root=str(project_root), catalog_url=f"sqlite:///{tmp_path / 'c.db'}"
    )
    lab = Lab(settings)
    lab.__dict__["spark"] = spark_engine
    set_lab(lab)
    yield lab
    set_lab(None)
    lab.db.dispose()


@pytest.fixture
def hdfs_lab(tmp_path: Path, spark_engine: SparkEngine) -> Iterator[tuple[Lab, Path, RequestLog]]:
    """A project on HDFS (the WebHDFS double), catalog on SQLite, the session's Spark;
    yields it with the namespace folder holding its files and the double's request log."""
    with webhdfs_double(tmp_path / "namespace") as (url, log):
        settings = Settings(
            project_root="hdfs://namenode:8020/Projects/demo",
            webhdfs_url=url,
            catalog_url=f"sqlite:///{tmp_path / 'c.db'}",
        )
        lab = Lab(settings)
        lab.__dict__["spark"] = spark_engine
        set_lab(lab)
        yield lab, tmp_path / "namespace" / "Projects" / "demo", log
        set_lab(None)
        lab.db.dispose()


def _rows(ids: list[int], base: int = 0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ids,
            "value": [base + i for i in ids],
            "ts": T0 + pd.to_timedelta(ids, unit="h"),
        }
    )


def _pairs(frame: pd.DataFrame) -> list[tuple[int, int]]:
    return sorted(zip(frame["id"].tolist(), frame["value"].tolist(), strict=True))


def _four_commits(fs):
    """c1 inserts 1-3, c2 updates 2 and adds 4, c3 updates 3, c4 adds 5."""
    fg = fs.create_feature_group("items", version=1, primary_key=["id"], event_time="ts")
    fg.insert(_rows([1, 2, 3]))
    fg.insert(_rows([2, 4], base=100))
    fg.insert(_rows([3], base=200))
    fg.insert(_rows([5]), operation="insert")
    return fg, sorted(fg.commit_details())


def _check_incremental(fg, commits: list[int]) -> None:
    c1, c2, c3, c4 = commits
    # (exclude_until, wallclock_time]: exclusive start, inclusive end.
    assert _pairs(fg.as_of(c3, exclude_until=c1).read()) == [(2, 102), (3, 203), (4, 104)]
    assert _pairs(fg.as_of(c2, exclude_until=c2 - 1).read()) == [(2, 102), (4, 104)]  # one
    assert _pairs(fg.as_of(None, exclude_until=c3).read()) == [(5, 5)]  # up to the latest
    assert _pairs(fg.as_of(c1, exclude_until=c1).read()) == []
    assert _pairs(fg.as_of(c4, exclude_until=c1 - 1).read()) == [
        (1, 1),
        (2, 2),
        (2, 102),  # a key written by two commits comes twice, as Delta's feed has it
        (3, 3),
        (3, 203),
        (4, 104),
        (5, 5),
    ]
    assert _pairs(fg.read_changes(c1, c3)) == _pairs(fg.as_of(c3, exclude_until=c1).read())


def test_incremental_reads_are_the_rows_of_the_commits_in_the_window(rlab: Lab) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    fg, commits = _four_commits(fs)
    _check_incremental(fg, commits)
    c1, c2, c3, _c4 = commits
    assert list(fg.as_of(c2, exclude_until=c1).read().columns) == ["id", "value", "ts"]
    assert _pairs(fg.as_of(c2, exclude_until=0).read()) == _pairs(fg.as_of(c2).read())  # hsfs
    assert fg.as_of(c2, exclude_until=c1).read().dtypes["value"] == "int64"

    # As hsfs: the times are kept on the query as epoch ms, also on the queries joined
    # directly to it; pull_changes is as_of with the arguments the other way round.
    other = fs.create_feature_group("labels", version=1, primary_key=["id"])
    other.insert(pd.DataFrame({"id": [1, 2, 3, 4], "label": [0, 1, 0, 1]}))
    joined = other.select_all().join(fg.select(["value"]), on=["id"])
    joined.as_of(pd.Timestamp(c3, unit="ms"), exclude_until=c1)
    assert (joined.left_feature_group_start_time, joined.left_feature_group_end_time) == (c1, c3)
    inner = joined.joins[0].query
    assert (inner.left_feature_group_start_time, inner.left_feature_group_end_time) == (c1, c3)
    pulled = fg.select_all().pull_changes(c1, c3)
    assert (pulled.left_feature_group_start_time, pulled.left_feature_group_end_time) == (c1, c3)
    labels_later = other.select_all().as_of(None, exclude_until=max(other.commit_details()))
    assert labels_later.read().empty  # no commit of labels after its only one

    # Only the changed rows join: the groups joined directly are read incrementally too.
    window = other.select_all().join(fg.select(["value"]), on=["id"], join_type="inner")
    window.as_of(None, exclude_until=c1 - 1)  # every commit of both
    assert sorted(window.read()["value"]) == [1, 2, 3, 102, 104, 203]


def test_incremental_reads_on_the_spark_engine(rlab: Lab) -> None:
    fs = hopsworks.login(engine="spark").get_feature_store()
    fg, commits = _four_commits(fs)
    c1, c2, c3, _c4 = commits
    rows = fg.as_of(c3, exclude_until=c1).read()
    assert sorted((r["id"], r["value"]) for r in rows.collect()) == [(2, 102), (3, 203), (4, 104)]
    assert fg.as_of(c1, exclude_until=c1).read().count() == 0
    pandas = fg.as_of(c2, exclude_until=c1).read(dataframe_type="pandas")
    assert _pairs(pandas) == [(2, 102), (4, 104)]


def _times(fs, kind: str):
    """Rows at 09:59:59.999, 10:00, 10:00:00.500, 11:00 and 12:00 of one day."""
    stamps = pd.to_datetime(
        [
            "2024-03-01 09:59:59.999",
            "2024-03-01 10:00:00",
            "2024-03-01 10:00:00.500",
            "2024-03-01 11:00:00",
            "2024-03-01 12:00:00",
        ],
        format="ISO8601",
    )
    frame = pd.DataFrame({"id": range(5), "n": range(5)})
    if kind == "timestamp":
        frame["at"] = stamps
    elif kind == "bigint":
        frame["at"] = stamps.astype("datetime64[ms]").astype("int64")
    else:
        frame["at"] = [d.date() for d in stamps - pd.to_timedelta(range(5), unit="D")]
    fg = fs.create_feature_group(f"times_{kind}", version=1, primary_key=["id"], event_time="at")
    fg.insert(frame)
    return fg


def test_start_and_end_time_are_an_event_time_window(
    rlab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    fg = _times(fs, "timestamp")
    ids = lambda frame: sorted(frame["id"])  # noqa: E731
    # [start, end): the end's row is the next window's.
    assert ids(fg.read(start_time="2024-03-01 10:00:00", end_time="2024-03-01 11:00")) == [1, 2]
    assert ids(fg.read(start_time="2024-03-01 11:00", end_time="2024-03-01 12:00")) == [3]
    assert ids(fg.read(start_time=dt.datetime(2024, 3, 1, 11))) == [3, 4]
    assert ids(fg.read(end_time="2024-03-01T10:00:00Z")) == [0]
    # hsfs compares a timestamp to the bound's second: 10:00:00.700 reads as 10:00:00.
    assert ids(fg.read(start_time="2024-03-01 10:00:00.700")) == [1, 2, 3, 4]
    in_ms = int(pd.Timestamp("2024-03-01 11:00").timestamp() * 1000)
    assert ids(fg.read(start_time=in_ms)) == [3, 4]

    query = fg.select(["id", "n"])  # Query.read: the left group's event time
    assert ids(query.read(start_time="2024-03-01 10:00", end_time="2024-03-01 12:00")) == [1, 2, 3]
    assert query.filters is not None  # as hsfs, the window stays on the query
    assert ids(fg.select(["id"]).filter(fg.n > 1).read(end_time="2024-03-01 12:00")) == [2, 3]

    # The scheduler's window when none is given (and no wallclock_time).
    monkeypatch.setenv("HOPS_START_TIME", "2024-03-01T11:00:00Z")
    monkeypatch.setenv("HOPS_END_TIME", "")
    assert ids(fg.read()) == [3, 4]
    assert ids(fg.read(start_time="2024-03-01 12:00")) == [4]  # an explicit one wins
    monkeypatch.delenv("HOPS_START_TIME")

    # Other event time types: epoch ms compared in ms; a date from the first day at or
    # after start_time (the 28th) to before the first day at or after end_time (the 2nd).
    for kind in ("timestamp", "bigint", "date"):
        other = fg if kind == "timestamp" else _times(fs, kind)
        got = other.read(start_time="2024-02-27 10:00", end_time="2024-03-01 11:00")
        assert ids(got) == [0, 1, 2], kind

    plain = fs.create_feature_group("plain", version=1, primary_key=["id"])
    plain.insert(pd.DataFrame({"id": [1]}))
    with pytest.raises(FeatureStoreException, match="no event_time column"):
        plain.read(start_time="2024-01-01")
    with pytest.raises(FeatureStoreException, match="no event_time column is defined for the left"):
        plain.select_all().read(end_time="2024-01-01")
    spark_fs = hopsworks.login(engine="spark").get_feature_store()
    spark_fg = spark_fs.get_feature_group("times_timestamp", 1)
    with pytest.raises(FeatureStoreException, match="Cannot use wallclock_time together"):
        spark_fg.read(wallclock_time="2024-03-01", start_time="2024-03-01")
    window = spark_fg.read(start_time="2024-03-01 10:00:00", end_time="2024-03-01 11:00")
    assert sorted(r["id"] for r in window.collect()) == [1, 2]  # the same on Spark


def test_an_hdfs_project_keeps_its_tables_on_hdfs(
    hdfs_lab: tuple[Lab, Path, RequestLog], spark_engine: SparkEngine
) -> None:
    lab, namespace, log = hdfs_lab
    fs = hopsworks.login(engine="python").get_feature_store()
    fg, commits = _four_commits(fs)
    folder = namespace / "FeatureStore" / "items_1"
    assert (folder / "_delta_log").is_dir() and list(folder.glob("*.parquet"))
    assert (
        "PUT",
        "CREATE",
        "/Projects/demo/FeatureStore/items_1/_delta_log/00000000000000000000.json",
    ) in log
    assert fg.location == "hdfs://namenode:8020/Projects/demo/FeatureStore/items_1"

    assert _pairs(fg.read()) == [(1, 1), (2, 102), (3, 203), (4, 104), (5, 5)]
    assert _pairs(fg.as_of(commits[0]).read()) == [(1, 1), (2, 2), (3, 3)]
    _check_incremental(fg, commits)
    stats = fg.statistics
    assert stats is not None and stats.window_end_commit_time == commits[-1]
    counts = {f.feature_name: f.count for f in stats.feature_descriptive_statistics}
    assert counts["value"] == 5

    labels = fs.create_feature_group("labels", version=1, primary_key=["id"], event_time="ts")
    labels.insert(_rows([1, 2, 3]).assign(ts=T0 + pd.Timedelta(days=1)))
    query = labels.select(["id"]).join(fg.select(["value"]), on=["id"]).filter(fg.value > 2)
    assert _pairs(query.read()) == [(2, 102), (3, 203)]
    assert fs.sql("SELECT count(*) AS n FROM items_1", dataframe_type="python") == [[5]]

    # Spark: the executors write through delta-rs's WebHDFS client, the driver commits;
    # the Spark engine reads the version's files over WebHDFS.
    lab.settings = lab.settings.with_overrides(fs_spark_collect_max_bytes=1)
    spark = spark_engine.session()
    fg.insert(spark.createDataFrame(_rows([6, 7])).repartition(2), operation="insert")
    fg.insert(spark.createDataFrame(_rows([1, 8], base=300)))  # the staged merge
    assert _pairs(fg.read())[:2] == [(1, 301), (2, 102)] and len(fg.read()) == 8
    spark_fg = hopsworks.login(engine="spark").get_feature_store().get_feature_group("items", 1)
    assert sorted(r["id"] for r in spark_fg.read().collect()) == list(range(1, 9))
    assert any(op == "GETFILEBLOCKLOCATIONS" for _, op, _ in log)
    assert not (folder / "_staging").exists()
    table = DeltaFeatureTable.at(lab.store, "FeatureStore/items_1")
    assert table.path.startswith("webhdfs://127.0.0.1:") and not table.is_local

    fg.delete()
    assert not folder.exists()
