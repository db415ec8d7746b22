"""Feast side of the point-in-time join benchmark; runs in the Feast peer venv.

Prints ``{"samples_ms": [elapsed_ms, rows_kept]}``."""

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


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("task", choices=["historical"])
    parser.add_argument("--data", required=True)
    parser.add_argument("--groups", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps({"samples_ms": historical(args.data, args.groups)}))
