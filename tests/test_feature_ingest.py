"""Inserting Spark DataFrames into feature groups: small frames through Arrow, large ones
written by the executors and committed once by the driver (append, overwrite, upsert by
a staged merge, partitioned), the schema and keys checked before anything is written, and
a failed write leaving the group at its last commit with no stray files. Real Spark
(the shared session), real Delta tables in tmp, the catalog on SQLite."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from pyspark.sql import functions as F

from hopsml_lab import hopsworks
from hopsml_lab.engine.spark import SparkEngine
from hopsml_lab.featurestore.errors import BadFeatureInput, FeatureStoreException, SchemaMismatch
from hopsml_lab.featurestore.featuregroups.spark_insert import STAGING
from hopsml_lab.featurestore.featuregroups.table import DeltaFeatureTable
from hopsml_lab.hsfs.util import FeatureGroupWarning
from hopsml_lab.lab import Lab, set_lab
from hopsml_lab.settings import Settings

T0 = pd.Timestamp("2024-01-01")


@pytest.fixture
def slab(project_root: Path, tmp_path: Path, spark_engine: SparkEngine) -> Iterator[Lab]:
    """A project on SQLite sharing the session's Spark."""
    settings = Settings(
        project_root=str(project_root), catalog_url=f"sqlite:///{tmp_path / 'c.db'}"
    )
    lab = Lab(settings)
    lab.__dict__["spark"] = spark_engine
    set_lab(lab)
    yield lab
    set_lab(None)
    lab.db.dispose()


def _large(lab: Lab) -> None:
    """Every Spark frame counts as large: written by the executors."""
    lab.settings = lab.settings.with_overrides(fs_spark_collect_max_bytes=1)


def _people(ids: list[int], base: int = 0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ids,
            "age": [base + i for i in ids],
            "score": [i / 4 for i in ids],
            "city": [f"c{i % 3}" for i in ids],
            "ts": T0 + pd.to_timedelta(ids, unit="h"),
        }
    )


def _table(lab: Lab, name: str, version: int = 1) -> DeltaFeatureTable:
    return DeltaFeatureTable.at(lab.store, f"FeatureStore/{name}_{version}")


def _stray_files(table: DeltaFeatureTable) -> set[str]:
    """Data files in the table folder that no version of the table references."""
    on_disk = {
        f
        for f in table.list_files(recursive=True)
        if not f.startswith(("_delta_log", "_change_data"))
    }
    referenced = {
        table.relative(uri)
        for version in range((table.latest_version() or 0) + 1)
        for uri in table.files(version)
    }
    return on_disk - referenced


def _sorted(frame: pd.DataFrame, by: str = "id") -> pd.DataFrame:
    return frame.sort_values(by).reset_index(drop=True)


def test_small_spark_frames_go_through_arrow(slab: Lab, spark_engine: SparkEngine) -> None:
    spark = spark_engine.session()
    fs = hopsworks.login(engine="python").get_feature_store()
    fg = fs.create_feature_group("people", version=1, primary_key=["id"], event_time="ts")
    frame = spark.createDataFrame(_people([1, 2, 3])).withColumnRenamed("age", "Age")
    with pytest.warns(FeatureGroupWarning, match="lower-cased"):
        assert fg.insert(frame) == (None, None)
    assert {f.name: f.type for f in fg.features} == {
        "id": "bigint",
        "age": "bigint",
        "score": "double",
        "city": "string",
        "ts": "timestamp",
    }
    fg.insert(spark.createDataFrame(_people([3, 4], base=10)))
    got = _sorted(fg.read())
    want = _sorted(pd.concat([_people([1, 2]), _people([3, 4], base=10)]))
    assert got[["id", "age", "city"]].values.tolist() == want[["id", "age", "city"]].values.tolist()
    assert (got.ts.astype("datetime64[us]") == want.ts.astype("datetime64[us]")).all()
    details = fg.commit_details()
    assert [(d["rowsInserted"], d["rowsUpdated"]) for d in details.values()] == [(1, 1), (3, 0)]
    assert len(_table(slab, "people").files(_table(slab, "people").latest_version())) >= 1

    other = fs.create_feature_group("saved", version=1, primary_key=["id"])
    other.save(spark.createDataFrame(_people([5])))  # save() takes a Spark frame too
    assert fs.get_feature_group("saved", 1).read()["id"].tolist() == [5]


def test_large_spark_frames_are_written_by_the_executors(
    slab: Lab, spark_engine: SparkEngine
) -> None:
    _large(slab)
    spark = spark_engine.session()
    fs = hopsworks.login(engine="python").get_feature_store()
    fg = fs.create_feature_group("people", version=1, primary_key=["id"], event_time="ts")
    fg.insert(spark.createDataFrame(_people(list(range(40)))).repartition(3))
    table = _table(slab, "people")
    first = table.latest_version()
    assert len(table.files(first)) == 3  # one file per task, committed by the driver
    assert table.delta().count() == 40  # each add action carries its row count

    # An upsert into rows: staged by the executors, merged by the driver (one commit).
    changed = spark.createDataFrame(_people(list(range(30, 50)), base=100)).repartition(2)
    fg.insert(changed)
    last = max(fg.commit_details())
    assert fg.commit_details()[last]["rowsUpdated"] == 10
    assert fg.commit_details()[last]["rowsInserted"] == 10
    got = _sorted(fg.read())
    assert got["age"].tolist() == list(range(30)) + [100 + i for i in range(30, 50)]
    assert not any(f.startswith(STAGING) for f in table.list_files(recursive=True))
    assert _stray_files(table) == set()

    # Append and overwrite: files straight into the table, one commit each.
    plain = fs.create_feature_group("events", version=1, event_time="ts")
    plain.insert(spark.createDataFrame(_people([1, 2, 3])), operation="insert")
    plain.insert(spark.createDataFrame(_people([1, 2])), operation="insert")
    assert len(plain.read()) == 5
    plain.insert(spark.createDataFrame(_people([7])), overwrite=True)
    last = max(plain.commit_details())
    assert plain.commit_details()[last]["rowsDeleted"] == 5
    assert plain.read()["id"].tolist() == [7]
    assert fs.get_feature_group("people", 1).statistics is not None  # computed per commit

    # Partitioned: staged, then laid out in partition folders by delta-rs.
    parts = fs.create_feature_group(
        "by_city", version=1, primary_key=["id"], partition_key=["city"]
    )
    parts.insert(spark.createDataFrame(_people(list(range(9)))))
    parts.insert(spark.createDataFrame(_people([0, 9], base=50)))
    got = _sorted(parts.read())
    assert got["age"].tolist() == [50, *range(1, 9), 59]
    laid_out = _table(slab, "by_city")
    folders = {Path(f).parent.name for f in laid_out.files(laid_out.latest_version() or 0)}
    assert folders == {"city=c0", "city=c1", "city=c2"}


def test_spark_frames_are_checked_before_anything_is_committed(
    slab: Lab, spark_engine: SparkEngine
) -> None:
    """The schema before any job runs; the keys on the written files, which go."""
    _large(slab)
    spark = spark_engine.session()
    fs = hopsworks.login(engine="python").get_feature_store()
    fg = fs.create_feature_group("people", version=1, primary_key=["id"])
    fg.insert(spark.createDataFrame(_people([1, 2])))
    table = _table(slab, "people")
    version = table.latest_version()

    wrong = spark.createDataFrame(_people([3])).withColumn("age", F.col("age").cast("double"))
    with pytest.raises(SchemaMismatch, match=r"age \(double, the group has bigint\)"):
        fg.insert(wrong.drop("city"))
    twice = spark.createDataFrame(_people([3, 3]))
    with pytest.raises(BadFeatureInput, match="several rows per primary key"):
        fg.insert(twice)
    fg.insert(spark.createDataFrame(_people([5])), operation="insert")  # appends may repeat
    with pytest.raises(BadFeatureInput, match="empty values"):
        fg.insert(spark.createDataFrame(_people([4])).withColumn("id", F.lit(None).cast("long")))
    assert table.latest_version() == version + 1 and len(fg.commit_details()) == 2
    assert _stray_files(table) == set()
    with pytest.raises(BadFeatureInput, match="not a list"):
        fg.insert([[1, 2]])


def test_a_failed_spark_write_leaves_the_last_commit_and_no_files(
    slab: Lab, spark_engine: SparkEngine
) -> None:
    _large(slab)
    spark = spark_engine.session()
    fs = hopsworks.login(engine="python").get_feature_store()
    fg = fs.create_feature_group("people", version=1, primary_key=["id"])
    fg.insert(spark.createDataFrame(_people(list(range(10)))))
    table = _table(slab, "people")
    version, commits = table.latest_version(), fg.commit_details()

    def failing(ids: list[int]):  # the task holding id 13 fails after the others wrote
        frame = spark.createDataFrame(_people(ids)).repartition(4, "id")
        age = F.when(F.col("id") == 13, F.raise_error(F.lit("boom"))).otherwise(F.col("age"))
        return frame.withColumn("age", age.cast("long"))

    for operation in ("insert", "upsert"):  # files into the table, and the staged merge
        with pytest.raises(Exception, match="boom"):
            fg.insert(failing(list(range(10, 30))), operation=operation)
        assert table.latest_version() == version
        assert fg.commit_details() == commits
        assert _stray_files(table) == set()
        assert not any(f.startswith(STAGING) for f in table.list_files(recursive=True))
    assert sorted(fg.read()["id"]) == list(range(10))


def test_change_data_feed_can_be_switched_off(slab: Lab, spark_engine: SparkEngine) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    fg = fs.create_feature_group("quiet", version=1, primary_key=["id"])
    fg.insert(_people([1]), write_options={"delta.enableChangeDataFeed": "false"})
    fg.insert(_people([2]))
    first = min(fg.commit_details())
    assert not _table(slab, "quiet").has_change_data()
    with pytest.raises(FeatureStoreException, match="no change data feed"):
        fg.as_of(None, exclude_until=first).read()
    assert sorted(fg.read()["id"]) == [1, 2]
    assert _table(slab, "quiet").delta().metadata().configuration == {
        "delta.enableChangeDataFeed": "false"
    }
    when = dt.datetime.now()
    assert fg.as_of(when).read()["id"].tolist() in ([1, 2], [2, 1])
