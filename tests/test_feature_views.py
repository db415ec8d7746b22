"""Feature views and in-memory training data (hsfs 5.2.1 names), checked against
brute-force pandas answers: point-in-time rows, half-open time windows, splits that
partition the rows, seeds that reproduce them, lineage that pins the commits read."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hopsml_lab import hopsworks
from hopsml_lab.catalog import FeatureViewRecord
from hopsml_lab.featurestore.errors import FeatureStoreException
from hopsml_lab.featurestore.featureviews.view_errors import (
    BadSplit,
    FeatureViewExists,
    UnknownTrainingDataset,
)
from hopsml_lab.featurestore.featureviews.view_spec import spec_from_json, spec_to_json
from hopsml_lab.featurestore.query.plan import Combined, Condition, JoinSpec, QuerySpec, Selection
from hopsml_lab.hsfs.builtin_transformations import label_encoder, min_max_scaler
from hopsml_lab.hsfs.feature_view import FeatureView
from hopsml_lab.hsfs.util import VersionWarning
from hopsml_lab.lab import Lab, set_lab
from hopsml_lab.settings import Settings

T0 = pd.Timestamp("2024-01-01")
N = 60
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


def _data() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(7)
    orders = pd.DataFrame(
        {
            "id": np.arange(N),
            "cid": rng.integers(0, 5, N),
            "amount": rng.random(N).round(3) * 100,
            "note": [f"n{i}" for i in range(N)],
            "label": rng.integers(0, 2, N),
            "ts": T0 + pd.to_timedelta(np.arange(N), unit="h"),
        }
    )
    # Each customer's age changes over time: rows every 7 hours, some before T0.
    cust = pd.DataFrame(
        {
            "cid": np.repeat(np.arange(5), 10),
            "age": np.arange(50) + 18,
            "ts": np.tile(T0 + pd.to_timedelta(np.arange(-7, 63, 7), unit="h"), 5),
        }
    )
    return orders, cust


def _groups(fs):
    orders, cust = _data()
    fg_orders = fs.create_feature_group("orders", version=1, primary_key=["id"], event_time="ts")
    fg_orders.insert(orders)
    fg_cust = fs.create_feature_group("customers", version=1, primary_key=["cid"], event_time="ts")
    fg_cust.insert(cust, operation="insert")
    return fg_orders, fg_cust, orders, cust


def _expected(orders: pd.DataFrame, cust: pd.DataFrame) -> pd.DataFrame:
    """Brute force: each order gets its customer's latest row at or before the order."""
    rows = []
    for _, order in orders.iterrows():
        history = cust[(cust.cid == order.cid) & (cust.ts <= order.ts)]
        age = history.sort_values("ts").age.iloc[-1] if len(history) else np.nan
        rows.append({**order.to_dict(), "age": age})
    return pd.DataFrame(rows)


def _view(fs, fg_orders, fg_cust, **kwargs):
    query = fg_orders.select(["cid", "amount", "note", "label", "ts"]).join(
        fg_cust.select(["age"]), on=["cid"]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", VersionWarning)
        return fs.create_feature_view("orders_view", query, **kwargs)


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return sorted(map(tuple, frame[columns].astype(str).to_numpy().tolist()))


def test_view_metadata_round_trip(plab: Lab) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    fg_orders, fg_cust, *_ = _groups(fs)
    fv = _view(fs, fg_orders, fg_cust, labels=["label"], inference_helper_columns=["note"])
    assert (fv.name, fv.version, fv.labels) == ("orders_view", 1, ["label"])
    assert [f.name for f in fv.features] == ["cid", "amount", "note", "label", "ts", "age"]
    assert [f.label for f in fv.schema] == [False, False, False, True, False, False]
    assert fv.features[2].inference_helper_column and fv.features[5].type == "bigint"
    assert fv.features[5].feature_group.name == "customers"
    # customers' key is joined on a plain column of orders: hsfs asks for it too.
    assert fv.primary_keys == {"id", "cid"}
    assert fv.inference_helper_columns == ["note"] and fv.training_helper_columns == []

    # A new version with the next number; a taken one is refused; get / list / get_or_create.
    second = _view(fs, fg_orders, fg_cust, labels=["label"])
    assert second.version == 2
    with pytest.raises(FeatureViewExists, match="exists"):
        _view(fs, fg_orders, fg_cust, version=2)
    with pytest.warns(VersionWarning, match="defaulting to `1`"):
        assert fs.get_feature_view("orders_view").version == 1
    assert fs.get_feature_view("orders_view", 9) is None
    assert [v.version for v in fs.get_feature_views("orders_view")] == [1, 2]
    same = fs.get_or_create_feature_view("orders_view", fg_orders.select_all(), version=2)
    assert same.labels == ["label"]  # the saved one, arguments ignored
    assert plab.feature_views.list_views(plab.project_id, "orders_view")[1].version == 2

    # Bad labels and helper columns name what to fix.
    with pytest.raises(FeatureStoreException, match=r"label\(s\) \['nope'\]"):
        _view(fs, fg_orders, fg_cust, labels=["nope"])
    with pytest.raises(FeatureStoreException, match="from a Query"):
        fs.create_feature_view("x", "select 1")

    # as_of on the query is dropped with hsfs' warning.
    with pytest.warns(UserWarning, match="will be ignored"):
        fs.create_feature_view("timed", fg_orders.select_all().as_of(datetime(2030, 1, 1)))

    # The query is rebuilt from the catalog, filter included (in a fresh Lab too).
    filtered = fg_orders.select_all().filter((fg_orders.amount > 50) & (fg_orders.cid != 3))
    view = fs.create_feature_view("filtered", filtered, version=1)
    fresh = Lab(plab.settings)
    set_lab(fresh)
    fs2 = hopsworks.login(engine="python").get_feature_store()
    again = fs2.get_feature_view("filtered", 1)
    expected = _data()[0]
    expected = expected[(expected.amount > 50) & (expected.cid != 3)]
    got = again.query.read()
    assert sorted(got.id) == sorted(expected.id)
    assert sorted(view.query.read().id) == sorted(expected.id)
    fresh.db.dispose()
    set_lab(plab)


def test_view_of_a_time_travel_query_drops_it_and_keeps_filters(plab: Lab) -> None:
    """hsfs' Query.is_time_travel: an incremental query (exclude_until, pull_changes) is
    time travel too, so the view drops it with the as_of warning and reads every row; the
    event-time window a read(start_time=...) put on the query is a filter, kept without
    a warning."""
    fs = hopsworks.login(engine="python").get_feature_store()
    fg_orders, _, orders, _ = _groups(fs)
    first = max(fg_orders.commit_details())
    later = orders.head(3).assign(id=[N, N + 1, N + 2], amount=1.0)
    fg_orders.insert(later)
    every = sorted([*orders.id, *later.id])
    incremental = fg_orders.select_all().as_of(None, exclude_until=first)
    assert sorted(incremental.read().id) == list(later.id)
    with pytest.warns(UserWarning, match="will be ignored because feature view"):
        view = fs.create_feature_view("changes", incremental, version=1)
    assert sorted(view.query.read().id) == every
    assert view.query.left_feature_group_start_time is None
    pulled = fg_orders.select_all().pull_changes(first, None)
    with pytest.warns(UserWarning, match="will be ignored because feature view"):
        assert sorted(fs.create_feature_view("pulled", pulled).query.read().id) == every

    windowed = fg_orders.select_all()
    start = T0 + pd.Timedelta(hours=40)
    assert sorted(windowed.read(start_time=start).id) == sorted(orders[orders.ts >= start].id)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        kept = fs.create_feature_view("window", windowed, version=1)
    assert sorted(kept.query.read().id) == sorted(orders[orders.ts >= start].id)
    assert len(kept.get_batch_data()) == (orders.ts >= start).sum()


def test_query_spec_json_round_trip(plab: Lab) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    fg_orders, fg_cust, *_ = _groups(fs)
    groups = {g.id: g for g in (fg_orders._record, fg_cust._record)}
    predicate = Combined(
        "AND",
        Condition(fg_orders.id, "ts", "GREATER_THAN_OR_EQUAL", datetime(2024, 1, 1, 3)),
        Combined(
            "OR",
            Condition(fg_orders.id, "cid", "IN", [np.int64(1), 2]),
            Condition(None, "ts", "LESS_THAN", date(2024, 1, 2)),
        ),
    )
    spec = QuerySpec(
        Selection(fg_orders._record, ["cid", "ts"], 1234),
        [JoinSpec(QuerySpec(Selection(fg_cust._record, ["age"])), ["cid"], [], [], "LEFT", "c_")],
        predicate,
    )
    data = spec_to_json(spec)
    import json

    back = spec_from_json(json.loads(json.dumps(data)), lambda i, n, v: groups[i])
    assert back.predicate == Combined(
        "AND",
        Condition(fg_orders.id, "ts", "GREATER_THAN_OR_EQUAL", datetime(2024, 1, 1, 3)),
        Combined(
            "OR",
            Condition(fg_orders.id, "cid", "IN", [1, 2]),
            Condition(None, "ts", "LESS_THAN", date(2024, 1, 2)),
        ),
    )
    assert back.left.as_of_ms == 1234 and back.joins[0].prefix == "c_"
    assert back.joins[0].query.left.group.name == "customers"


def test_training_data_is_point_in_time_and_windowed(plab: Lab) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    fg_orders, fg_cust, orders, cust = _groups(fs)
    fv = _view(fs, fg_orders, fg_cust, labels=["label"])
    expected = _expected(orders, cust)
    with pytest.warns(VersionWarning, match="Incremented version to `1`"):
        X, y = fv.training_data()
    assert list(X.columns) == ["cid", "amount", "note", "ts", "age"]
    assert list(y.columns) == ["label"] and isinstance(y, pd.DataFrame)
    got = pd.concat([X, y], axis=1)
    columns = ["cid", "amount", "note", "ts", "age", "label"]
    assert _rows(got, columns) == _rows(expected, columns)

    # [start, end): a row at start is in, one at end is out.
    start, end = T0 + pd.Timedelta(hours=10), T0 + pd.Timedelta(hours=20)
    X, y = fv.training_data(start_time=start, end_time=end, extra_filter=fg_orders.amount > 30)
    window = expected[(expected.ts >= start) & (expected.ts < end) & (expected.amount > 30)]
    assert sorted(X.note) == sorted(window.note) and len(window) > 0
    X, _ = fv.training_data(start_time="2024-01-01 10:00:00", end_time=1704139200)  # 20:00 in s
    assert sorted(X.ts) == sorted(expected.ts[(expected.ts >= start) & (expected.ts < end)])

    # primary_key / event_time add the keys and times the query does not select.
    X, _ = fv.training_data(primary_key=True, event_time=True)
    assert list(X.columns) == [
        "cid", "amount", "note", "ts", "age", "demo_orders_1_id", "demo_customers_1_ts"
    ]  # fmt: skip
    assert sorted(X.demo_orders_1_id) == list(range(N))
    X, _ = fv.training_data(primary_keys=True)  # hsfs' old spelling
    assert "demo_orders_1_id" in X.columns
    with pytest.raises(TypeError, match="prediction_times"):
        fv.training_data(prediction_times=[1])

    # Other frame types, and a view without labels gives y None.
    X, y = fv.training_data(dataframe_type="numpy")
    assert isinstance(X, np.ndarray) and isinstance(y, np.ndarray) and X.shape == (N, 5)
    X, y = fv.training_data(dataframe_type="python")
    assert isinstance(X, list) and len(X) == N
    plain = fs.create_feature_view("plain", fg_orders.select(["amount"]), version=1)
    X, y = plain.training_data()
    assert y is None and list(X.columns) == ["amount"]
    with pytest.raises(TypeError, match="spark engine"):
        plain.training_data(dataframe_type="spark")
    assert len(plain.get_training_datasets()) == 1  # refused before any work


def test_random_splits_partition_the_rows(plab: Lab) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    fg_orders, fg_cust, orders, _ = _groups(fs)
    fv = _view(fs, fg_orders, fg_cust, labels=["label"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", VersionWarning)
        X_train, X_test, y_train, y_test = fv.train_test_split(test_size=0.3)
        assert (len(X_train), len(X_test)) == (int(N * 0.7), N - int(N * 0.7))
        assert len(y_train) == len(X_train) and list(y_test.columns) == ["label"]
        assert sorted([*X_train.note, *X_test.note]) == sorted(orders.note)  # no overlap
        version = fv.get_last_accessed_training_dataset()
        record = plab.feature_views.get_training_dataset(plab.project_id, fv.id, fv.name, version)
        assert record.seed is not None and record.splits[1].percentage == 0.3

        # The version read again gives the same split (its seed was recorded).
        again = fv.get_train_test_split(version)
        assert sorted(again[0].note) == sorted(X_train.note)
        assert sorted(again[1].note) == sorted(X_test.note)

        parts = fv.train_validation_test_split(validation_size=0.2, test_size=0.1)
        sizes = [len(p) for p in parts[:3]]
        assert sizes == [int(N * 0.7), int(N * 0.2), N - int(N * 0.7) - int(N * 0.2)]
        notes = [n for p in parts[:3] for n in p.note]
        assert sorted(notes) == sorted(orders.note) and len(set(notes)) == N
        assert all(isinstance(p, pd.DataFrame) for p in parts[3:])

    for bad in (1.2, 0, None):
        with pytest.raises(BadSplit, match="Invalid split input"):
            fv.train_test_split(test_size=bad)
    with pytest.raises(ValueError, match="Invalid split input"):
        fv.train_validation_test_split(validation_size=0.5, test_size=0.5)
    with pytest.raises(BadSplit, match="Incorrect `get` method"):
        fv.get_training_data(version)
    with pytest.raises(UnknownTrainingDataset, match="no training dataset version 99"):
        fv.get_train_test_split(99)


def test_time_splits_are_half_open(plab: Lab) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    fg_orders, fg_cust, orders, _cust = _groups(fs)
    fv = _view(fs, fg_orders, fg_cust, labels=["label"])
    a, b = T0 + pd.Timedelta(hours=20), T0 + pd.Timedelta(hours=40)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", VersionWarning)
        X_train, X_test, *_ = fv.train_test_split(train_end=a)
        assert sorted(X_train.ts) == sorted(orders.ts[orders.ts < a])
        assert sorted(X_test.ts) == sorted(orders.ts[orders.ts >= a])  # the row at a is test
        parts = fv.train_validation_test_split(
            train_start=T0, validation_start=a, test_start=b, test_end=T0 + pd.Timedelta(hours=50)
        )
        assert sorted(parts[0].ts) == sorted(orders.ts[orders.ts < a])
        assert sorted(parts[1].ts) == sorted(orders.ts[(orders.ts >= a) & (orders.ts < b)])
        wanted = orders.ts[(orders.ts >= b) & (orders.ts < T0 + pd.Timedelta(hours=50))]
        assert sorted(parts[2].ts) == sorted(wanted)
        X, _, _y, _ = fv.train_test_split(train_end=a, event_time=True)
        assert "ts" in X.columns  # selected: a feature of the view
        # A view that does not select the event time still splits by it, and drops it.
        no_time = fg_orders.select(["amount", "label"])
        view = fs.create_feature_view("no_time", no_time, labels=["label"], version=1)
        X_train, X_test, _y_train, _ = view.train_test_split(test_start=a)
        assert list(X_train.columns) == ["amount"] and len(X_train) + len(X_test) == N
        expected = orders[orders.ts < a]
        assert sorted(X_train.amount) == sorted(expected.amount)

    plain_group = fs.create_feature_group("plain", version=1, primary_key=["k"])
    plain_group.insert(pd.DataFrame({"k": [1, 2], "v": [1.0, 2.0]}))
    plain = fs.create_feature_view("plain", plain_group.select_all(), version=1)
    with pytest.raises(BadSplit, match="event time"):
        plain.train_test_split(train_end=a)
    with pytest.raises(FeatureStoreException, match="event time"):
        plain.training_data(start_time=a)


def test_lineage_pins_the_commits_read(plab: Lab) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    fg_orders, fg_cust, orders, _ = _groups(fs)
    fv = _view(fs, fg_orders, fg_cust, labels=["label"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", VersionWarning)
        X, _ = fv.training_data()
        version = fv.get_last_accessed_training_dataset()
        later = orders.assign(id=orders.id + N, ts=orders.ts + pd.Timedelta(days=5))
        fg_orders.insert(later)
        record = fv.get_training_datasets()[0]
        assert record.version == version and record.training_dataset_type.startswith("IN_MEMORY")
        lineage = {e["name"]: e for e in record.lineage}
        commits = list(fg_orders.commit_details())
        assert lineage["orders"]["commit_id"] == commits[1] != commits[0]  # the first commit
        assert lineage["customers"]["commit_id"] == next(iter(fg_cust.commit_details()))
        again, _ = fv.get_training_data(version)
        assert len(again) == N and sorted(again.note) == sorted(X.note)
        assert len(fv.training_data()[0]) == 2 * N  # a new version reads the new commit


def test_batch_data_and_deletion(plab: Lab) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    fg_orders, fg_cust, orders, cust = _groups(fs)
    fv = _view(fs, fg_orders, fg_cust, labels=["label"], inference_helper_columns=["note"])
    start, end = T0 + pd.Timedelta(hours=5), T0 + pd.Timedelta(hours=15)
    batch = fv.get_batch_data(start_time=start, end_time=end)
    assert list(batch.columns) == ["cid", "amount", "ts", "age"]  # no label, no helper
    expected = _expected(orders, cust)
    expected = expected[(expected.ts >= start) & (expected.ts < end)]
    assert _rows(batch, ["cid", "amount", "age"]) == _rows(expected, ["cid", "amount", "age"])
    with_helpers = fv.get_batch_data(inference_helper_columns=True, primary_key=True)
    assert {"note", "demo_orders_1_id"} <= set(with_helpers.columns) and len(with_helpers) == N
    assert "WHERE" in fv.get_batch_query(start_time=start)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", VersionWarning)
        fv.training_data()
        fv.training_data()
    assert [t.version for t in fv.get_training_datasets()] == [1, 2]
    fv.delete_training_dataset(1)
    assert [t.version for t in fv.get_training_datasets()] == [2]
    fv.delete_all_training_datasets()
    assert fv.get_training_datasets() == []
    fv.delete()
    assert fs.get_feature_view("orders_view", 1) is None
    assert plab.feature_views.get_view_by_id(fv.id) is None
    assert isinstance(FeatureViewRecord.model_fields, dict)
    with pytest.raises(TypeError):
        FeatureView()


def test_transformations_fit_on_train_only(plab: Lab) -> None:

    fs = hopsworks.login(engine="python").get_feature_store()
    fg_orders, _fg_cust, orders, _ = _groups(fs)
    query = fg_orders.select(["amount", "label", "ts"])
    fv = fs.create_feature_view(
        "scaled",
        query,
        version=1,
        labels=["label"],
        transformation_functions=[min_max_scaler("amount"), label_encoder("label")],
    )
    a = T0 + pd.Timedelta(hours=30)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", VersionWarning)
        X_train, X_test, y_train, _y_test = fv.train_test_split(train_end=a)
    train = orders[orders.ts < a]
    low, high = train.amount.min(), train.amount.max()
    assert "amount" not in X_train.columns
    scaled = [c for c in X_train.columns if c.startswith("min_max_scaler")]
    assert scaled == ["min_max_scaler_amount_"]
    assert X_train[scaled[0]].min() == pytest.approx(0) and X_train[scaled[0]].max() == 1
    test = orders[orders.ts >= a].sort_values("ts")
    got = X_test.sort_values("ts")[scaled[0]].to_numpy()
    assert got == pytest.approx(((test.amount - low) / (high - low)).to_numpy())
    assert list(y_train.columns) == ["label_encoder_label_"]
    version = fv.get_last_accessed_training_dataset()
    stats = fv.get_training_dataset_statistics(version, before_transformation=True)
    amount = next(f for f in stats.feature_descriptive_statistics if f.feature_name == "amount")
    assert (amount.min, amount.max) == (pytest.approx(low), pytest.approx(high))
    fv.init_batch_scoring(version)
    batch = fv.get_batch_data()
    assert list(batch.columns) == ["ts", "min_max_scaler_amount_"]
    assert batch.sort_values("ts").min_max_scaler_amount_.to_numpy() == pytest.approx(
        ((orders.sort_values("ts").amount - low) / (high - low)).to_numpy()
    )
    raw = fv.get_batch_data(transformed=False)
    assert "amount" in raw.columns


def test_transformations_match_at_training_batch_and_online_time(plab: Lab) -> None:
    """hsfs 3.x's {feature: function} form; the online vector of each key equals its
    row of the batch data and of the training data, with the same fitted values."""
    fs = hopsworks.login(engine="python").get_feature_store()
    orders = fs.create_feature_group(
        "orders", version=1, primary_key=["id"], event_time="ts", online_enabled=True
    )
    data = _data()[0]
    orders.insert(data)
    fv = fs.create_feature_view(
        "served_scaled",
        orders.select(["amount", "note", "label"]),
        version=1,
        labels=["label"],
        transformation_functions={"amount": min_max_scaler, "note": label_encoder},
    )
    X_train, _y = fv.training_data(primary_key=True)
    low, high = data.amount.min(), data.amount.max()
    fv.init_serving(training_dataset_version=1)
    fv.init_batch_scoring(1)
    batch = fv.get_batch_data(primary_key=True).set_index(X_train.columns[0])
    train = X_train.set_index(X_train.columns[0])
    columns = list(batch.columns)
    assert sorted(columns) == ["label_encoder_note_", "min_max_scaler_amount_"]
    assert list(train.columns) == columns
    for key in (0, 17, N - 1):
        vector = fv.get_feature_vector({"id": key})
        assert vector == list(batch.loc[key]) == list(train.loc[key])
        scaled = vector[columns.index("min_max_scaler_amount_")]
        assert scaled == pytest.approx((data.amount[key] - low) / (high - low))


def test_online_serving_is_delegated(plab: Lab) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    orders = fs.create_feature_group(
        "orders", version=1, primary_key=["id"], event_time="ts", online_enabled=True
    )
    orders.insert(_data()[0])
    query = orders.select(["cid", "amount", "note", "label"])
    fv = fs.create_feature_view("served", query, version=1, labels=["label"])
    row = _data()[0].iloc[4]
    fv.init_serving(training_dataset_version=1)
    assert fv.get_feature_vector({"id": 4}) == [row.cid, row.amount, row.note]
    frame = fv.get_feature_vectors([{"id": 4}, {"id": 5}], return_type="pandas")
    assert list(frame.columns) == ["cid", "amount", "note"] and len(frame) == 2
    with pytest.warns(DeprecationWarning, match="entry"):
        assert fv.get_feature_vector(entry={"id": 4}) == [row.cid, row.amount, row.note]
