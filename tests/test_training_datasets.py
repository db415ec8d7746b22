"""Materialised training datasets (feature views' ``create_*``/``get_*`` and hsfs 3.x's
``TrainingDataset``): files read back equal in every format (TFRecord through
``tf.data``), writes are all or nothing, lineage keeps a version's data, and the Spark
engine gives the same rows as the Python engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from hopsml_lab import hopsworks
from hopsml_lab.featurestore.errors import FeatureStoreException
from hopsml_lab.featurestore.featureviews.view_errors import BadSplit, TrainingDataUnreadable
from hopsml_lab.hsfs.util import VersionWarning
from hopsml_lab.lab import Lab, set_lab
from hopsml_lab.settings import Settings

T0 = pd.Timestamp("2024-01-01")
N = 40
COLUMNS = ["cid", "amount", "note", "flag", "ts", "age"]
pytestmark = pytest.mark.filterwarnings("ignore::hopsml_lab.featurestore.errors.VersionWarning")


@pytest.fixture
def plab(project_root: Path, tmp_path: Path) -> Iterator[Lab]:
    """A project without Spark on SQLite."""
    lab = Lab(
        Settings(project_root=str(project_root), catalog_url=f"sqlite:///{tmp_path / 'c.db'}")
    )
    set_lab(lab)
    yield lab
    set_lab(None)
    lab.db.dispose()


def _orders(offset: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(offset + 1)
    return pd.DataFrame(
        {
            "id": np.arange(N) + offset,
            "cid": rng.integers(0, 3, N),
            "amount": (rng.random(N) * 100).round(2),
            "note": [f"n{i + offset}" for i in range(N)],
            "flag": rng.random(N) > 0.5,
            "label": rng.integers(0, 2, N),
            "ts": T0 + pd.to_timedelta(np.arange(N) + offset, unit="h"),
        }
    )


def _view(fs):
    orders = fs.create_feature_group("orders", version=1, primary_key=["id"], event_time="ts")
    orders.insert(_orders())
    cust = fs.create_feature_group("customers", version=1, primary_key=["cid"], event_time="ts")
    cust.insert(pd.DataFrame({"cid": [0, 1, 2], "age": [30, 40, 50], "ts": [T0] * 3}))
    query = orders.select(["cid", "amount", "note", "flag", "label", "ts"]).join(
        cust.select(["age"]), on=["cid"]
    )
    fv = fs.create_feature_view("orders_view", query, version=1, labels=["label"])
    return fv, orders, cust


def _key(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["note"])


def _same(got: pd.DataFrame, want: pd.DataFrame, approx: bool = False, dtypes: bool = True) -> None:
    got = got.sort_values("note").reset_index(drop=True)
    want = want.sort_values("note").reset_index(drop=True)
    assert list(got.columns) == list(want.columns)
    for column in got.columns:
        if approx and want[column].dtype.kind == "f":
            assert got[column].to_numpy() == pytest.approx(want[column].to_numpy(), rel=1e-6)
        else:
            assert got[column].tolist() == want[column].tolist(), column
            assert not dtypes or got[column].dtype == want[column].dtype, column


def test_materialised_formats_read_back_equal(plab: Lab) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    fv, *_ = _view(fs)
    reference = fv.train_test_split(test_size=0.25)  # in memory, to compare contents
    everything = pd.concat([reference[0], reference[1]])
    splits = {}
    for fmt in ("parquet", "csv", "tsv", "tfrecord"):
        with pytest.warns(VersionWarning, match="Incremented version"):
            version, job = fv.create_train_test_split(test_size=0.25, seed=11, data_format=fmt)
        assert job is None
        ext = "tfrecord" if fmt == "tfrecord" else fmt
        folder = Path(plab.store.url(f"FeatureStore/training_datasets/orders_view_1_{version}"))
        assert sorted(p.name for p in folder.iterdir()) == ["test", "train"]
        assert (folder / "train" / f"part-00000.{ext}").is_file()
        X_train, X_test, _y_train, y_test = fv.get_train_test_split(version)
        assert list(X_train.columns) == COLUMNS and list(y_test.columns) == ["label"]
        assert (len(X_train), len(X_test)) == (30, 10)
        _same(pd.concat([X_train, X_test]), everything, approx=fmt == "tfrecord")
        splits[fmt] = (tuple(_key(X_train)), tuple(_key(X_test)))
        with_keys = fv.get_train_test_split(version, primary_key=True, event_time=True)[0]
        assert list(with_keys.columns) == [*COLUMNS, "demo_orders_1_id", "demo_customers_1_ts"]
    assert len(set(splits.values())) == 1  # the same seed splits the same way in every format
    version, _ = fv.create_train_test_split(test_size=0.25, seed=12)
    assert tuple(_key(fv.get_train_test_split(version)[0])) != splits["parquet"][0]

    # The files hold primary keys and event times; reads drop them unless asked for.
    train_file = Path(plab.store.url(f"FeatureStore/training_datasets/orders_view_1_{version}"))
    written = pq.read_table(train_file / "train" / "part-00000.parquet").column_names
    assert {"demo_orders_1_id", "demo_customers_1_ts", "label"} <= set(written)

    # Unsplit, in a time window; statistics per split; refusals.
    version, _ = fv.create_training_data(start_time=T0, end_time=T0 + pd.Timedelta(hours=10))
    X, y = fv.get_training_data(version)
    assert sorted(X.ts) == list(T0 + pd.to_timedelta(range(10), unit="h")) and len(y) == 10
    assert (Path(plab.store.url(f"FeatureStore/training_datasets/orders_view_1_{version}"))
            / "orders_view").is_dir()  # fmt: skip
    stats = fv.get_training_dataset_statistics(5)
    assert [s.name for s in stats.split_statistics] == ["train", "test"]
    counts = {s.name: s.feature_descriptive_statistics[0].count for s in stats.split_statistics}
    assert counts == {"train": 30, "test": 10}
    off, _ = fv.create_training_data(statistics_config=False)
    assert fv.get_training_dataset_statistics(off) is None
    with pytest.raises(BadSplit, match="get_train_test_split"):
        fv.get_training_data(5)
    with pytest.raises(FeatureStoreException, match="'avro' is not offered"):
        fv.create_training_data(data_format="avro")


def test_tfrecord_through_tf_data(plab: Lab) -> None:
    tf = pytest.importorskip("tensorflow")
    fs = hopsworks.login(engine="python").get_feature_store()
    fv, *_ = _view(fs)
    version, _ = fv.create_train_test_split(test_size=0.25, seed=3, data_format="tfrecord")
    X_train, _, y_train, _ = fv.get_train_test_split(version, primary_key=True)
    folder = Path(plab.store.url(f"FeatureStore/training_datasets/orders_view_1_{version}"))
    records = tf.data.TFRecordDataset([str(folder / "train" / "part-00000.tfrecord")])
    examples = [tf.train.Example.FromString(r) for r in records.as_numpy_iterator()]
    assert len(examples) == len(X_train) == 30
    by_id = {int(e.features.feature["demo_orders_1_id"].int64_list.value[0]): e for e in examples}
    for _, row in X_train.join(y_train).iterrows():
        feature = by_id[int(row["demo_orders_1_id"])].features.feature
        assert feature["note"].bytes_list.value[0].decode() == row["note"]
        assert feature["amount"].float_list.value[0] == pytest.approx(row["amount"], rel=1e-6)
        assert feature["label"].int64_list.value[0] == row["label"]
        assert feature["flag"].int64_list.value[0] == int(row["flag"])
        assert feature["ts"].int64_list.value[0] == row["ts"].value // 1_000_000

    # hsfs 3.x: a training dataset saved from a query, read through td.tf_data.
    td = fs.create_training_dataset(
        "orders_td", splits={"train": 0.75, "test": 0.25}, seed=4, label=["label"]
    )
    assert td.data_format == "tfrecords" and [s.name for s in td.splits] == ["train", "test"]
    with pytest.warns(VersionWarning, match="incremented version to `1`"):
        assert td.save(fv.query) is None
    train = td.read("train")
    engine = td.tf_data(target_name="label", split="train", feature_names=["amount", "cid"])
    parsed = list(engine.tf_record_dataset().as_numpy_iterator())
    assert len(parsed) == len(train) == 30
    assert sorted(p["note"].decode() for p in parsed) == sorted(train.note)
    batches = engine.tf_record_dataset(batch_size=4, num_epochs=1, process=True)
    x, y = next(iter(batches))
    assert tuple(x.shape) == (4, 2) and tuple(y.shape) == (4,)
    assert set(engine.get_serialized_example_schema()) == set(train.columns)
    with pytest.raises(FeatureStoreException, match="csv format"):
        engine.tf_csv_dataset()


def test_failed_write_leaves_no_files_and_no_row(plab: Lab) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    fv, *_ = _view(fs)
    root = Path(plab.store.url("FeatureStore/training_datasets"))
    root.mkdir(parents=True)
    blocker = root / "orders_view_1_1"
    blocker.write_text("not a folder")  # the target is in the way: the rename fails
    with pytest.raises(NotADirectoryError):
        fv.create_train_test_split(test_size=0.5)
    assert sorted(p.name for p in root.iterdir()) == ["orders_view_1_1"]  # no staging left
    assert plab.feature_views.list_training_datasets(plab.project_id, fv.id) == []
    blocker.unlink()
    version, _ = fv.create_train_test_split(test_size=0.5)
    assert version == 1 and len(fv.get_train_test_split(1)[0]) == N // 2


def test_lineage_recreate_purge_delete(plab: Lab) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    fv, orders, _cust = _view(fs)
    version, _ = fv.create_training_data()
    first = fv.get_training_datasets()[0].lineage
    assert [e["name"] for e in first] == ["orders", "customers"]
    assert first[0]["commit_id"] == next(iter(orders.commit_details()))
    orders.insert(_orders(offset=N))  # later rows
    X, _ = fv.get_training_data(version)
    assert len(X) == N  # the files keep the data read
    fv.recreate_training_dataset(version)
    X, _ = fv.get_training_data(version)
    assert len(X) == 2 * N
    assert fv.get_training_datasets()[0].lineage[0]["commit_id"] == next(
        iter(orders.commit_details())
    )
    fv.purge_training_data(version)
    with pytest.raises(TrainingDataUnreadable, match="purged"):
        fv.get_training_data(version)
    assert [t.version for t in fv.get_training_datasets()] == [version]
    fv.recreate_training_dataset(version)
    assert len(fv.get_training_data(version)[0]) == 2 * N
    folder = Path(plab.store.url(f"FeatureStore/training_datasets/orders_view_1_{version}"))
    fv.delete_training_dataset(version)
    assert not folder.exists() and fv.get_training_datasets() == []
    fv.create_training_data()
    fv.delete()
    assert list(folder.parent.iterdir()) == []
    in_memory = fs.create_feature_view("again", orders.select_all(), version=1)
    v, _ = in_memory.create_training_data()
    in_memory.training_data()
    with pytest.raises(FeatureStoreException, match="in memory"):
        in_memory.recreate_training_dataset(v + 1)


def test_hsfs3_training_dataset(plab: Lab) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    fv, *_ = _view(fs)
    td = fs.create_training_dataset(
        "frame_td", version=2, data_format="parquet", splits={"train": 0.5, "test": 0.5}
    )
    with pytest.raises(FeatureStoreException, match="not saved yet"):
        td.read("train")
    td.save(_orders().drop(columns=["ts"]))
    assert (td.version, td.id is not None) == (2, True)
    with pytest.raises(ValueError, match="please specify the split"):
        td.read()
    train, test = td.read("train"), td.read("test")
    assert len(train) == len(test) == N // 2
    assert sorted([*train.note, *test.note]) == sorted(_orders().note)
    td.insert(_orders(offset=N).drop(columns=["ts"]), overwrite=False)
    assert len(td.read("train")) + len(td.read("test")) == 2 * N
    td.insert(_orders().drop(columns=["ts"]).head(10), overwrite=True)
    assert len(td.read("train")) + len(td.read("test")) == 10
    assert td.get_query() is None and td.show(3, "train").shape[0] == 3

    from_query = fs.create_training_dataset("query_td", data_format="csv", label=["label"])
    from_query.save(fv.query)
    again = fs.get_training_dataset("query_td", 1)
    frame = again.read()
    assert len(frame) == N and "label" in frame.columns and again.label == ["label"]
    assert "ASOF LEFT JOIN" in again.get_query() and again.serving_keys == {"id", "cid"}
    assert [e["name"] for e in again.lineage] == ["orders", "customers"]
    assert again.statistics.feature_descriptive_statistics[0].count == N
    assert [t.version for t in fs.get_training_datasets("query_td")] == [1]
    assert [f.name for f in again.schema if f.label] == ["label"]
    with pytest.warns(VersionWarning):
        assert fs.get_training_dataset("nope") is None
    again.delete()
    assert fs.get_training_dataset("query_td", 1) is None
    with pytest.raises(TypeError, match="dictionary"):
        fs.create_training_dataset("bad", splits=[0.5, 0.5])


def test_spark_engine_gives_the_same_rows(lab: Lab) -> None:
    from pyspark.sql import DataFrame

    python_fs = hopsworks.login(engine="python").get_feature_store()
    fv, *_ = _view(python_fs)
    version, _ = fv.create_train_test_split(test_size=0.25, seed=9)
    X_train, X_test, *_ = fv.get_train_test_split(version)
    X, _y = fv.training_data()

    spark_fs = hopsworks.login(engine="spark").get_feature_store()
    spark_fv = spark_fs.get_feature_view("orders_view", 1)
    sX, sy = spark_fv.training_data()  # the join computed by Spark
    assert isinstance(sX, DataFrame) and isinstance(sy, DataFrame)
    assert sX.columns == list(X.columns) and sy.columns == ["label"]
    _same(sX.toPandas(), X, dtypes=False)  # Spark gives timestamps in ns
    parts = spark_fv.get_train_test_split(version, dataframe_type="pandas")
    _same(parts[0], X_train)
    _same(parts[1], X_test)


def test_training_datasets_on_an_hdfs_project(project: Path) -> None:
    """Materialised training datasets go through the project's store: on HDFS (the
    WebHDFS double; ``project`` runs the local folder first) the files are written to a
    hidden folder renamed into place, read back equal in parquet, csv and tfrecord,
    served to tf.data from a local copy, and deleted there."""
    fs = hopsworks.login(engine="python").get_feature_store()
    fv, *_ = _view(fs)
    reference = fv.train_test_split(test_size=0.25)
    everything = pd.concat([reference[0], reference[1]])
    root = project / "FeatureStore" / "training_datasets"
    for fmt in ("parquet", "csv", "tfrecord"):
        version, _ = fv.create_train_test_split(test_size=0.25, seed=5, data_format=fmt)
        folder = root / f"orders_view_1_{version}"
        assert sorted(p.name for p in folder.iterdir()) == ["test", "train"]
        assert (folder / "train" / f"part-00000.{fmt}").is_file()
        X_train, X_test, y_train, y_test = fv.get_train_test_split(version)
        assert (len(X_train), len(X_test), len(y_train), len(y_test)) == (30, 10, 30, 10)
        _same(pd.concat([X_train, X_test]), everything, approx=fmt == "tfrecord")
    assert not [p for p in root.iterdir() if p.name.startswith(".")]  # no staging left

    td = fs.create_training_dataset("orders_td", splits={"train": 0.75, "test": 0.25}, seed=4)
    td.save(fv.query)
    assert (root / "orders_td_1" / "train" / "part-00000.tfrecord").is_file()
    train = td.read("train")
    engine = td.tf_data(target_name="label", split="train", feature_names=["amount"])
    parsed = list(engine.tf_record_dataset().as_numpy_iterator())
    assert sorted(p["note"].decode() for p in parsed) == sorted(train.note)

    fv.delete_training_dataset(version)
    assert not (root / f"orders_view_1_{version}").exists()
    version, _ = fv.create_training_data(data_format="csv")
    fv.purge_training_data(version)
    assert not (root / f"orders_view_1_{version}").exists()
    with pytest.raises(TrainingDataUnreadable, match="purged"):
        fv.get_training_data(version)
    fv.recreate_training_dataset(version)
    assert len(fv.get_training_data(version)[0]) == N
