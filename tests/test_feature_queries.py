"""Feature store queries: filters, selections, joins and point-in-time joins, on the
Python engine (DuckDB in process) and the Spark engine, driven through the facades."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hopsml_lab import hopsworks
from hopsml_lab.engine.duckdb import connection, fetch_arrow
from hopsml_lab.featurestore.errors import FeatureStoreException
from hopsml_lab.featurestore.query.queries import (
    committed_bytes,
    query_engine,
    sources,
    table_names,
)
from hopsml_lab.featurestore.query.sql import duckdb_sql, ties_sql
from hopsml_lab.hsfs.constructor.filter import Filter, Logic
from hopsml_lab.hsfs.constructor.query import Query
from hopsml_lab.hsfs.util import FeatureGroupWarning
from hopsml_lab.lab import Lab, set_lab
from hopsml_lab.settings import Settings

T0 = pd.Timestamp("2024-01-01")


@pytest.fixture
def plab(project_root: Path, tmp_path: Path) -> Iterator[Lab]:
    """A project without Spark on SQLite (the catalog's PostgreSQL side is covered by
    test_feature_groups)."""
    lab = Lab(
        Settings(project_root=str(project_root), catalog_url=f"sqlite:///{tmp_path / 'c.db'}")
    )
    set_lab(lab)
    yield lab
    set_lab(None)
    lab.db.dispose()


def _orders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5, 6],
            "amount": [5.0, 50.0, 100.0, 150.0, 100.0, 7.5],
            "city": ["oslo", "rome", "paris", "rome", "lima", "porto"],
            "ts": T0 + pd.to_timedelta([0, 1, 2, 3, 4, 5], unit="h"),
        }
    )


def _sorted(frame: pd.DataFrame, by: str = "id") -> pd.DataFrame:
    return frame.sort_values(by).reset_index(drop=True)


def test_filters_match_pandas(plab: Lab) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    fg = fs.create_feature_group("orders", version=1, primary_key=["id"], event_time="ts")
    data = _orders()
    fg.insert(data)
    cases = [
        (fg.amount > 50, data.amount > 50),
        (fg.amount >= 100, data.amount >= 100),
        (fg.amount < 50, data.amount < 50),
        (fg.amount <= 50, data.amount <= 50),
        (fg.amount == 100, data.amount == 100),
        (fg.amount != 100, data.amount != 100),
        (fg.city.isin(["rome", "lima"]), data.city.isin(["rome", "lima"])),
        (fg.city.like("%o%"), data.city.str.contains("o")),
        (fg.city.like("r_me"), data.city == "rome"),
        ((fg.amount > 10) & (fg.city == "rome"), (data.amount > 10) & (data.city == "rome")),
        ((fg.amount < 6) | (fg.city == "lima"), (data.amount < 6) | (data.city == "lima")),
        (
            (fg.amount > 10) & ((fg.city == "rome") | (fg.city == "paris")),
            (data.amount > 10) & data.city.isin(["rome", "paris"]),
        ),
        (fg.ts >= T0 + pd.Timedelta(hours=3), data.ts >= T0 + pd.Timedelta(hours=3)),
    ]
    for condition, expected in cases:
        got = _sorted(fg.filter(condition).read())
        pd.testing.assert_frame_equal(got, _sorted(data[expected]), obj=repr(condition))
    # hsfs' objects: a Filter per comparison, Logic for & and |, filter() ANDs.
    single = fg.amount > 50
    assert isinstance(single, Filter) and single.condition == "GREATER_THAN"
    assert (fg.city.isin(["a", "b"])).value == '["a", "b"]'
    both = single & (fg.city == "rome")
    assert isinstance(both, Logic) and both.type == "AND"
    assert isinstance(fg.ts > pd.Timestamp("2024-01-01 01:00"), Filter)
    assert (fg.ts > pd.Timestamp("2024-01-01 01:00")).value == "2024-01-01 01:00:00"
    query = fg.select_all().filter(fg.amount > 10).filter(fg.city == "rome")
    assert sorted(query.read()["id"]) == [2, 4]
    with pytest.raises(TypeError, match="Filter or Logic"):
        (fg.amount > 1) & True


def test_select_variants(plab: Lab) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    fg = fs.create_feature_group("orders", version=1, primary_key=["id"], event_time="ts")
    fg.insert(_orders())
    columns = lambda q: list(q.read().columns)  # noqa: E731
    assert columns(fg.select_all()) == ["id", "amount", "city", "ts"]
    assert columns(fg.select_all(include_primary_key=False)) == ["amount", "city", "ts"]
    assert columns(fg.select_all(True, True, True, False)) == ["id", "amount", "city"]
    assert columns(fg.select(["city", fg.amount])) == ["amount", "city"]
    assert columns(fg.select_except(["city"])) == ["id", "amount", "ts"]
    assert columns(fg.select_except()) == ["id", "amount", "city", "ts"]
    assert columns(fg.select_features()) == ["amount", "city"]
    query = fg.select(["amount"])
    assert isinstance(query, Query) and [f.name for f in query.features] == ["amount"]
    assert query.featuregroups[0] is fg
    with pytest.raises(FeatureStoreException, match="no feature"):
        fg.select(["nope"])
    got = fg.select_all().read()
    assert got.dtypes.to_dict() == _orders().dtypes.to_dict()  # dtypes as inserted


def _join_groups(fs):
    customers = fs.create_feature_group("customers", version=1, primary_key=["id"])
    customers.insert(pd.DataFrame({"id": [1, 2, 3], "city": ["x", "y", "z"], "age": [30, 40, 50]}))
    orders = fs.create_feature_group("orders", version=1, primary_key=["id"], event_time="ts")
    orders.insert(_orders())
    return customers, orders


def test_join_on_key_with_prefix_and_clashes(plab: Lab) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    customers, orders = _join_groups(fs)
    query = orders.select(["id", "city", "amount"])
    same = query.join(customers.select_all(), on=["id"], prefix="c_")
    assert same is query  # join changes the query and returns it
    got = _sorted(query.read())
    assert list(got.columns) == ["id", "amount", "city", "c_city", "c_age"]
    assert got["c_city"].tolist()[:3] == ["x", "y", "z"] and got["c_city"][3:].isna().all()
    assert got["c_age"].tolist()[:3] == [30.0, 40.0, 50.0]
    inner = orders.select(["id"]).join(customers.select(["age"]), join_type="inner")  # the pk
    assert sorted(inner.read()["age"]) == [30, 40, 50]
    with pytest.warns(FeatureGroupWarning, match="fg1_city"):
        clash = orders.select(["id", "city"]).join(customers.select(["id", "city"]), on=["id"])
    assert list(clash.read().columns) == ["id", "city", "fg1_city"]
    with pytest.raises(FeatureStoreException, match="another prefix"):
        orders.select(["id", "city"]).join(customers.select(["city"]), on=["id"], prefix="").join(
            customers.select(["city"]), on=["id"], prefix="fg1_"
        )
    text = query.to_string()
    assert '"orders_1"' in text and '"customers_1"' in text and "LEFT JOIN" in text
    assert len(query.featuregroups) == 2 and customers.name in repr(query)


def _brute_force(labels: pd.DataFrame, feats: pd.DataFrame, name: str) -> list:
    """For each label row, the value of the feature row of its key with the latest
    event time <= the label's time, the last written among equal times; else None."""
    out = []
    by_key = {k: g for k, g in feats.groupby("cust")}
    for cust, ts in zip(labels["cust"], labels["ts"], strict=True):
        rows = by_key.get(cust)
        best = None
        if rows is not None:
            for t, v in zip(rows["ts"], rows[name], strict=True):  # in write order
                if t <= ts and (best is None or t >= best[0]):
                    best = (t, v)
        out.append(None if best is None else best[1])
    return out


def _pit_data(seed: int = 7):
    rng = np.random.default_rng(seed)
    n_labels, entities = 2000, 150
    labels = pd.DataFrame(
        {
            "row": np.arange(n_labels),
            "cust": rng.integers(0, entities + 20, n_labels),  # some entities have no history
            "ts": T0 + pd.to_timedelta(rng.integers(0, 1000, n_labels), unit="min"),
            "label": rng.integers(0, 2, n_labels),
        }
    )

    def feats(rows: int, late_from: int, column: str) -> pd.DataFrame:
        cust = rng.integers(0, entities, rows)
        minutes = rng.integers(0, 1000, rows)
        minutes[cust >= late_from] += 2000  # these entities have only future history
        return pd.DataFrame(
            {
                "cust": cust,
                "ts": T0 + pd.to_timedelta(minutes, unit="min"),
                column: rng.normal(size=rows),
            }
        )

    return labels, feats(1500, 140, "f1"), feats(1200, 130, "f2")


def test_point_in_time_join_row_by_row(plab: Lab) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    labels, f1, f2 = _pit_data()
    spine = fs.create_feature_group("labels", version=1, primary_key=["row"], event_time="ts")
    spine.insert(labels)
    g1 = fs.create_feature_group("f_one", version=1, primary_key=["cust", "ts"], event_time="ts")
    g2 = fs.create_feature_group("f_two", version=1, primary_key=["cust", "ts"], event_time="ts")
    # Ties: label times equal to feature times, and a later insert of the same moment.
    f1 = pd.concat([f1, labels[["cust", "ts"]].head(200).assign(f1=1.0)], ignore_index=True)
    f1 = f1.drop_duplicates(["cust", "ts"], keep="last")
    g1.insert(f1.iloc[:1000], operation="insert")
    again = f1.iloc[:300].assign(f1=lambda d: d.f1 + 100)  # same keys and times, written later
    g1.insert(f1.iloc[1000:], operation="insert")
    g1.insert(again, operation="insert")
    g2.insert(f2, operation="insert")
    written1 = pd.concat([f1.iloc[:1000], f1.iloc[1000:], again], ignore_index=True)

    query = (
        spine.select_all()
        .join(g1.select(["f1"]), prefix="a_", on=["cust"])
        .join(g2.select(["f2", "ts"]), on=["cust"], prefix="b_")
    )
    got = _sorted(query.read(), "row")
    assert len(got) == len(labels)  # every label row kept
    assert list(got.columns) == ["row", "cust", "ts", "label", "a_f1", "b_ts", "b_f2"]
    want1 = _brute_force(labels, written1, "f1")
    want2 = _brute_force(labels, f2, "f2")
    for row, (a, b) in enumerate(zip(want1, want2, strict=True)):
        assert (pd.isna(got.a_f1[row]) and a is None) or got.a_f1[row] == a, row
        assert (pd.isna(got.b_f2[row]) and b is None) or got.b_f2[row] == b, row
    assert (got.b_ts.dropna() <= got.ts[got.b_ts.notna()]).all()  # never a later row
    assert got.a_f1.isna().any() and got.a_f1.notna().any()
    assert (got.a_f1 > 50).any()  # the later-written tie won
    assert "ASOF LEFT JOIN" in query.to_string()


def test_point_in_time_ties_reduced_only_where_present(plab: Lab) -> None:
    """A joined group's ties (rows of one key at one event time) are reduced to the last
    written before the ASOF join only when the group has some: the rows are the brute
    force's either way, reducing a group without ties changes nothing, and event times of
    another type (epoch ms ints against timestamps) join too."""
    fs = hopsworks.login(engine="python").get_feature_store()
    labels, f1, f2 = _pit_data(seed=11)
    f1 = f1.drop_duplicates(["cust", "ts"])
    f2 = f2.drop_duplicates(["cust", "ts"])
    spine = fs.create_feature_group("labels", version=1, primary_key=["row"], event_time="ts")
    spine.insert(labels)
    plain = fs.create_feature_group("plain", version=1, primary_key=["cust", "ts"], event_time="ts")
    plain.insert(f1, operation="insert")
    tied = fs.create_feature_group("tied", version=1, primary_key=["cust", "ts"], event_time="ts")
    tied.insert(f1, operation="insert")
    again = f1.iloc[:300].assign(f1=lambda d: d.f1 + 100)  # same keys and times, written later
    tied.insert(again, operation="insert")
    in_ms = f2.assign(t_ms=f2.ts.astype("datetime64[ms]").astype("int64")).drop(columns="ts")
    millis = fs.create_feature_group("millis", version=1, primary_key=["cust"], event_time="t_ms")
    millis.insert(in_ms, operation="insert")

    query = (
        spine.select_all()
        .join(plain.select(["f1"]), on=["cust"], prefix="p_")
        .join(tied.select(["f1"]), on=["cust"], prefix="t_")
        .join(millis.select(["f2"]), on=["cust"])
    )
    got = _sorted(query.read(), "row")
    wants = {
        "p_f1": _brute_force(labels, f1, "f1"),
        "t_f1": _brute_force(labels, pd.concat([f1, again], ignore_index=True), "f1"),
        "f2": _brute_force(labels, f2, "f2"),
    }
    for column, want in wants.items():
        for row, value in enumerate(want):
            same = (pd.isna(got[column][row]) and value is None) or got[column][row] == value
            assert same, (column, row)
    assert (got.t_f1 > 50).any() and got.f2.notna().any()

    plan = query._plan()
    names = table_names(plan)
    with connection(*sources(spine._groups, plan, names)) as con:
        assert fetch_arrow(con, ties_sql(plan, names) or "").column(0).to_pylist() == ["fg2"]
        found = fetch_arrow(con, duckdb_sql(plan, names, ["fg2"])).sort_by("row")
        reduced = fetch_arrow(con, duckdb_sql(plan, names, ["fg1", "fg2", "fg3"])).sort_by("row")
    assert found.equals(reduced)


def test_spark_and_python_engines_agree(lab: Lab) -> None:
    fs = hopsworks.login(engine="spark").get_feature_store()
    labels, f1, _ = _pit_data(seed=3)
    labels, f1 = labels.head(400), f1.head(400)
    f1 = pd.concat([f1, labels[["cust", "ts"]].head(50).assign(f1=1.0)], ignore_index=True)
    f1 = f1.drop_duplicates(["cust", "ts"], keep="last")
    spine = fs.create_feature_group("labels", version=1, primary_key=["row"], event_time="ts")
    spine.insert(labels)
    g1 = fs.create_feature_group("f_one", version=1, primary_key=["cust", "ts"], event_time="ts")
    g1.insert(f1, operation="insert")
    g1.insert(f1.head(100).assign(f1=lambda d: d.f1 + 100), operation="insert")  # ties
    customers = fs.create_feature_group("people", version=1, primary_key=["cust"])
    customers.insert(pd.DataFrame({"cust": range(0, 170, 2), "age": range(85)}))

    query = (
        spine.select_all()
        .join(g1.select(["f1"]), on=["cust"], prefix="a_")
        .join(customers.select(["age"]), on=["cust"])
        .filter((spine.label == 1) | (spine.cust < 40))
    )
    spark_rows = query.read()
    from pyspark.sql import DataFrame

    assert isinstance(spark_rows, DataFrame)
    python_rows = _sorted(query.read(dataframe_type="pandas"), "row")
    spark_frame = _sorted(spark_rows.toPandas(), "row")
    assert len(python_rows) == len(spark_frame) > 0
    assert list(spark_frame.columns) == list(python_rows.columns)
    for column in python_rows.columns:
        left, right = python_rows[column].tolist(), spark_frame[column].tolist()
        same = [(pd.isna(a) and pd.isna(b)) or a == b for a, b in zip(left, right, strict=True)]
        assert all(same), column
    assert sorted(r["cust"] for r in fs.sql("SELECT cust FROM people_1").collect())[:2] == [0, 2]

    # A pandas answer comes from DuckDB or from Spark (by size, or as the setting says):
    # the same rows and dtypes either way.
    plan, groups = query._plan(), spine._groups
    assert query_engine(groups, plan) == "duckdb"  # auto: the groups are small
    settings = lab.settings
    try:
        lab.settings = settings.with_overrides(fs_duckdb_max_bytes=committed_bytes(groups, plan))
        assert query_engine(groups, plan) == "duckdb"  # at the threshold: still DuckDB
        lab.settings = settings.with_overrides(
            fs_duckdb_max_bytes=committed_bytes(groups, plan) - 1
        )
        assert query_engine(groups, plan) == "spark"
        by_spark = _sorted(query.read(dataframe_type="pandas"), "row")
        pd.testing.assert_frame_equal(by_spark, python_rows)
        lab.settings = settings.with_overrides(fs_query_engine="duckdb", fs_duckdb_max_bytes=1)
        assert query_engine(groups, plan) == "duckdb"
        lab.settings = settings.with_overrides(fs_query_engine="spark")
        assert query_engine(groups, plan) == "spark"
    finally:
        lab.settings = settings


def test_query_as_of_and_sql(plab: Lab) -> None:
    fs = hopsworks.login(engine="python").get_feature_store()
    customers, orders = _join_groups(fs)
    customers.insert(pd.DataFrame({"id": [1], "city": ["new"], "age": [31]}))
    first = min(customers.commit_details())
    assert customers.as_of(first).read()["city"].tolist() == ["x", "y", "z"]
    before = max(customers.commit_details()) - 1  # after the orders' commit
    query = orders.select(["id"]).join(customers.select(["city"]), on=["id"]).as_of(before)
    assert query.left_feature_group_end_time == before
    assert _sorted(query.read())["city"].tolist()[:3] == ["x", "y", "z"]
    assert sorted(orders.select(["id"]).join(customers.select(["city"])).read().city.dropna()) == [
        "new",
        "y",
        "z",
    ]
    got = fs.sql("SELECT id, age FROM customers_1 WHERE age > 35 ORDER BY id")
    assert got.to_dict("list") == {"id": [2, 3], "age": [40, 50]}
    assert got.dtypes["age"] == np.int64
    assert fs.sql("SELECT count(*) AS n FROM orders_1", dataframe_type="python") == [[6]]
    # Incremental: only what the commits after exclude_until wrote (the upsert of id 1).
    changed = customers.as_of(None, exclude_until=first).read()
    assert changed.to_dict("list") == {"id": [1], "city": ["new"], "age": [31]}
    with pytest.raises(ValueError, match="FROM nope_1"):
        fs.sql("SELECT * FROM nope_1")


def _float_column(values: list) -> pd.Series:
    return pd.Series(values, dtype="float64")  # None -> NaN: fails every comparison


def test_joined_query_filters_on_both_engines(lab: Lab) -> None:
    """A filter given on a joined sub-query is ANDed into the query's WHERE (Hopsworks'
    FilterController), after the join: a point-in-time join picks the latest row, then
    filters it; a left join's row without a passing joined row is dropped. Spark and
    DuckDB both match brute-force pandas."""
    fs = hopsworks.login(engine="spark").get_feature_store()
    labels, f1, _ = _pit_data(seed=5)
    labels, f1 = labels.head(500), f1.head(600).drop_duplicates(["cust", "ts"])
    spine = fs.create_feature_group("labels", version=1, primary_key=["row"], event_time="ts")
    spine.insert(labels)
    g1 = fs.create_feature_group("f_one", version=1, primary_key=["cust", "ts"], event_time="ts")
    g1.insert(f1, operation="insert")
    people = fs.create_feature_group("people", version=1, primary_key=["cust"])
    ages = pd.DataFrame({"cust": range(0, 170, 2), "age": range(85)})
    people.insert(ages)

    query = (
        spine.select_all()
        .join(g1.select(["f1"]).filter(g1.f1 > 0), on=["cust"], prefix="a_")
        .join(people.select(["age"]).filter((people.age >= 20) | (people.age < 3)), on=["cust"])
        .filter(spine.label == 1)
    )
    want = labels.assign(a_f1=_float_column(_brute_force(labels, f1, "f1")).to_numpy())
    want = want.merge(ages, on="cust", how="left")
    want = _sorted(
        want[(want.label == 1) & (want.a_f1 > 0) & ((want.age >= 20) | (want.age < 3))], "row"
    )
    assert 0 < len(want) < (labels.label == 1).sum()  # the joined filters removed rows
    by_duckdb = _sorted(query.read(dataframe_type="pandas"), "row")
    by_spark = _sorted(query.read().toPandas(), "row")
    for got in (by_duckdb, by_spark):
        assert list(got.columns) == ["row", "cust", "ts", "label", "a_f1", "age"]
        assert got.row.tolist() == want.row.tolist()
        np.testing.assert_allclose(got.a_f1.to_numpy(float), want.a_f1.to_numpy(float))
        assert got.age.tolist() == want.age.astype(int).tolist()
    assert query.filters is not None and query.filters.type == "AND"  # hsfs: all of them

    # A plain (not point-in-time) left join: its filter drops the rows it fails and the
    # rows without a joined row, as a WHERE after the join does.
    plain = people.select_all().join(
        spine.select(["label"]).filter(spine.label == 1), on=["cust"], join_type="left"
    )
    merged = ages.merge(labels[["cust", "label"]], on="cust", how="left")
    expected = sorted(map(tuple, merged[merged.label == 1][["cust", "label"]].values.tolist()))
    for frame in (plain.read(dataframe_type="pandas"), plain.read().toPandas()):
        assert sorted(map(tuple, frame[["cust", "label"]].values.tolist())) == expected


def test_joined_query_filter_binds_to_its_own_group(plab: Lab) -> None:
    """A group joined to itself: the joined query's filter reads the joined copy (fg1),
    the query's own filter the left one (fg0); a filter on a feature of no group of the
    query is refused, naming it."""
    fs = hopsworks.login(engine="python").get_feature_store()
    orders = fs.create_feature_group("orders", version=1, primary_key=["id"], event_time="ts")
    orders.insert(_orders())
    query = orders.select(["id", "amount"]).join(
        orders.select(["city"]).filter(orders.amount > 60), on=["id"], prefix="o_"
    )
    sql = query.to_string()
    assert 'WHERE fg1."amount" > 60' in sql
    assert sorted(query.read()["id"]) == [3, 4, 5]
    query.filter(orders.city == "rome")
    assert 'fg0."city" = ' in query.to_string()
    assert sorted(query.read()["id"]) == [4]
    customers = fs.create_feature_group("customers", version=1, primary_key=["id"])
    customers.insert(pd.DataFrame({"id": [1], "age": [3]}))
    stray = orders.select(["city"]).filter(customers.age > 1)
    with pytest.raises(FeatureStoreException, match="'age' names a feature of no feature group"):
        orders.select(["id"]).join(stray, on=["id"])


def test_timestamp_filter_values_as_hsfs_converts_them(plab: Lab) -> None:
    """Every value compared with a timestamp feature becomes hsfs' filter value, the UTC
    time to the second ('%Y-%m-%d %H:%M:%S'), read as hsfs' util reads times; the rows
    are pandas' rows for that moment."""
    import datetime as dt

    fs = hopsworks.login(engine="python").get_feature_store()
    fg = fs.create_feature_group("orders", version=1, primary_key=["id"], event_time="ts")
    data = _orders()
    fg.insert(data)
    three = "2024-01-01 03:00:00"
    inputs = [
        "2024-01-01 03:00:00",  # the formats hsfs' util reads
        "2024-01-01 03:00:00.700",  # milliseconds: dropped, as hsfs drops them
        "2024-01-01 03",
        "20240101030000",
        "2024-01-01T03:00:00Z",
        1704078000,  # epoch seconds (10 digits or fewer)
        1704078000123,  # epoch milliseconds
        dt.datetime(2024, 1, 1, 3),  # naive: UTC
        dt.datetime(2024, 1, 1, 4, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        pd.Timestamp("2024-01-01 03:00:00.5"),
    ]
    for value in inputs:
        condition = fg.ts >= value
        assert condition.value == three, value
        got = _sorted(fg.filter(condition).read())
        pd.testing.assert_frame_equal(got, _sorted(data[data.ts >= pd.Timestamp(three)]))
    on_day = fg.ts < dt.date(2024, 1, 1)  # a date: midnight UTC
    assert on_day.value == "2024-01-01 00:00:00" and fg.filter(on_day).read().empty
    assert (fg.ts == 1704070800000).value == "2024-01-01 01:00:00"
    assert fg.filter(fg.ts == 1704070800000).read()["id"].tolist() == [2]
    assert (fg.amount > 5).value == 5  # other features keep their values
    for bad in ("yesterday", "", 0, 1.5):
        with pytest.raises(ValueError, match="cannot compare timestamp feature 'ts'"):
            fg.ts > bad  # noqa: B015
