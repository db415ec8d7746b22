"""Point-in-time join: 1,000,000 label rows against three feature groups of 1,000,000
rows each (100,000 entities, 10 event times each), every label row kept.

Ours: ``Query.read()`` on the Python engine (DuckDB ``ASOF LEFT JOIN`` in process over
each group's Delta version, dtypes restored, pandas out). Side by side on the same
data: DuckDB's raw ``ASOF LEFT JOIN`` over Arrow datasets of the same Parquet files
(pandas out), pandas ``merge_asof`` (three in a row, frames already in memory), the
Spark engine's path (``dataframe_type="spark"``, counted) and Feast's file offline
store (``get_historical_features``) in its own venv (``peers.txt``). Each figure is
the best of a few runs, except Spark and Feast: one run each.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from .peers import run_peer
from .stats import bench_lab

LABELS = 1_000_000
ROWS = 1_000_000
ENTITIES = 100_000
GROUPS = 3
T0 = pd.Timestamp("2024-01-01")


def _data(rng: np.random.Generator) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    labels = pd.DataFrame(
        {
            "label_id": np.arange(LABELS),
            "cust": rng.integers(0, ENTITIES, LABELS),
            "ts": T0 + pd.to_timedelta(rng.integers(0, 10_000, LABELS), unit="min"),
            "label": rng.integers(0, 2, LABELS),
        }
    )
    groups = []
    for g in range(GROUPS):
        cust = np.repeat(np.arange(ENTITIES), ROWS // ENTITIES)
        minutes = rng.integers(0, 10_000, ROWS)
        frame = pd.DataFrame(
            {"cust": cust, "ts": T0 + pd.to_timedelta(minutes, unit="min")}
        ).drop_duplicates(["cust", "ts"])
        frame[f"f{g}"] = rng.normal(size=len(frame))
        groups.append(frame.reset_index(drop=True))
    return labels, groups


def _best(action, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return min(times), result


def _duckdb_raw(files: dict[str, list[str]]) -> pd.DataFrame:
    import duckdb
    import pyarrow.dataset as pads

    con = duckdb.connect()
    con.execute("SET asof_loop_join_threshold=0")
    for name, paths in files.items():
        con.register(name, pads.dataset([p.removeprefix("file://") for p in paths]))
    joins = "\n".join(
        f"ASOF LEFT JOIN g{g}_1 g{g} ON l.cust = g{g}.cust AND l.ts >= g{g}.ts"
        for g in range(GROUPS)
    )
    picks = ", ".join(f"g{g}.f{g}" for g in range(GROUPS))
    out = con.sql(f"SELECT l.*, {picks} FROM labels_1 l {joins}").df()
    con.close()
    return out


def _pandas(labels: pd.DataFrame, groups: list[pd.DataFrame]) -> pd.DataFrame:
    out = labels.sort_values("ts")
    for g, frame in enumerate(groups):
        out = pd.merge_asof(
            out, frame.sort_values("ts"), on="ts", by="cust", direction="backward"
        ).rename(columns={f"f{g}": f"f{g}"})
    return out


def run() -> list[str]:
    from hopsml_lab import hopsworks

    rng = np.random.default_rng(0)
    labels, groups = _data(rng)
    lines = [
        f"point-in-time join, {LABELS:,} labels x {GROUPS} groups of {ROWS:,} rows "
        f"({ENTITIES:,} entities) (aim: every row kept, <= 1.5x DuckDB, >= 10x Feast)"
    ]
    with bench_lab() as lab, tempfile.TemporaryDirectory() as folder:
        fs = hopsworks.login(engine="python").get_feature_store()
        spine = fs.create_feature_group(
            "labels", version=1, primary_key=["label_id"], event_time="ts"
        )
        spine.insert(labels)
        fgs = []
        for g, frame in enumerate(groups):
            fg = fs.create_feature_group(
                f"g{g}", version=1, primary_key=["cust", "ts"], event_time="ts"
            )
            fg.insert(frame, operation="insert")
            fgs.append(fg)
        query = _query(fs)

        ours_s, ours = _best(query.read)
        files = {f"{g.name}_1": lab_files(lab, g) for g in [spine, *fgs]}
        duck_s, duck = _best(lambda: _duckdb_raw(files))
        pandas_s, merged = _best(lambda: _pandas(labels, groups), repeat=2)
        matched = int(ours["f0"].notna().sum())
        assert len(ours) == len(duck) == len(merged) == LABELS
        assert matched == int(duck["f0"].notna().sum()) == int(merged["f0"].notna().sum())

        lines += [
            f"  {'ours: Query.read(), Python engine (DuckDB in process)':<58} {ours_s:7.2f} s"
            f"   rows kept {len(ours):,} (with f0: {matched:,})",
            f"  {'DuckDB raw ASOF LEFT JOIN over the same Parquet files':<58} {duck_s:7.2f} s"
            f"   rows kept {len(duck):,}",
            f"  ratio ours / DuckDB: {ours_s / duck_s:.2f}x",
            f"  {'pandas merge_asof x3 (frames in memory)':<58} {pandas_s:7.2f} s"
            f"   rows kept {len(merged):,}",
            f"  ratio: {pandas_s / ours_s:.1f}x {'faster' if pandas_s > ours_s else 'slower'}",
        ]
        spark_s = _spark(lab)
        lines.append(f"  {'ours: Spark engine (local[2]), one run, counted':<58} {spark_s:7.2f} s")
        data = Path(folder)
        labels.to_parquet(data / "labels.parquet")
        for g, frame in enumerate(groups):
            frame.to_parquet(data / f"g{g}.parquet")
        try:
            feast = run_peer("feast", "historical", data=folder, groups=GROUPS)
            feast_s, feast_rows = feast[0] / 1000, int(feast[1])
            lines += [
                f"  {'Feast file offline store, get_historical_features':<58} {feast_s:7.2f} s"
                f"   rows kept {feast_rows:,}",
                f"  ratio: {feast_s / ours_s:.1f}x faster",
            ]
        except Exception as error:
            lines.append(f"  Feast: did not run ({str(error)[:200]})")
    return lines


def lab_files(lab, fg) -> list[str]:
    return lab_groups(lab).files(fg._record)


def lab_groups(lab):
    from hopsml_lab.featurestore import FeatureGroups

    return FeatureGroups(lab)


def _query(fs):
    query = fs.get_feature_group("labels", 1).select_all()
    for g in range(GROUPS):
        query.join(fs.get_feature_group(f"g{g}", 1).select([f"f{g}"]), on=["cust"])
    return query


def _spark(lab) -> float:
    from hopsml_lab import hopsworks

    lab.spark.session()  # started outside the timing
    query = _query(hopsworks.login(engine="spark").get_feature_store())
    start = time.perf_counter()
    rows = query.read().count()
    assert rows == LABELS
    return time.perf_counter() - start
