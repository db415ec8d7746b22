"""Statistics on every commit: computed with DuckDB in the commit's recording, checked
against pandas, per commit, as hsfs shapes them; through the hopsworks / hsfs facades."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hopsml_lab import hopsworks
from hopsml_lab.featurestore.featuregroups import statistics as statistics_module
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


def _frame(n: int = 60, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "id": np.arange(n, dtype="int64"),
            "x": rng.normal(10.0, 3.0, n),
            "k": rng.integers(0, 8, n).astype("int64"),
            "city": rng.choice(["oslo", "rome", "lima", "kyiv"], n, p=[0.5, 0.25, 0.15, 0.1]),
            "flag": rng.choice([True, False], n),
        }
    )
    frame["y"] = frame["x"] * 2.0 + rng.normal(0.0, 1.0, n)
    frame.loc[[3, 11, 20, 41], "x"] = np.nan  # NaN is stored as null
    frame["city"] = frame["city"].astype(object)
    frame.loc[[5, 6], "city"] = None
    return frame


def _group(name: str = "people", **kwargs):
    fs = hopsworks.login().get_feature_store()
    return fs, fs.get_or_create_feature_group(name, version=1, primary_key=["id"], **kwargs)


def _by_name(stats) -> dict:
    return {f.feature_name: f for f in stats.feature_descriptive_statistics}


def test_numbers_match_pandas(flab: Lab) -> None:
    from hopsml_lab.hsfs.statistics_config import StatisticsConfig

    frame = _frame()
    config = StatisticsConfig(correlations=True, histograms=True, exact_uniqueness=True)
    _, fg = _group(statistics_config=config)
    fg.insert(frame)
    stats = fg.statistics
    assert stats is not None and stats.feature_group_id == fg.id
    assert stats.window_end_commit_time == max(fg.commit_details())
    got = _by_name(stats)
    assert list(got) == ["id", "x", "k", "city", "flag", "y"]
    n = len(frame)
    for name in ("id", "x", "k", "y"):
        column, fds = frame[name], got[name]
        values = column.dropna()
        assert fds.feature_type == ("Fractional" if name in ("x", "y") else "Integral")
        assert fds.count == n and fds.num_non_null_values == len(values)
        assert fds.num_null_values == n - len(values)
        assert fds.completeness == pytest.approx(len(values) / n, abs=1e-12)
        assert fds.exact_num_distinct_values == values.nunique()
        assert abs(fds.approx_num_distinct_values - values.nunique()) <= 0.1 * values.nunique()
        unique = int((values.value_counts() == 1).sum())
        assert fds.uniqueness == pytest.approx(unique / len(values), abs=1e-12)
        assert fds.distinctness == pytest.approx(values.nunique() / len(values), abs=1e-12)
        p = values.value_counts(normalize=True)
        assert fds.entropy == pytest.approx(float(-(p * np.log(p)).sum()), abs=1e-9)
        assert fds.min == pytest.approx(values.min(), abs=1e-9)
        assert fds.max == pytest.approx(values.max(), abs=1e-9)
        assert fds.mean == pytest.approx(values.mean(), abs=1e-9)
        assert fds.std_dev == pytest.approx(values.std(ddof=0), abs=1e-9)  # Deequ: population
        assert fds.sum == pytest.approx(values.sum(), abs=1e-9)
        assert len(fds.percentiles) == 100 and fds.percentiles[99] == pytest.approx(values.max())
        histogram = fds.extended_statistics["histogram"]
        assert len(histogram) == 20 and sum(b["count"] for b in histogram) == len(values)
        expected, _ = np.histogram(values, bins=20, range=(values.min(), values.max()))
        assert [b["count"] for b in histogram] == expected.tolist()
        assert histogram[0]["value"].split(" to ")[0] == repr(float(values.min()))
        assert histogram[-1]["value"].split(" to ")[1] == repr(float(values.max()))

    corr = frame[["id", "x", "k", "y"]].corr()  # pairwise complete, like DuckDB's corr
    for name in ("id", "x", "k", "y"):
        pairs = {
            c["column"]: c["correlation"] for c in got[name].extended_statistics["correlations"]
        }
        assert set(pairs) == {"id", "x", "k", "y"} - {name}
        for other, value in pairs.items():
            assert value == pytest.approx(corr.loc[name, other], abs=1e-9)

    city = got["city"]
    assert city.feature_type == "String" and city.min is None and city.mean is None
    assert (city.count, city.num_null_values, city.num_non_null_values) == (n, 2, n - 2)
    counts = frame["city"].value_counts()
    top = city.extended_statistics["histogram"]
    assert [(t["value"], t["count"]) for t in top] == list(counts.items())
    assert top[0]["ratio"] == pytest.approx(counts.iloc[0] / n)
    assert "correlations" not in city.extended_statistics
    flag = got["flag"]
    assert flag.feature_type == "Boolean"
    flag_counts = frame["flag"].value_counts()
    assert {t["value"]: t["count"] for t in flag.extended_statistics["histogram"]} == {
        str(k).lower(): int(v) for k, v in flag_counts.items()
    }
    assert fg.get_statistics(feature_names=["X"]).feature_descriptive_statistics[0].mean == (
        got["x"].mean
    )
    assert [f.feature_name for f in fg.get_statistics(feature_names=["x", "k"])
            .feature_descriptive_statistics] == ["x", "k"]  # fmt: skip


def test_statistics_are_kept_per_commit(flab: Lab) -> None:
    fs, fg = _group()
    assert fg.statistics_config.enabled and not fg.statistics_config.histograms  # hsfs default
    fg.insert(pd.DataFrame({"id": [1, 2, 3], "v": [1.0, 2.0, 3.0]}))
    fg.insert(pd.DataFrame({"id": [3, 4], "v": [30.0, 40.0]}))  # upsert: 4 rows
    first, second = sorted(fg.commit_details())

    old = fg.get_statistics(computation_time=first)
    assert old.window_end_commit_time == first
    assert _by_name(old)["v"].mean == pytest.approx(2.0) and _by_name(old)["v"].count == 3
    new = fs.get_feature_group("people", 1).statistics
    assert new.window_end_commit_time == second
    assert _by_name(new)["v"].count == 4
    assert _by_name(new)["v"].mean == pytest.approx((1 + 2 + 30 + 40) / 4)
    assert fg.get_statistics(computation_time=second).window_end_commit_time == second
    from hopsml_lab.featurestore.times import committed_on

    assert fg.get_statistics(committed_on(first)).window_end_commit_time == first
    assert fg.get_statistics(computation_time=first - 1) is None  # before any commit
    assert _by_name(new)["v"].extended_statistics is None  # no histograms unless asked

    # compute_statistics returns the stored ones when nothing is missing...
    assert fg.compute_statistics().computation_time == new.computation_time
    # ... and computes again when the config asks for more.
    fg.statistics_config = {"histograms": True, "histogram_bins": 4}
    again = fg.compute_statistics()
    histogram = _by_name(again)["v"].extended_statistics["histogram"]
    assert [b["count"] for b in histogram] == [2, 0, 1, 1]
    assert fs.get_feature_group("people", 1).statistics_config.histogram_bins == 4
    assert len(fg.commit_details()) == 2  # no commit was added


def test_disabled_statistics_compute_nothing(flab: Lab) -> None:
    _, fg = _group(statistics_config=False)
    assert fg.statistics_config.enabled is False
    fg.insert(pd.DataFrame({"id": [1, 2], "v": [1.0, 3.0]}))
    assert fg.statistics is None
    with pytest.warns(statistics_module.StorageWarning, match="not enabled"):
        assert fg.compute_statistics() is None
    assert fg.statistics is None

    fg.statistics_config = True  # enable: the latest commit gets statistics on demand
    stats = fg.compute_statistics()
    assert stats.window_end_commit_time == max(fg.commit_details())
    assert _by_name(stats)["v"].mean == pytest.approx(2.0)
    assert fg.statistics.computation_time == stats.computation_time
    fg.insert(pd.DataFrame({"id": [3], "v": [5.0]}))  # and each later commit too
    assert _by_name(fg.statistics)["v"].count == 3


def test_columns_restrict_and_dict_configs(flab: Lab) -> None:
    _, fg = _group(statistics_config={"columns": ["V"], "exact_uniqueness": False})
    assert fg.statistics_config.columns == ["v"]
    fg.insert(pd.DataFrame({"id": [1, 2], "v": [1.0, 3.0], "w": ["a", "b"]}))
    stats = fg.statistics
    assert [f.feature_name for f in stats.feature_descriptive_statistics] == ["v"]
    v = stats.feature_descriptive_statistics[0]
    assert v.uniqueness is None and v.exact_num_distinct_values is None  # not asked for

    fs = hopsworks.login().get_feature_store()
    bad = fs.create_feature_group("bad", version=1, statistics_config={"columns": ["nope"]})
    with pytest.raises(ValueError, match=r"columns \['nope'\]"):
        bad.insert(pd.DataFrame({"id": [1]}))
    assert fs.get_feature_group("bad", 1) is None  # the failed first insert left nothing
    with pytest.raises(TypeError, match="statistics_config"):
        fs.create_feature_group("worse", version=1, statistics_config="yes")


def test_a_failing_insert_leaves_no_statistics(flab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    _, fg = _group()
    fg.insert(pd.DataFrame({"id": [1, 2], "v": [1.0, 3.0]}))
    before = fg.statistics

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("catalog down")

    monkeypatch.setattr(flab.feature_groups, "add_commit", broken)
    with pytest.raises(RuntimeError, match="catalog down"):
        fg.insert(pd.DataFrame({"id": [9], "v": [99.0]}))
    monkeypatch.undo()

    def failing(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("statistics failed")

    monkeypatch.setattr(statistics_module, "compute", failing)
    with pytest.raises(RuntimeError, match="statistics failed"):
        fg.insert(pd.DataFrame({"id": [8], "v": [88.0]}))
    monkeypatch.undo()

    assert len(fg.commit_details()) == 1
    after = fg.statistics
    assert after.window_end_commit_time == before.window_end_commit_time
    assert after.computation_time == before.computation_time
    assert _by_name(after)["v"].count == 2
    assert sorted(fg.read()["v"].tolist()) == [1.0, 3.0]  # the Delta commits were undone


def test_empty_commit_and_all_null_feature(flab: Lab) -> None:
    _, fg = _group()
    frame = pd.DataFrame({"id": pd.Series([], dtype="int64"), "v": pd.Series([], dtype=float)})
    fg.insert(frame)
    stats = _by_name(fg.statistics)
    assert stats["v"].count == 0 and stats["v"].mean is None
    fg.insert(pd.DataFrame({"id": [1, 2], "v": [np.nan, np.nan]}))
    v = _by_name(fg.statistics)["v"]
    assert (v.count, v.num_null_values, v.completeness, v.mean) == (2, 2, 0.0, None)


def test_import_paths() -> None:
    from hopsml_lab.hsfs.core.feature_descriptive_statistics import (
        FeatureDescriptiveStatistics,
    )
    from hopsml_lab.hsfs.statistics import Statistics
    from hopsml_lab.hsfs.statistics_config import StatisticsConfig

    config = StatisticsConfig(histograms=True, columns=["a"])
    assert (config.enabled, config.correlations, config.histograms) == (True, False, True)
    assert config.exact_uniqueness is False and config.columns == ["a"]
    assert config.kll is False and config.histogram_bins is None
    assert StatisticsConfig().columns == []
    assert config.to_dict()["exactUniqueness"] is False
    fds = FeatureDescriptiveStatistics("Amount", std_dev=2.0, extended_statistics='{"a": 1}')
    assert fds.feature_name == "amount" and fds.get_value("stddev") == 2.0
    assert fds.extended_statistics == {"a": 1}
    stats = Statistics(1, feature_descriptive_statistics=[{"feature_name": "a", "count": 3}])
    assert stats.feature_descriptive_statistics[0].count == 3
    assert Statistics.__module__ == "hopsml_lab.hsfs.statistics"
