"""Feast side of the point-in-time join (``historical``) and online lookup (``online``)
benchmarks; runs in the Feast peer venv.

Prints ``{"samples_ms": [elapsed_ms, rows_kept]}`` (historical) or
``{"samples_ms": [write_ms, lookup_ms, ...]}`` (online)."""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from datetime import timedelta
from pathlib import Path

logging.disable(logging.WARNING)


def historical(data: str, groups: int) -> list[float]:
    import pandas as pd
    from feast import Entity, FeatureStore, FeatureView, Field, FileSource, RepoConfig
    from feast.types import Float64

    folder = Path(data)
    with tempfile.TemporaryDirectory() as repo:
        config = RepoConfig(
            project="bench",
            registry=str(Path(repo) / "registry.db"),
            provider="local",
            offline_store={"type": "file"},
            online_store={"type": "sqlite", "path": str(Path(repo) / "online.db")},
            entity_key_serialization_version=3,
        )
        store = FeatureStore(config=config)
        cust = Entity(name="cust", join_keys=["cust"])
        views = [
            FeatureView(
                name=f"g{g}",
                entities=[cust],
                ttl=timedelta(days=3650),
                schema=[Field(name=f"f{g}", dtype=Float64)],
                source=FileSource(path=str(folder / f"g{g}.parquet"), timestamp_field="ts"),
            )
            for g in range(groups)
        ]
        store.apply([cust, *views])
        labels = pd.read_parquet(folder / "labels.parquet").rename(
            columns={"ts": "event_timestamp"}
        )
        start = time.perf_counter()
        out = store.get_historical_features(
            entity_df=labels, features=[f"g{g}:f{g}" for g in range(groups)]
        ).to_df()
        elapsed = (time.perf_counter() - start) * 1000
    return [elapsed, float(len(out))]


def online(data: str, lookups: int) -> list[float]:
    """Feast's SQLite online store with the two groups of ``online_lookup`` written to it
    (``write_to_online_store``), then ``get_online_features`` of one random entity per
    call. Returns ``[write_ms, lookup_ms, ...]``."""
    import numpy as np
    import pandas as pd
    from feast import Entity, FeatureStore, FeatureView, Field, FileSource, RepoConfig
    from feast.types import Bool, Float64, Int64, String

    folder = Path(data)
    kinds = {"int64": Int64, "float64": Float64, "bool": Bool}
    frames = {name: pd.read_parquet(folder / f"{name}.parquet") for name in ("profile", "activity")}
    with tempfile.TemporaryDirectory() as repo:
        config = RepoConfig(
            project="bench",
            registry=str(Path(repo) / "registry.db"),
            provider="local",
            offline_store={"type": "file"},
            online_store={"type": "sqlite", "path": str(Path(repo) / "online.db")},
            entity_key_serialization_version=3,
        )
        store = FeatureStore(config=config)
        user = Entity(name="user", join_keys=["user"])
        views = [
            FeatureView(
                name=name,
                entities=[user],
                ttl=timedelta(days=3650),
                schema=[
                    Field(name=c, dtype=kinds.get(str(frame[c].dtype), String))
                    for c in frame.columns
                    if c not in ("user", "ts")
                ],
                source=FileSource(path=str(folder / f"{name}.parquet"), timestamp_field="ts"),
                online=True,
            )
            for name, frame in frames.items()
        ]
        store.apply([user, *views])
        start = time.perf_counter()
        for name, frame in frames.items():
            store.write_to_online_store(name, frame)
        write_ms = (time.perf_counter() - start) * 1000
        features = [f"{name}:{c}" for name, frame in frames.items() for c in frame.columns[2:]]
        ids = np.random.default_rng(1).integers(0, len(frames["profile"]), lookups + 200)
        samples = []
        for i, entity in enumerate(ids):
            start = time.perf_counter()
            store.get_online_features(
                features=features, entity_rows=[{"user": int(entity)}]
            ).to_dict()
            if i >= 200:  # the first calls warm caches
                samples.append((time.perf_counter() - start) * 1000)
        check = store.get_online_features(features=features, entity_rows=[{"user": 7}]).to_dict()
        assert check["age"] == [int(frames["profile"].age[7])], check
    return [write_ms, *samples]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("task", choices=["historical", "online"])
    parser.add_argument("--data", required=True)
    parser.add_argument("--groups", type=int, default=3)
    parser.add_argument("--lookups", type=int, default=5000)
    args = parser.parse_args()
    if args.task == "online":
        print(json.dumps({"samples_ms": online(args.data, args.lookups)}))
    else:
        print(json.dumps({"samples_ms": historical(args.data, args.groups)}))
