"""Training data made by Spark: splits, the transformations' fit and apply, and the files,
all on the executors, giving what the pandas path gives (time splits row for row,
fitted statistics exactly or within the stated tolerance, files that read back equal),
seeded random splits with their promised properties, materialised files (and hsfs 3.x
datasets, appended to or overwritten by the executors) read back by the executors equal
to the Python engine's reads, and no rows on the driver: that proof reads each finished
task's result size from Spark's status store (the bytes a task sent back to the driver),
checked against a positive control that does collect; for reads also the bytes the
tasks read from the files, against a control whose rows came from the driver."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from hopsml_lab import hopsworks
from hopsml_lab.engine.spark import SparkEngine
from hopsml_lab.featurestore.featureviews import view_transforms
from hopsml_lab.featurestore.featureviews.spark_reads import collect
from hopsml_lab.featurestore.featureviews.spark_splits import SPLIT, labelled
from hopsml_lab.featurestore.featureviews.splits import make_splits
from hopsml_lab.featurestore.featureviews.td_files import dtypes_of
from hopsml_lab.featurestore.transformations import engine, spark_stats
from hopsml_lab.featurestore.transformations import stats as transformation_stats
from hopsml_lab.featurestore.transformations.spark_stats import ACCURACY
from hopsml_lab.hsfs import builtin_transformations as bt
from hopsml_lab.hsfs.hopsworks_udf import udf
from hopsml_lab.lab import Lab, set_lab
from hopsml_lab.settings import Settings

from .webhdfs_double import webhdfs_double

T0 = pd.Timestamp("2024-01-01")
N = 1500
TRAIN_END = T0 + pd.Timedelta(hours=900)
VALIDATION_END = T0 + pd.Timedelta(hours=1200)
pytestmark = pytest.mark.filterwarnings("ignore::hopsml_lab.featurestore.errors.VersionWarning")


@udf(float, mode="pandas")
def fails_on_big(amount):
    """Fails on the executors for any batch with an amount above 90."""
    if (amount > 90).any():
        raise ValueError("planted failure: amount above 90")
    return amount


def _orders(n: int = N, payload: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    amount = (rng.random(n) * 100).round(2)
    amount[::97] = np.nan
    frame = pd.DataFrame(
        {
            "id": np.arange(n),
            "cid": rng.integers(0, 4, n),
            "amount": amount,
            "note": [f"n{i:05d}" for i in range(n)],
            "flag": rng.random(n) > 0.5,
            "label": rng.integers(0, 2, n),
            "ts": T0 + pd.to_timedelta(np.arange(n), unit="h"),
        }
    )
    if payload:  # random text: what collecting the rows would have to carry
        letters = rng.integers(97, 123, (n, payload), dtype=np.uint8)
        frame["payload"] = [row.tobytes().decode() for row in letters]
    return frame


def _view(fs: Any, transformations: list[Any] | None = None, payload: int = 0) -> Any:
    orders = fs.create_feature_group("orders", version=1, primary_key=["id"], event_time="ts")
    orders.insert(_orders(payload=payload))
    cust = fs.create_feature_group("customers", version=1, primary_key=["cid"], event_time="ts")
    cust.insert(
        pd.DataFrame(
            {
                "cid": [0, 1, 2, 3],
                "age": [30, 41, 52, 41],
                "city": ["oslo", "lima", None, "oslo"],
                "ts": [T0] * 4,
            }
        )
    )
    columns = ["cid", "amount", "note", "flag", "label", "ts"] + (["payload"] if payload else [])
    query = orders.select(columns).join(cust.select(["age", "city"]), on=["cid"])
    return fs.create_feature_view(
        "orders_view",
        query,
        version=1,
        labels=["label"],
        transformation_functions=transformations or [],
    )


def _transformations() -> list[Any]:
    return [
        bt.min_max_scaler("amount"),
        bt.standard_scaler("age"),
        bt.robust_scaler("amount"),
        bt.label_encoder("city"),
        bt.one_hot_encoder("city"),
    ]


def _spark_view(name: str = "orders_view") -> Any:
    return hopsworks.login(engine="spark").get_feature_store().get_feature_view(name, 1)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("note").reset_index(drop=True)


def _same(
    got: pd.DataFrame,
    want: pd.DataFrame,
    dtypes: bool = True,
    skip: tuple = (),
    rtol: float = 1e-9,
) -> None:
    got, want = _sorted(got), _sorted(want)
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    for column in got.columns:
        if column in skip:
            continue
        a, b = got[column], want[column]
        if b.dtype.kind == "f":
            assert np.allclose(a.astype(float), b.astype(float), rtol=rtol, equal_nan=True), column
        else:
            assert (
                a.astype(object).where(a.notna(), None).tolist()
                == b.astype(object).where(b.notna(), None).tolist()
            ), column
        assert not dtypes or a.dtype == b.dtype, (column, a.dtype, b.dtype)


def _fitted(fv: Any, version: int) -> dict[str, Any]:
    return fv._training.get(fv._record, version).transformation_statistics


def _check_fit(spark: dict[str, Any], pandas: dict[str, Any], train: dict[str, pd.Series]) -> None:
    """Exact where exact is promised; percentiles within ``1 / ACCURACY`` of rank."""
    assert set(spark) == set(pandas)
    for feature, want in pandas.items():
        got = spark[feature]
        assert set(got) == set(want), feature
        for key, value in want.items():
            if key in ("sum", "mean", "std_dev"):
                assert got[key] == pytest.approx(value, rel=1e-12), (feature, key)
            elif key == "percentiles":
                values = np.sort(train[feature].dropna().astype(float).to_numpy())
                for k, found in enumerate(got[key]):
                    q = (k + 1) / 100
                    slack = 1 / ACCURACY + 1 / len(values)
                    rank = np.searchsorted(values, found, side="right") / len(values)
                    low = np.searchsorted(values, found, side="left") / len(values)
                    assert low - slack <= q <= rank + slack, (feature, q, found)
            else:
                assert got[key] == value, (feature, key)


def test_time_splits_fit_and_apply_match_the_pandas_path(lab: Lab) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    fv = _view(fs, _transformations())
    bounds = {"train_end": TRAIN_END, "validation_end": VALIDATION_END}
    want = fv.train_validation_test_split(**bounds, primary_key=True, statistics_config=False)
    pandas_version = fv.get_last_accessed_training_dataset()

    spark_fv = _spark_view()
    got = spark_fv.train_validation_test_split(**bounds, primary_key=True)
    from pyspark.sql import DataFrame

    assert all(isinstance(part, DataFrame) for part in got)
    spark_version = spark_fv.get_last_accessed_training_dataset()
    frames = [part.toPandas() for part in got]  # the test collects, to compare
    for mine, theirs in zip(frames[:3], want[:3], strict=True):
        _same(mine, theirs, dtypes=False, skip=("robust_scaler_amount_",))
    for mine, theirs in zip(frames[3:], want[3:], strict=True):
        assert sorted(mine["label"]) == sorted(theirs["label"])
    assert [len(f) for f in frames[:3]] == [900, 300, N - 1200]

    # The fit: the train rows' statistics, as the pandas path computes them.
    rows = _orders()
    train = rows[rows.ts < TRAIN_END].merge(
        pd.DataFrame({"cid": [0, 1, 2, 3], "age": [30, 41, 52, 41]}), on="cid"
    )
    spark_fit, pandas_fit = _fitted(spark_fv, spark_version), _fitted(fv, pandas_version)
    _check_fit(spark_fit, pandas_fit, {"amount": train["amount"], "age": train["age"]})
    assert spark_fit["city"]["extended_statistics"]["unique_values"] == ["lima", "oslo"]

    # The apply on the executors is the engine's apply: the same fitted statistics give
    # the same rows, the approximate percentiles' robust_scaler included.
    plain = fv.query.read()
    plain = plain[plain.ts < TRAIN_END]
    bound = view_transforms.load(fv._record.transformation_functions)
    expected = view_transforms.apply(bound, plain, spark_fit)
    mine = frames[0].sort_values("note").reset_index(drop=True)
    expected = expected.sort_values("note").reset_index(drop=True)
    assert np.allclose(
        mine["robust_scaler_amount_"].astype(float),
        expected["robust_scaler_amount_"].astype(float),
        rtol=1e-12,
        equal_nan=True,
    )

    # In memory, read again: the same rows, with the dtypes of the pandas path.
    again = spark_fv.get_train_validation_test_split(
        spark_version, primary_key=True, dataframe_type="pandas"
    )
    _same(again[0], want[0], skip=("robust_scaler_amount_",))
    assert list(again[0].columns) == list(want[0].columns)
    python_again = fv.get_train_validation_test_split(spark_version)  # Spark reads it there
    _same(python_again[2], again[2].drop(columns=["demo_orders_1_id"]))


def test_random_splits_are_seeded_disjoint_and_complete(
    lab: Lab, spark_engine: SparkEngine
) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    _view(fs)
    spark_fv = _spark_view()
    X_train, X_val, X_test, *_ = spark_fv.train_validation_test_split(
        validation_size=0.2, test_size=0.1, statistics_config=False
    )
    notes = [
        set(r["note"] for r in part.select("note").collect()) for part in (X_train, X_val, X_test)
    ]
    assert not (notes[0] & notes[1] or notes[0] & notes[2] or notes[1] & notes[2])
    assert set().union(*notes) == {f"n{i:05d}" for i in range(N)}
    for found, fraction in zip(notes, (0.7, 0.2, 0.1), strict=True):
        spread = 4 * np.sqrt(N * fraction * (1 - fraction))  # 4 standard deviations
        assert abs(len(found) - N * fraction) < spread, (len(found), fraction)
    version = spark_fv.get_last_accessed_training_dataset()
    again = fv_notes(spark_fv.get_train_validation_test_split(version))
    assert again == notes  # its seed, recorded, splits it the same way

    # Whatever the partitioning, the same rows and seed give the same split.
    spark = spark_engine.session()
    frame = spark.createDataFrame(_orders(400))
    splits = make_splits(2, test_size=0.3)
    one = labelled(frame.coalesce(1), splits, 5, None).select("note", SPLIT).collect()
    many = labelled(frame.repartition(7), splits, 5, None).select("note", SPLIT).collect()
    assert sorted(map(tuple, one)) == sorted(map(tuple, many))
    other = labelled(frame, splits, 6, None).select("note", SPLIT).collect()
    assert sorted(map(tuple, other)) != sorted(map(tuple, one))


def test_fit_statistics_on_spark_match_pandas(spark_engine: SparkEngine) -> None:
    """Every kind of feature the fit describes, ties in the histograms, NaN as missing,
    and a chained fit (statistics of another transformation's output)."""
    rng = np.random.default_rng(3)
    n = 800
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "k": rng.integers(0, 6, n),
            "c": rng.choice(["b", "a", "d", None], n),
            "flag": rng.random(n) > 0.5,
            "t": T0 + pd.to_timedelta(rng.integers(0, 3, n), unit="D"),
        }
    )
    frame.loc[::50, "x"] = np.nan
    frame.loc[:3, "c"] = ["e", "e", "f", "f"]  # two values with one tie in their counts
    spark = spark_engine.session().createDataFrame(frame)
    wanted = ["x", "k", "c", "flag", "t"]
    pandas_fit = transformation_stats.compute(frame, wanted, {"k"}, {"c"})
    spark_fit = spark_stats.compute(spark, wanted, {"k"}, {"c"})
    _check_fit(
        json.loads(json.dumps(spark_fit)),
        json.loads(json.dumps(pandas_fit)),
        {"x": frame["x"], "k": frame["k"]},
    )

    bound = engine.bind(
        [bt.min_max_scaler("x"), bt.standard_scaler("min_max_scaler_x_")], ["x", "k"]
    )
    chained = spark_stats.fit_spark(bound, spark, dtypes_of(frame))
    want = engine.fit(bound, frame)
    scaled = want["min_max_scaler_x_"]
    assert chained["min_max_scaler_x_"]["mean"] == pytest.approx(scaled["mean"], rel=1e-12)
    assert chained["min_max_scaler_x_"]["max"] == scaled["max"] == 1.0


def fv_notes(parts: tuple) -> list[set[str]]:
    return [set(r["note"] for r in part.select("note").collect()) for part in parts[:3]]


def test_materialised_files_read_back_as_the_pandas_engine_writes_them(lab: Lab) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    fv = _view(fs, [bt.min_max_scaler("amount"), bt.label_encoder("city")])
    spark_fv = _spark_view()
    root = Path(lab.store.url("FeatureStore/training_datasets"))
    seeded = {}
    for fmt in ("parquet", "csv", "tfrecord"):
        stats = fmt == "parquet"  # split statistics on Spark, once
        mine, _ = spark_fv.create_train_test_split(
            train_end=TRAIN_END, data_format=fmt, statistics_config=stats
        )
        theirs, _ = fv.create_train_test_split(
            train_end=TRAIN_END, data_format=fmt, statistics_config=stats
        )
        parts = sorted(p.name for p in (root / f"orders_view_1_{mine}" / "train").iterdir())
        assert parts and all(p.startswith("part-") and p.endswith(f".{fmt}") for p in parts)
        for keys in (False, True):
            got = fv.get_train_test_split(mine, primary_key=keys, event_time=keys)
            want = fv.get_train_test_split(theirs, primary_key=keys, event_time=keys)
            for a, b in zip(got, want, strict=True):
                if "note" in b.columns:
                    _same(a, b, dtypes=fmt != "tfrecord")
                else:
                    assert sorted(a["label"]) == sorted(b["label"])
        if stats:
            described = [fv.get_training_dataset_statistics(v) for v in (mine, theirs)]
            for a, b in zip(*(d.split_statistics for d in described), strict=True):
                assert a.name == b.name
                for x, y in zip(
                    a.feature_descriptive_statistics, b.feature_descriptive_statistics, strict=True
                ):
                    assert (x.feature_name, x.count, x.num_null_values, x.min, x.max) == (
                        y.feature_name,
                        y.count,
                        y.num_null_values,
                        y.min,
                        y.max,
                    )
                    for key in ("mean", "std_dev", "sum"):
                        mine_v, theirs_v = getattr(x, key), getattr(y, key)
                        assert (mine_v is None) == (theirs_v is None), (x.feature_name, key)
                        if theirs_v is not None:
                            assert mine_v == pytest.approx(theirs_v, rel=1e-9, abs=1e-12)
        if fmt != "tfrecord":  # a random split: its seed splits the same in every format
            version, _ = spark_fv.create_train_test_split(
                test_size=0.25, seed=11, data_format=fmt, statistics_config=False
            )
            seeded[fmt] = tuple(sorted(fv.get_train_test_split(version)[1]["note"]))
    assert len(set(seeded.values())) == 1 and 0 < len(seeded["csv"]) < N
    assert not [p for p in root.iterdir() if p.name.startswith(".")]  # no staging left

    # hsfs 3.x: td.save(query) on the Spark engine, read back through tf.data.
    tf = pytest.importorskip("tensorflow")
    spark_fs = hopsworks.login(engine="spark").get_feature_store()
    td = spark_fs.create_training_dataset(
        "orders_td", splits={"train": 0.8, "test": 0.2}, seed=4, label=["label"]
    )
    td.save(spark_fv.query)
    train = td.read("train").toPandas()
    engine = td.tf_data(target_name="label", split="train", feature_names=["amount"])
    parsed = list(engine.tf_record_dataset().as_numpy_iterator())
    assert sorted(p["note"].decode() for p in parsed) == sorted(train.note)
    assert len(train) + len(td.read("test").toPandas()) == N
    assert tf is not None


def _jobs(spark_engine: SparkEngine) -> dict[int, Any]:
    store = spark_engine.session().sparkContext._jsc.sc().statusStore()
    found, jobs = {}, store.jobsList(None).iterator()
    while jobs.hasNext():
        job = jobs.next()
        found[job.jobId()] = job
    return found


def _task_results(spark_engine: SparkEngine, before: set[int]) -> tuple[int, int]:
    """The bytes tasks of the jobs run since ``before`` sent back to the driver: the most
    one task sent (its stage's result size over its tasks), and all of them."""
    store = spark_engine.session().sparkContext._jsc.sc().statusStore()
    largest = total = 0
    for job_id, job in _jobs(spark_engine).items():
        if job_id in before:
            continue
        stages = job.stageIds().iterator()
        while stages.hasNext():
            try:
                stage = store.lastStageAttempt(stages.next())
            except Exception:  # a stage that was skipped never ran
                continue
            tasks = max(1, stage.numCompleteTasks())
            largest = max(largest, stage.resultSize() // tasks)
            total += stage.resultSize()
    return largest, total


def _input_bytes(spark_engine: SparkEngine, before: set[int]) -> int:
    """The bytes tasks of the jobs run since ``before`` read from files themselves."""
    store = spark_engine.session().sparkContext._jsc.sc().statusStore()
    total = 0
    for job_id, job in _jobs(spark_engine).items():
        if job_id in before:
            continue
        stages = job.stageIds().iterator()
        while stages.hasNext():
            try:
                total += store.lastStageAttempt(stages.next()).inputBytes()
            except Exception:  # a stage that was skipped never ran
                continue
    return total


def _payload_read(frame: Any) -> int:
    """An action over every payload value that brings one number back."""
    from pyspark.sql import functions as F

    return frame.agg(F.sum(F.length("payload"))).first()[0]


def test_no_rows_reach_the_driver(lab: Lab, spark_engine: SparkEngine) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    _view(fs, [bt.min_max_scaler("amount"), bt.one_hot_encoder("city")], payload=600)
    spark_fv = _spark_view()

    before = set(_jobs(spark_engine))
    version, _ = spark_fv.create_train_test_split(test_size=0.2, seed=1, data_format="parquet")
    X_train, *_ = spark_fv.train_test_split(test_size=0.2)
    written, _ = _task_results(spark_engine, before)

    before = set(_jobs(spark_engine))
    parts = spark_fv.get_train_test_split(version)  # the files, read by the executors
    assert _payload_read(parts[0]) + _payload_read(parts[1]) == N * 600
    read, _ = _task_results(spark_engine, before)
    read_input = _input_bytes(spark_engine, before)

    before = set(_jobs(spark_engine))
    collected = X_train.toPandas()  # the positive control: the rows do come back here
    control, control_total = _task_results(spark_engine, before)
    assert len(collected) > 1000 and collected["payload"].str.len().min() == 600
    # The control's tasks carried the ~700 KB of text; every task of the Spark path
    # answered a file list, an aggregate or a count: task metrics, a few kilobytes.
    assert control_total > 600_000 and control > 128_000, (control, control_total)
    assert written < 32_000, written
    # Reading the version back: the executors read the files (their input bytes hold
    # the payload) and answered one number each.
    assert read < 32_000, read
    assert read_input > N * 600, read_input  # random letters: Parquet barely shrinks them
    _driver_read_control(spark_engine, fs.get_feature_view("orders_view", 1), version)


def _driver_read_control(spark_engine: SparkEngine, fv: Any, version: int) -> None:
    """The positive control of reads: files read on the driver (the pandas path) and
    handed to Spark. Its tasks read no file: the rows came from the driver."""
    before = set(_jobs(spark_engine))
    shipped = spark_engine.session().createDataFrame(fv.get_train_test_split(version)[0])
    assert _payload_read(shipped) > N * 600 / 2
    assert _input_bytes(spark_engine, before) == 0


def test_dataset_inserts_and_reads_keep_rows_off_the_driver(
    lab: Lab, spark_engine: SparkEngine
) -> None:
    """hsfs 3.x ``td.insert`` (append, then overwrite) and ``td.read`` on Spark: task
    results stay small, the reads' tasks read the files; the control collects."""
    fs = hopsworks.login(engine="python").get_feature_store()
    docs = fs.create_feature_group("docs", version=1, primary_key=["id"])
    docs.insert(_orders(payload=600)[["id", "note", "payload"]])
    spark_fs = hopsworks.login(engine="spark").get_feature_store()
    query = spark_fs.get_feature_group("docs", 1).select_all()
    td = spark_fs.create_training_dataset(
        "docs_td", data_format="parquet", splits={"train": 0.8, "test": 0.2}, seed=2
    )
    td.save(query)

    before = set(_jobs(spark_engine))
    td.insert(query, overwrite=False)
    appended, _ = _task_results(spark_engine, before)
    before = set(_jobs(spark_engine))
    assert _payload_read(td.read("train")) + _payload_read(td.read("test")) == 2 * N * 600
    read, _ = _task_results(spark_engine, before)
    read_input = _input_bytes(spark_engine, before)
    before = set(_jobs(spark_engine))
    td.insert(query, overwrite=True)
    overwritten, _ = _task_results(spark_engine, before)

    before = set(_jobs(spark_engine))
    collected = td.read("train").toPandas()  # the positive control: rows come back
    control, control_total = _task_results(spark_engine, before)
    assert len(collected) > N / 2 and control > 128_000, (control, control_total)
    # Statistics are on (recomputed over every row after each insert): aggregates only.
    assert max(appended, overwritten, read) < 32_000, (appended, overwritten, read)
    assert read_input > 2 * N * 600, read_input


def test_python_engine_writes_on_spark_when_queries_run_there(lab: Lab) -> None:
    lab.settings = lab.settings.with_overrides(fs_query_engine="spark")
    fs = hopsworks.login(engine="python").get_feature_store()
    fv = _view(fs, [bt.min_max_scaler("amount")])
    version, _ = fv.create_train_test_split(test_size=0.25, seed=3, statistics_config=False)
    record = fv._training.get(fv._record, version)
    assert record.settings["split_engine"] == "spark"
    folder = Path(lab.store.url(record.location or "")) / "test"
    assert all(len(p.name.split("-")) == 4 for p in folder.iterdir())  # part-<task>-<id>-<n>
    X_train, X_test, *_ = fv.get_train_test_split(version)
    assert len(X_train) + len(X_test) == N and "min_max_scaler_amount_" in X_train
    fv.recreate_training_dataset(version)  # written again by the executors
    again = fv.get_train_test_split(version)
    _same(again[0], X_train)
    # in memory, the Python engine answers pandas: split there, as before
    X, _, _, _ = fv.train_test_split(test_size=0.25)
    assert isinstance(X, pd.DataFrame)
    last = fv._training.get(fv._record, fv.get_last_accessed_training_dataset())
    assert "split_engine" not in last.settings


def test_a_failed_write_leaves_nothing(lab: Lab) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    _view(fs, [fails_on_big("amount")])
    spark_fv = _spark_view()
    with pytest.raises(Exception, match="planted failure"):
        spark_fv.create_train_test_split(test_size=0.2, seed=1, statistics_config=False)
    root = Path(lab.store.url("FeatureStore/training_datasets"))
    assert not root.exists() or not list(root.iterdir())
    assert spark_fv.get_training_datasets() == []


@pytest.fixture
def hdfs_lab(tmp_path: Path, spark_engine: SparkEngine) -> Iterator[tuple[Lab, Path]]:
    """A project on HDFS (the WebHDFS double) sharing the session's Spark."""
    with webhdfs_double(tmp_path / "namespace") as (url, _log):
        settings = Settings(
            project_root="hdfs://namenode:8020/Projects/demo",
            webhdfs_url=url,
            catalog_url=f"sqlite:///{tmp_path / 'c.db'}",
        )
        lab = Lab(settings)
        lab.__dict__["spark"] = spark_engine
        set_lab(lab)
        yield lab, tmp_path / "namespace" / "Projects" / "demo"
        set_lab(None)
        lab.db.dispose()


def test_executors_write_training_data_to_hdfs(hdfs_lab: tuple[Lab, Path]) -> None:
    lab, namespace = hdfs_lab
    fs = hopsworks.login(engine="python").get_feature_store()
    fv = _view(fs, [bt.min_max_scaler("amount")])
    want = fv.train_test_split(train_end=TRAIN_END, statistics_config=False)
    spark_fv = _spark_view()
    root = namespace / "FeatureStore" / "training_datasets"
    for fmt in ("parquet", "tfrecord"):
        version, _ = spark_fv.create_train_test_split(
            train_end=TRAIN_END, data_format=fmt, statistics_config=False
        )
        assert list((root / f"orders_view_1_{version}" / "train").glob(f"part-*.{fmt}"))
        got = fv.get_train_test_split(version)
        exact = fmt != "tfrecord"  # TFRecord keeps floats as float32
        _same(got[0], want[0], dtypes=exact, rtol=1e-9 if exact else 1e-6)
        _same(got[1], want[1], dtypes=exact, rtol=1e-9 if exact else 1e-6)
        spark_test = spark_fv.get_train_test_split(version)[1]  # read by the executors
        assert fmt == "tfrecord" or "webhdfs://" in _read_by_executors(spark_test)
        _same(_collected(spark_test, got[1]), got[1])

    # hsfs 3.x on HDFS: saved and appended to by the executors, read back by them.
    spark_fs = hopsworks.login(engine="spark").get_feature_store()
    td = spark_fs.create_training_dataset("orders_td", data_format="parquet", seed=1)
    rows = lab.spark.session().createDataFrame(_orders(60))
    td.save(rows)
    td.insert(rows, overwrite=False)
    assert len(list((root / "orders_td_1" / "orders_td").glob("part-*.parquet"))) >= 2
    frame = td.read()
    assert "webhdfs://" in _read_by_executors(frame)
    python_td = fs.get_training_dataset("orders_td", 1)
    theirs = python_td.read()
    assert len(theirs) == 2 * 60
    _same(_collected(frame, theirs), theirs)
    assert not [p for p in root.iterdir() if p.name.startswith(".")]


def _read_by_executors(frame: Any) -> str:
    """The physical plan of a frame read back: a file scan (or the decoding tasks over
    file numbers), never rows handed over by the driver."""
    plan = frame._jdf.queryExecution().executedPlan().toString()
    assert "LocalTableScan" not in plan and "ExistingRDD" not in plan, plan
    assert "FileScan" in plan or ("FileDecoder" in plan and "Range" in plan), plan
    return plan


def _tricky() -> pd.DataFrame:
    """Text a CSV reader can trip on, missing values and nanosecond times."""
    return pd.DataFrame(
        {
            "note": ["a,b", 'say "hi"', "two\nlines", None, "", "tab\there", "plain"],
            "n": pd.array([1, None, 3, 4, 5, 6, 7], dtype="Int64"),
            "x": [0.5, np.nan, np.inf, -1.25, 1e-300, 2.0, 3.0],
            "flag": [True, False, True, True, False, False, True],
            "ts": pd.to_datetime(
                format="ISO8601",
                arg=[
                    "2024-01-01",
                    "2024-01-02 03:04:05.123456789",
                    None,
                    "2024-01-04",
                    "2024-01-05",
                    "2024-01-06",
                    "2024-01-07",
                ],
            ).astype("datetime64[ns]"),
        }
    )


def test_spark_reads_materialised_files_as_the_python_engine(lab: Lab) -> None:
    from pyspark.sql import DataFrame

    fs = hopsworks.login(engine="python").get_feature_store()
    fv = _view(fs, [bt.min_max_scaler("amount")])
    spark_fv = _spark_view()
    schemas = set()
    for fmt in ("parquet", "csv", "tfrecord"):
        version, _ = fv.create_train_test_split(
            train_end=TRAIN_END, data_format=fmt, statistics_config=False
        )
        spark_parts = spark_fv.get_train_test_split(version, primary_key=True, event_time=True)
        assert all(isinstance(p, DataFrame) for p in spark_parts)
        _read_by_executors(spark_parts[0])
        schemas.add(spark_parts[0].schema.simpleString())
        got = spark_fv.get_train_test_split(
            version, primary_key=True, event_time=True, dataframe_type="pandas"
        )
        want = fv.get_train_test_split(version, primary_key=True, event_time=True)
        for a, b in zip(got[:2], want[:2], strict=True):
            _same(a, b)  # row for row, with the pandas path's dtypes
        assert sorted(got[2]["label"]) == sorted(want[2]["label"])
    assert len(schemas) == 1  # every format gives the same Spark types
    in_memory = spark_fv.train_test_split(train_end=TRAIN_END, primary_key=True, event_time=True)
    assert schemas == {in_memory[0].schema.simpleString()}

    # hsfs 3.x datasets written by the Python engine, read by Spark's executors.
    spark_fs = hopsworks.login(engine="spark").get_feature_store()
    for fmt in ("csv", "tsv", "parquet"):
        td = fs.create_training_dataset(f"tricky_{fmt}", data_format=fmt)
        td.save(_tricky())
        want = td.read()
        frame = spark_fs.get_training_dataset(f"tricky_{fmt}", 1).read()
        _read_by_executors(frame)
        got = frame.toPandas()
        assert len(got) == len(want) == 7
        for column in want.columns:
            mine, theirs = got[column], want[column]
            if theirs.dtype.kind == "M":  # Spark keeps microseconds
                theirs = theirs.astype("datetime64[us]")
                mine = mine.astype("datetime64[us]")
            assert (
                mine.astype(object).where(mine.notna(), None).tolist()
                == theirs.astype(object).where(theirs.notna(), None).tolist()
            ), (fmt, column)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_spark_insert_appends_part_files_and_overwrites_whole(lab: Lab) -> None:
    from pyspark.sql import functions as F

    from hopsml_lab.featurestore.errors import BadFeatureInput

    python_fs = hopsworks.login(engine="python").get_feature_store()
    _view(python_fs)
    spark_fv = _spark_view()
    spark_fs = hopsworks.login(engine="spark").get_feature_store()
    td = spark_fs.create_training_dataset(
        "orders_td",
        data_format="csv",
        splits={"train": 0.75, "test": 0.25},
        seed=3,
        label=["label"],
        statistics_config=True,
    )
    td.save(spark_fv.query)
    root = Path(lab.store.url("FeatureStore/training_datasets/orders_td_1"))
    old = {s: _files(root / s) for s in ("train", "test")}
    old_notes = {s: set(td.read(s).toPandas()["note"]) for s in ("train", "test")}

    extra = spark_fv.query.read().withColumn("note", F.concat(F.lit("new-"), F.col("note")))
    td.insert(extra.limit(300), overwrite=False)
    for split in ("train", "test"):
        now = _files(root / split)
        assert {k: now[k] for k in old[split]} == old[split]  # not rewritten
        added = set(now) - set(old[split])
        assert added and all(n.startswith("part-") and n.endswith(".csv") for n in added)
    python_td = python_fs.get_training_dataset("orders_td", 1)
    counts = {}
    for split in ("train", "test"):
        theirs = python_td.read(split)
        _same(_collected(td.read(split), theirs), theirs)  # the Python engine reads the same rows
        assert old_notes[split] <= set(theirs["note"])  # old rows stay in their split
        counts[split] = len(theirs)
    assert sum(counts.values()) == N + 300
    stats = {s.name: s for s in td.statistics.split_statistics}
    for split, count in counts.items():  # computed again, over every row
        described = {f.feature_name: f for f in stats[split].feature_descriptive_statistics}
        assert described["note"].count == count

    before = _files(root / "train")
    with pytest.raises(BadFeatureInput, match="columns"):
        td.insert(extra.drop("age"), overwrite=False)
    with pytest.raises(BadFeatureInput, match="'cid' is"):
        td.insert(extra.withColumn("cid", F.col("cid").cast("string")), overwrite=False)
    planted = F.when(F.col("cid") == 3, F.raise_error(F.lit("planted failure")))
    with pytest.raises(Exception, match="planted failure"):  # fails on the executors
        td.insert(extra.withColumn("note", planted.otherwise(F.col("note"))), overwrite=False)
    assert _files(root / "train") == before
    assert not [p for p in root.parent.iterdir() if p.name.startswith(".")]

    td.insert(extra.limit(40), overwrite=True)
    notes = set(td.read("train").toPandas()["note"]) | set(td.read("test").toPandas()["note"])
    assert len(notes) == 40 and all(n.startswith("new-") for n in notes)
    assert not set(_files(root / "train")) & set(before)  # the old files are gone
    parent = root.parent
    assert not [p for p in parent.iterdir() if p.name.startswith(".")]  # nothing aside


def _collected(frame: Any, like: pd.DataFrame) -> pd.DataFrame:
    """A Spark frame on the driver as the Spark engine answers pandas, with the dtypes
    of ``like``."""
    return collect(frame, dtypes_of(like))
