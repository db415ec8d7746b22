"""The online store and feature vectors: the latest row per primary key of online-enabled
feature groups in the catalog database (SQLite, then PostgreSQL), read back with the
groups' types, and served as hsfs' ``VectorServer`` serves vectors."""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select, text

from hopsml_lab import hopsworks
from hopsml_lab.catalog import FeatureViewRecord, OnlineRow
from hopsml_lab.featurestore.errors import FeatureStoreException
from hopsml_lab.featurestore.featuregroups.online import (
    STATE_KEY,
    OnlineStoreError,
    iter_rows,
    online_commit,
    rebuild,
)
from hopsml_lab.featurestore.featureviews.serving import (
    ServingKey,
    ViewParts,
    serving_for,
    serving_keys,
)
from hopsml_lab.featurestore.featureviews.view_spec import spec_to_json
from hopsml_lab.lab import Lab, set_lab
from hopsml_lab.settings import Settings

T0 = pd.Timestamp("2024-01-01")


@pytest.fixture
def olab(project_root: Path, catalog_url: str) -> Iterator[Lab]:
    """A project without Spark whose catalog is SQLite, then PostgreSQL."""
    lab = Lab(Settings(project_root=str(project_root), catalog_url=catalog_url))
    set_lab(lab)
    yield lab
    set_lab(None)
    lab.db.dispose()


@pytest.fixture
def slab(project_root: Path, tmp_path: Path) -> Iterator[Lab]:
    """A project on the default embedded catalog (SQLite) only."""
    lab = Lab(
        Settings(project_root=str(project_root), catalog_url=f"sqlite:///{tmp_path / 'c.db'}")
    )
    set_lab(lab)
    yield lab
    set_lab(None)
    lab.db.dispose()


def _fs():
    return hopsworks.login(engine="python").get_feature_store()


def _rows_in_db(lab: Lab, group_id: int) -> int:
    with lab.db.reading() as session:
        return session.scalar(
            select(func.count())
            .select_from(OnlineRow)
            .where(OnlineRow.feature_group_id == group_id)
        )


def _latest_per_key(frame: pd.DataFrame, key: list[str], time: str) -> pd.DataFrame:
    """The offline rows reduced to the latest event time per key (the test data has no
    ties and later commits carry later times)."""
    latest = frame.sort_values(time, kind="stable").drop_duplicates(key, keep="last")
    return latest.sort_values(key).reset_index(drop=True)


def _sorted(frame: pd.DataFrame, by: list[str] | str) -> pd.DataFrame:
    return frame.sort_values(by).reset_index(drop=True)


def _same(a: object, b: object) -> bool:
    if a is None or (isinstance(a, float) and np.isnan(a)):
        return b is None or (isinstance(b, float) and np.isnan(b))
    if isinstance(b, pd.Timestamp):
        b = b.to_pydatetime()
    if isinstance(b, np.generic):
        b = b.item()
    return a == b and type(a) is type(b)


def test_online_rows_follow_the_offline_store_commit_by_commit(olab: Lab) -> None:
    """Upserts, appends with several rows per key, then the vector of every key against
    the offline rows at the last commit reduced to the latest row per key."""
    fs = _fs()
    rng = np.random.default_rng(1)
    fg = fs.create_feature_group(
        "clicks", version=1, primary_key=["user"], event_time="ts", online_enabled=True
    )
    users = np.arange(40)
    for commit in range(4):  # upserts: some keys updated, some new
        chosen = np.sort(rng.choice(users, 25, replace=False))
        fg.insert(
            pd.DataFrame(
                {
                    "user": chosen,
                    "ts": T0 + pd.to_timedelta(commit * 100 + rng.integers(0, 50, 25), unit="h"),
                    "clicks": rng.integers(0, 1000, 25),
                    "rate": rng.normal(size=25),
                    "tier": rng.choice(["gold", "silver", None], 25),
                }
            )
        )
        offline = _sorted(fg.read(), "user")
        pd.testing.assert_frame_equal(_sorted(fg.read(online=True), "user"), offline)
    assert online_commit(olab.db, fg._record) == max(fg.commit_details())

    # Appends with several rows per key: the latest event time of the insert wins online,
    # also when it is not the last row of the frame.
    events = fs.create_feature_group(
        "events", version=1, primary_key=["user"], event_time="ts", online_enabled=True
    )
    written = []
    for commit in range(3):
        rows = 60
        frame = pd.DataFrame(
            {
                "user": rng.integers(0, 30, rows),
                "ts": T0 + pd.to_timedelta(commit * 10_000 + rng.permutation(rows) * 7, unit="min"),
                "value": rng.normal(size=rows),
            }
        )
        events.insert(frame, operation="insert")
        written.append(frame)
    offline = events.read()
    assert len(offline) == 180  # every appended row is kept offline
    want = _latest_per_key(offline, ["user"], "ts")
    got = _sorted(events.read(online=True), "user")
    pd.testing.assert_frame_equal(got, want)

    # Every key's feature vector is its latest offline row.
    plan = events.select_all().join(fg.select(["clicks", "rate", "tier"]), prefix="c_")._plan()
    serving = serving_for(ViewParts(plan), fg._groups)
    assert serving.required_serving_keys == ["user", "user"] and serving.primary_keys == {"user"}
    clicks = fs.get_feature_group("clicks", 1).read().set_index("user")
    for row in want.itertuples(index=False):
        vector = serving.vector({"user": int(row.user)})
        assert vector[:3] == [row.user, row.ts.to_pydatetime(), row.value]
        if row.user in clicks.index:
            other = clicks.loc[row.user]
            assert _same(vector[3], int(other.clicks)) and _same(vector[4], float(other.rate))
            assert _same(vector[5], other.tier)
        else:
            with pytest.raises(FeatureStoreException, match="missing from vector"):
                serving.vector({"user": int(row.user)})
    batch = serving.vectors(
        [{"user": int(u)} for u in want.user], allow_missing=True, return_type="pandas"
    )
    assert batch["user"].tolist() == want.user.tolist()
    assert batch["value"].tolist() == want.value.tolist()
    serving.close()


def test_the_last_write_wins_and_the_first_of_a_tie(slab: Lab) -> None:
    """hsfs' online semantics: across inserts the last written row wins, even with an
    older event time; within one insert the latest event time, the first row of a tie."""
    fs = _fs()
    fg = fs.create_feature_group(
        "moves", version=1, primary_key=["id"], event_time="ts", online_enabled=True
    )
    fg.insert(pd.DataFrame({"id": [1, 2], "ts": [T0 + pd.Timedelta(days=5)] * 2, "v": [1, 2]}))
    fg.insert(pd.DataFrame({"id": [1], "ts": [T0], "v": [10]}))  # older, written later
    got = fg.read(online=True).set_index("id")
    assert got.loc[1, "v"] == 10 and got.loc[2, "v"] == 2
    tie = pd.DataFrame(
        {
            "id": [3, 3, 3, 4],
            "ts": [T0, T0 + pd.Timedelta(days=1), T0 + pd.Timedelta(days=1), T0],
            "v": [30, 31, 32, 40],
        }
    )
    fg.insert(tie, operation="insert")
    got = fg.read(online=True).set_index("id")
    assert got.loc[3, "v"] == 31 and got.loc[4, "v"] == 40


def test_types_round_trip(olab: Lab) -> None:
    frame = pd.DataFrame(
        {
            "name": ["ada", "bob", "ünï"],
            "at": pd.to_datetime(
                ["2024-01-01 10:00:00.123456", "2024-01-02", "2024-03-04 05:06"], format="ISO8601"
            ),
            "n": pd.Series([1, 2, 3], dtype="int64"),
            "small": pd.Series([1, 2, 3], dtype="int32"),
            "maybe": pd.Series([1, None, 3], dtype="Int64"),
            "x": [0.5, np.nan, np.inf],
            "f32": pd.Series([1.25, -2.5, 0.0], dtype="float32"),
            "flag": [True, False, True],
            "note": ["a", None, "c"],
            "day": [dt.date(2024, 1, 1), dt.date(2023, 12, 31), dt.date(2000, 2, 29)],
            "price": [Decimal("1.50"), Decimal("-2.25"), None],
            "blob": [b"\x00\x01", b"", None],
            "tags": [["a", "b"], [], None],
            "local": pd.to_datetime(
                ["2024-01-01 10:00", "2024-06-01 00:00", "2024-12-31 00:00"]
            ).tz_localize("Europe/Oslo"),
        }
    )
    fs = _fs()
    fg = fs.create_feature_group(
        "typed", version=1, primary_key=["name", "at"], event_time="at", online_enabled=True
    )
    fg.insert(frame)
    offline = _sorted(fg.read(), "name")
    online = _sorted(fg.read(online=True), "name")
    assert online.dtypes.to_dict() == offline.dtypes.to_dict()
    for column in offline.columns:
        for a, b in zip(online[column], offline[column], strict=True):
            if isinstance(a, np.ndarray | list):
                assert list(a) == list(b), column
            else:
                assert (pd.isna(a) and pd.isna(b)) or a == b, (column, a, b)

    plan = fg.select_all()._plan()
    serving = serving_for(ViewParts(plan), fg._groups)
    assert serving.required_serving_keys == ["name", "at"]
    vector = serving.vector({"name": "ada", "at": "2024-01-01 10:00:00.123456"})
    values = dict(zip(serving.feature_vector_columns, vector, strict=True))
    assert values["at"] == dt.datetime(2024, 1, 1, 10, 0, 0, 123456)
    assert type(values["n"]) is int and type(values["small"]) is int and values["maybe"] == 1
    assert type(values["x"]) is float and type(values["f32"]) is float
    assert values["flag"] is True and values["note"] == "a"
    assert values["day"] == dt.date(2024, 1, 1) and values["price"] == Decimal("1.50")
    assert values["blob"] == b"\x00\x01" and values["tags"] == ["a", "b"]
    assert values["local"] == dt.datetime(2024, 1, 1, 9, 0)  # stored as naive UTC
    other = serving.vector({"name": "bob", "at": dt.datetime(2024, 1, 2)})
    values = dict(zip(serving.feature_vector_columns, other, strict=True))
    assert values["maybe"] is None and values["x"] is None and values["note"] is None
    assert values["blob"] == b"" and values["tags"] == []
    third = serving.vector({"name": "ünï", "at": pd.Timestamp("2024-03-04 05:06")})
    values = dict(zip(serving.feature_vector_columns, third, strict=True))
    assert values["x"] == np.inf and values["price"] is None and values["blob"] is None
    serving.close()


def test_overwrite_replaces_and_delete_removes(olab: Lab) -> None:
    fs = _fs()
    fg = fs.create_feature_group("people", version=1, primary_key=["id"], online_enabled=True)
    fg.insert(pd.DataFrame({"id": [1, 2, 3, 4], "age": [10, 20, 30, 40]}))
    fg.insert(pd.DataFrame({"id": [4, 5], "age": [41, 50]}))
    assert sorted(fg.read(online=True).id) == [1, 2, 3, 4, 5]
    fg.insert(pd.DataFrame({"id": [2, 9], "age": [22, 90]}), overwrite=True)
    pd.testing.assert_frame_equal(_sorted(fg.read(online=True), "id"), _sorted(fg.read(), "id"))
    assert sorted(fg.read(online=True).id) == [2, 9]

    # Without a primary key's duplicates: the last row of the frame wins (no event time).
    fg.insert(pd.DataFrame({"id": [7, 7, 7], "age": [1, 2, 3]}), operation="insert")
    assert fg.read(online=True).set_index("id").loc[7, "age"] == 3

    keyless = fs.create_feature_group("keyless", version=1, online_enabled=True)
    with pytest.raises(OnlineStoreError, match="no primary key"):
        keyless.insert(pd.DataFrame({"id": [1], "age": [1]}))
    assert len(keyless.read()) == 1  # the commit stays offline

    offline_only = fs.create_feature_group("offline", version=1, primary_key=["id"])
    offline_only.insert(pd.DataFrame({"id": [1], "age": [1]}))
    assert _rows_in_db(olab, offline_only.id) == 0
    with pytest.raises(FeatureStoreException, match="not online enabled"):
        offline_only.read(online=True)
    with pytest.raises(FeatureStoreException, match="not online enabled"):
        fg.select_all().join(offline_only.select(["age"]), prefix="o_").read(online=True)

    group_id = fg.id
    assert _rows_in_db(olab, group_id) == 4  # 3 keys and the state row
    fg.delete()
    assert _rows_in_db(olab, group_id) == 0  # ON DELETE CASCADE (SQLite: foreign keys on)


def test_query_and_sql_read_the_online_rows(olab: Lab) -> None:
    fs = _fs()
    customers = fs.create_feature_group(
        "customers", version=1, primary_key=["id"], online_enabled=True
    )
    customers.insert(pd.DataFrame({"id": [1, 2, 3], "city": ["x", "y", "z"], "age": [3, 4, 5]}))
    customers.insert(pd.DataFrame({"id": [2], "city": ["new"], "age": [44]}))
    orders = fs.create_feature_group(
        "orders", version=1, primary_key=["order"], event_time="ts", online_enabled=True
    )
    orders.insert(
        pd.DataFrame(
            {
                "order": [10, 11, 12],
                "id": [1, 2, 7],
                "ts": T0 + pd.to_timedelta([1, 2, 3], unit="D"),
            }
        )
    )
    query = orders.select_all().join(customers.select(["city", "age"]), on=["id"], prefix="c_")
    got = _sorted(query.read(online=True), "order")
    assert got.columns.tolist() == ["order", "id", "ts", "c_city", "c_age"]
    assert got.c_city.tolist()[:2] == ["x", "new"] and pd.isna(got.c_city[2])
    filtered = customers.select_all().filter(customers.age > 4).read(online=True)
    assert sorted(filtered.id) == [2, 3]
    assert "ASOF" not in query.to_string(online=True) and "LEFT JOIN" in query.to_string(True)
    assert query.read(online=True, dataframe_type="python")[0][0] in (10, 11, 12)
    sql = fs.sql("SELECT id, city FROM customers_1 ORDER BY id", online=True)
    assert sql.to_dict("list") == {"id": [1, 2, 3], "city": ["x", "new", "z"]}
    assert sql.dtypes["id"] == np.int64
    assert fs.sql("SELECT count(*) AS n FROM customers_1", dataframe_type="python") == [[3]]


def _break_online_writes(lab: Lab, key: str) -> None:
    """A real database trigger refusing online rows of ``key`` (a failing store)."""
    with lab.db.engine.begin() as con:
        if con.dialect.name == "sqlite":
            con.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON online_rows "
                    f"WHEN NEW.key = '{key}' BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
                )
            )
        else:
            con.execute(
                text(
                    "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
                    f"IF NEW.key = '{key}' THEN RAISE EXCEPTION 'the disk is full'; END IF; "
                    "RETURN NEW; END $$ LANGUAGE plpgsql"
                )
            )
            con.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON online_rows "
                    "FOR EACH ROW EXECUTE FUNCTION refuse()"
                )
            )


def _mend_online_writes(lab: Lab) -> None:
    with lab.db.engine.begin() as con:
        con.execute(
            text(
                "DROP TRIGGER refuse" + ("" if con.dialect.name == "sqlite" else " ON online_rows")
            )
        )


def test_a_failed_online_write_keeps_the_commit_and_is_repaired(olab: Lab) -> None:
    fs = _fs()
    fg = fs.create_feature_group("stock", version=1, primary_key=["sku"], online_enabled=True)
    fg.insert(pd.DataFrame({"sku": [1, 2], "qty": [5, 6]}))
    first = max(fg.commit_details())
    _break_online_writes(olab, "[3]")
    with pytest.raises(OnlineStoreError) as raised:
        fg.insert(pd.DataFrame({"sku": [2, 3], "qty": [60, 70]}))
    message = str(raised.value)
    assert "is in the offline store" in message and "the disk is full" in message
    assert "next insert" in message
    assert isinstance(raised.value, FeatureStoreException)
    assert len(fg.commit_details()) == 2  # the offline commit stays
    assert sorted(fg.read().qty) == [5, 60, 70]
    assert online_commit(olab.db, fg._record) == first  # the online rows are the old ones
    assert sorted(fg.read(online=True).qty) == [5, 6]
    _mend_online_writes(olab)

    # The next insert sees the online rows are behind and rewrites them from its commit.
    fg.insert(pd.DataFrame({"sku": [4], "qty": [8]}))
    pd.testing.assert_frame_equal(_sorted(fg.read(online=True), "sku"), _sorted(fg.read(), "sku"))
    assert online_commit(olab.db, fg._record) == max(fg.commit_details())

    # rebuild() repairs at once, without an insert.
    with olab.db.engine.begin() as con:
        con.execute(text("DELETE FROM online_rows WHERE key = '[4]'"))
    assert sorted(fg.read(online=True).sku) == [1, 2, 3]
    assert rebuild(fg._groups, fg._record) == 4
    assert sorted(fg.read(online=True).sku) == [1, 2, 3, 4]
    keys = sorted(k for k, _ in iter_rows(olab.db, fg._record))
    assert keys == ["[1]", "[2]", "[3]", "[4]"] and STATE_KEY not in keys


def _two_groups(fs):
    """Orders (with a label and an inference helper) joined to customers on ``cust``."""
    customers = fs.create_feature_group(
        "customers", version=1, primary_key=["cust"], online_enabled=True
    )
    customers.insert(
        pd.DataFrame({"cust": [1, 2, 3], "age": [30, 40, 50], "city": ["oslo", "rome", "lima"]})
    )
    orders = fs.create_feature_group(
        "orders", version=1, primary_key=["order"], event_time="ts", online_enabled=True
    )
    orders.insert(
        pd.DataFrame(
            {
                "order": [100, 101, 102, 103],
                "cust": [1, 2, 3, 4],
                "amount": [9.5, 20.0, 3.25, 7.0],
                "ts": T0 + pd.to_timedelta([1, 2, 3, 4], unit="h"),
                "fraud": [0, 1, 0, 0],
                "note": ["n0", "n1", "n2", "n3"],
            }
        )
    )
    return customers, orders


def test_serving_a_two_group_join(slab: Lab) -> None:
    fs = _fs()
    customers, orders = _two_groups(fs)
    # The key the two share is the first group's plain column: both keys are asked for,
    # the joined one under its prefix (hsfs' serving keys).
    query = orders.select_all().join(customers.select(["age", "city"]), on=["cust"], prefix="c_")
    parts = ViewParts(query._plan(), labels=["fraud"], inference_helper_columns=["note"])
    serving = serving_for(parts, orders._groups)
    assert [(k.feature_name, k.required, k.prefix, k.join_on) for k in serving.serving_keys] == [
        ("order", True, "", None),
        ("cust", True, "c_", "cust"),
    ]
    assert serving.primary_keys == {"order", "c_cust"}
    assert serving.feature_vector_columns == ["order", "cust", "amount", "ts", "c_age", "c_city"]

    entry = {"order": 101, "c_cust": 2}
    want = [101, 2, 20.0, dt.datetime(2024, 1, 1, 2), 40, "rome"]
    assert serving.vector(entry) == want
    assert serving.vector(entry, passed_features={"amount": 1.0, "extra": 5})[2] == 1.0
    array = serving.vector(entry, return_type="numpy")
    assert isinstance(array, np.ndarray) and array.shape == (6,)
    frame = serving.vector(entry, return_type="pandas")
    assert frame.columns.tolist() == serving.feature_vector_columns and len(frame) == 1
    assert frame.c_city[0] == "rome"
    if importlib.util.find_spec("polars") is None:
        with pytest.raises(ModuleNotFoundError, match="polars"):
            serving.vector(entry, return_type="polars")
    else:
        assert serving.vector(entry, return_type="polars").shape == (1, 6)
    with pytest.raises(ValueError, match="return_type"):
        serving.vector(entry, return_type="dict")

    entries = [{"order": 100, "c_cust": 1}, {"order": 999, "c_cust": 999}, entry]
    vectors = serving.vectors(entries)
    assert len(vectors) == 2 and vectors[1] == want  # the entry found nowhere is dropped
    frame = serving.vectors(entries, return_type="pandas")
    assert frame.order.tolist() == [100, 101]
    assert serving.vectors(entries, return_type="numpy").shape == (2, 6)
    passed = serving.vectors(entries[:1], passed_features=[{"c_age": 1}])
    assert passed[0][4] == 1

    # The view against the offline join: the same values for every order whose customer
    # exists (online, the joined group is looked up by the serving key given).
    offline = _sorted(query.read(), "order")
    for row in offline.itertuples(index=False):
        if pd.isna(row.c_age):
            continue
        got = serving.vector({"order": int(row.order), "c_cust": int(row.cust)})
        assert got == [
            row.order,
            row.cust,
            row.amount,
            row.ts.to_pydatetime(),
            row.c_age,
            row.c_city,
        ]

    # Inference helpers: what the view keeps aside, per entry.
    assert serving.inference_helper(entry).to_dict("list") == {"note": ["n1"]}
    assert serving.inference_helper(entry, return_type="dict") == {"note": "n1"}
    helpers = serving.inference_helpers(entries, return_type="dict")
    assert helpers == [{"note": "n0"}, {"note": None}, {"note": "n1"}]
    notes = serving.inference_helpers(entries).note
    assert notes[0] == "n0" and pd.isna(notes[1]) and notes[2] == "n1"
    serving.close()


def test_serving_keys_on_shared_keys_prefixes_and_labels(slab: Lab) -> None:
    fs = _fs()
    customers, orders = _two_groups(fs)
    scores = fs.create_feature_group("scores", version=1, primary_key=["cust"], online_enabled=True)
    scores.insert(pd.DataFrame({"cust": [1, 2], "score": [0.1, 0.2]}))
    # Joined on the first group's primary key: not required, given once.
    plan = customers.select_all().join(scores.select(["score"]))._plan()
    keys = serving_keys(plan)
    assert [(k.required_serving_key, k.required, k.join_on) for k in keys] == [
        ("cust", True, None),
        ("cust", False, "cust"),
    ]
    serving = serving_for(ViewParts(plan), customers._groups)
    assert serving.vector({"cust": 2}) == [2, 40, "rome", 0.2]
    with pytest.raises(FeatureStoreException, match="missing from vector"):
        serving.vector({"cust": 3})  # no score for customer 3
    assert serving.vector({"cust": 3}, allow_missing=True) == [3, 50, "lima", None]
    assert serving.vector({"cust": 99}) is None  # no row in any group
    assert serving.vector({"cust": 99}, return_type="pandas").isna().all(axis=None)
    serving.close()

    # The same key name joined from a plain column and no prefix: the second gets "0_".
    plan = orders.select(["order", "amount"]).join(customers.select(["age"]), on=["cust"])._plan()
    keys = serving_keys(plan)
    assert [k.required_serving_key for k in keys] == ["order", "cust"]
    plan = (
        customers.select(["cust", "age"])
        .join(orders.select(["amount"]), left_on=["age"], right_on=["order"])
        .join(scores.select(["score"]), left_on=["age"], right_on=["cust"])
    )._plan()
    keys = serving_keys(plan)
    assert [k.required_serving_key for k in keys] == ["cust", "order", "0_cust"]
    assert keys[2] == ServingKey("cust", 2, scores.id, "scores", 1, True, "0_", "age")

    # A group that gives only labels needs no key, unless another group joins on it.
    plan = orders.select(["fraud"]).join(customers.select(["age"]), on=["cust"])._plan()
    assert [k.feature_name for k in serving_keys(plan, labels=["fraud"])] == ["cust"]
    plan = scores.select(["score"]).join(customers.select(["age"]), on=["cust"])._plan()
    keys = serving_keys(plan, labels=["score"])
    assert [(k.feature_group_name, k.required) for k in keys] == [
        ("scores", True),
        ("customers", False),
    ]


def test_missing_and_wrong_keys(slab: Lab) -> None:
    fs = _fs()
    customers, orders = _two_groups(fs)
    query = orders.select_all().join(customers.select(["age", "city"]), on=["cust"], prefix="c_")
    serving = serving_for(ViewParts(query._plan(), labels=["fraud"]), orders._groups)
    with pytest.raises(FeatureStoreException, match="not a serving key"):
        serving.vector({"order": 100, "customer": 1})
    with pytest.raises(FeatureStoreException, match="serving keys"):
        serving.vector({})
    with pytest.raises(FeatureStoreException, match="Incomplete feature vector requests"):
        serving.vector({"order": 100})  # the customer's key is left out
    # Left out but its features passed: complete.
    passed = {"c_age": 1, "c_city": "p"}
    assert serving.vector({"order": 100}, passed_features=passed)[-2:] == [1, "p"]
    # allow_missing: the gaps are None, the serving keys given fill their slots.
    assert serving.vector({"order": 100}, allow_missing=True)[-2:] == [None, None]
    gaps = serving.vector({"order": 555, "c_cust": 1}, allow_missing=True)
    assert gaps == [555, None, None, None, None, 30, "oslo"]  # ..., note, c_age, c_city
    # The order exists, its customer does not: hsfs' error, or the gaps with allow_missing.
    with pytest.raises(FeatureStoreException, match=r"Feature\(s\) .* is missing from vector"):
        serving.vector({"order": 103, "c_cust": 4})
    assert serving.vector({"order": 103, "c_cust": 4}, allow_missing=True)[-2:] == [None, None]
    assert serving.vectors([{"order": 555, "c_cust": 555}]) == []
    # A value of another type that names the same key still finds the row.
    assert serving.vector({"order": np.int64(100), "c_cust": 1.0})[0] == 100
    assert serving.vector({"order": "100", "c_cust": 1})[0] == 100
    assert serving.vector({"order": 100.5, "c_cust": 555}) is None
    assert serving.vector({"order": None, "c_cust": None}) is None  # as SQL's = NULL

    composite = fs.create_feature_group(
        "pairs", version=1, primary_key=["a", "b"], online_enabled=True
    )
    composite.insert(pd.DataFrame({"a": [1], "b": ["x"], "v": [5]}))
    pairs = serving_for(ViewParts(composite.select_all()._plan()), orders._groups)
    assert pairs.vector({"a": 1, "b": "x"}) == [1, "x", 5]
    with pytest.raises(FeatureStoreException, match="composite serving keys"):
        pairs.vector({"a": 1})
    pairs.close()

    offline = fs.create_feature_group("offline", version=1, primary_key=["cust"])
    offline.insert(pd.DataFrame({"cust": [1], "v": [1]}))
    with pytest.raises(FeatureStoreException, match="online enabled"):
        serving_for(ViewParts(offline.select_all()._plan()), orders._groups)
    serving.close()


def test_serving_a_feature_view_record(slab: Lab) -> None:
    """``serving_for`` takes the catalog's ``FeatureViewRecord`` as well (its query kept
    as JSON): the same vectors as from the plan."""
    fs = _fs()
    customers, orders = _two_groups(fs)
    query = orders.select_all().join(customers.select(["age", "city"]), on=["cust"], prefix="c_")
    record = FeatureViewRecord(
        id=1,
        name="fraud_view",
        version=1,
        query=spec_to_json(query._spec()),
        labels=["fraud"],
        inference_helper_columns=["note"],
    )
    from_record = serving_for(record, orders._groups)
    parts = ViewParts(query._plan(), labels=["fraud"], inference_helper_columns=["note"])
    from_plan = serving_for(parts, orders._groups)
    entries = [{"order": o, "c_cust": c} for o, c in [(100, 1), (101, 2), (102, 3)]]
    assert from_record.vectors(entries) == from_plan.vectors(entries)
    assert from_record.serving_keys == from_plan.serving_keys
    from_record.close()
    from_plan.close()
    customers.delete()
    with pytest.raises(FeatureStoreException, match="deleted"):
        serving_for(record, orders._groups)


def test_a_view_without_transformations_is_served_untransformed(slab: Lab) -> None:
    fs = _fs()
    customers, _ = _two_groups(fs)
    serving = serving_for(ViewParts(customers.select_all()._plan()), customers._groups, [], None)
    assert serving.vector({"cust": 1}, transform=True) == [1, 30, "oslo"]
    assert serving.columns() == ["cust", "age", "city"]
    stored = dict(iter_rows(slab.db, customers._record))  # the row as JSON, by key
    assert stored["[1]"] == {"cust": 1, "age": 30, "city": "oslo"}
    serving.close()


def _online_qty(fg) -> dict[int, int]:
    return dict(zip(fg.read(online=True).sku, fg.read(online=True).qty, strict=True))


def test_insert_writes_only_the_store_named(olab: Lab) -> None:
    """hsfs 5.2.1's storage=: "offline" makes a commit and leaves the online rows, also
    after later inserts (which upsert only their own rows); "online" writes the online
    rows and makes no commit; an offline overwrite clears the online rows, as Hopsworks
    clears the whole group first."""
    fs = _fs()
    fg = fs.create_feature_group("stock", version=1, primary_key=["sku"], online_enabled=True)
    table = lambda: fg._groups.table(fg._record)  # noqa: E731
    fg.insert(pd.DataFrame({"sku": [1, 2], "qty": [5, 6]}))
    fg.insert(pd.DataFrame({"sku": [2, 3], "qty": [60, 70]}), storage="offline")
    assert len(fg.commit_details()) == 2 and sorted(fg.read().qty) == [5, 60, 70]
    assert _online_qty(fg) == {1: 5, 2: 6}
    assert online_commit(olab.db, fg._record) == max(fg.commit_details())  # not a gap
    fg.insert(pd.DataFrame({"sku": [4], "qty": [8]}))  # both stores: its own rows online
    assert _online_qty(fg) == {1: 5, 2: 6, 4: 8}
    assert sorted(fg.read().qty) == [5, 8, 60, 70]

    commits, version = fg.commit_details(), table().latest_version()
    fg.insert(pd.DataFrame({"sku": [1, 5], "qty": [50, 9]}), storage="ONLINE")
    assert fg.commit_details() == commits and table().latest_version() == version
    assert _online_qty(fg) == {1: 50, 2: 6, 4: 8, 5: 9}
    assert sorted(fg.read().qty) == [5, 8, 60, 70]
    fg.insert(pd.DataFrame({"sku": [6], "qty": [1]}))  # the online-only rows stay
    assert _online_qty(fg) == {1: 50, 2: 6, 4: 8, 5: 9, 6: 1}

    fg.insert(pd.DataFrame({"sku": [7], "qty": [2]}), overwrite=True, storage="offline")
    assert fg.read().sku.tolist() == [7] and fg.read(online=True).empty
    fg.insert(pd.DataFrame({"sku": [8], "qty": [3]}))
    assert _online_qty(fg) == {8: 3} and sorted(fg.read().sku) == [7, 8]

    with pytest.raises(FeatureStoreException, match="Invalid storage: both"):
        fg.insert(pd.DataFrame({"sku": [1], "qty": [1]}), storage="both")
    with pytest.raises(FeatureStoreException, match="overwrite=True with storage='online'"):
        fg.insert(pd.DataFrame({"sku": [1], "qty": [1]}), overwrite=True, storage="online")
    plain = fs.create_feature_group("plain", version=1, primary_key=["sku"])
    plain.insert(pd.DataFrame({"sku": [1], "qty": [1]}), storage="offline")
    with pytest.raises(FeatureStoreException, match="Online storage is not enabled"):
        plain.insert(pd.DataFrame({"sku": [1], "qty": [1]}), storage="online")

    # A new group written online only is registered without a commit.
    fresh = fs.create_feature_group("fresh", version=1, primary_key=["sku"], online_enabled=True)
    fresh.insert(pd.DataFrame({"sku": [1, 2], "qty": [3, 4]}), storage="online")
    assert fresh.commit_details() == {} and fresh.read().empty
    assert not fresh._groups.table(fresh._record).exists()
    assert _online_qty(fresh) == {1: 3, 2: 4}
    fresh.insert(pd.DataFrame({"sku": [3], "qty": [5]}))
    assert _online_qty(fresh) == {1: 3, 2: 4, 3: 5} and fresh.read().sku.tolist() == [3]
