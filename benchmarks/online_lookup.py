"""Online feature vectors: ``fv.get_feature_vector`` in process on the embedded catalog
(SQLite), 100,000 entities in two online-enabled feature groups of 5 features each (a
vector is the key and 10 features: ints, floats, strings, a bool), one random entity
per call.

Ours: the feature view facade over ``featurestore.featureviews.serving`` (one prepared lookup per
group over a plain sqlite3 connection), wall time and the calling thread's CPU time
(what the lookup costs without the waits a busy machine adds); also
``get_feature_vectors`` of 100 entities (one ``IN`` query per group) and the time the
inserts took with their online rows.
Side by side on the same data: Feast's ``get_online_features`` with its SQLite online
store, in its own venv (``peers.txt``), the rows written with ``write_to_online_store``.
"""

from __future__ import annotations

import os
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .peers import run_peer
from .stats import bench_lab

ENTITIES = 100_000
LOOKUPS = 20_000
BATCHES = 300
BATCH = 100
PEER_LOOKUPS = 5_000
T0 = pd.Timestamp("2024-01-01")


def _data(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    users = np.arange(ENTITIES)
    ts = T0 + pd.to_timedelta(rng.integers(0, 10_000, ENTITIES), unit="min")
    profile = pd.DataFrame(
        {
            "user": users,
            "ts": ts,
            "age": rng.integers(18, 90, ENTITIES),
            "score": rng.normal(size=ENTITIES),
            "city": rng.choice(["oslo", "rome", "lima", "pune", "kyiv"], ENTITIES),
            "tier": rng.choice(["gold", "silver", "bronze"], ENTITIES),
            "verified": rng.integers(0, 2, ENTITIES).astype(bool),
        }
    )
    activity = pd.DataFrame(
        {
            "user": users,
            "ts": ts,
            "clicks": rng.integers(0, 10_000, ENTITIES),
            "spend": rng.exponential(50.0, ENTITIES),
            "sessions": rng.integers(0, 500, ENTITIES),
            "rate": rng.random(ENTITIES),
            "device": rng.choice(["ios", "android", "web"], ENTITIES),
        }
    )
    return profile, activity


def _percentiles(samples_ms: list[float]) -> tuple[float, float, float]:
    p50, p99, p999 = np.percentile(np.asarray(samples_ms), [50, 99, 99.9])
    return float(p50), float(p99), float(p999)


def _line(label: str, samples_ms: list[float]) -> str:
    p50, p99, p999 = _percentiles(samples_ms)
    return (
        f"  {label:<52} p50 {p50:7.3f} ms   p99 {p99:7.3f} ms   p99.9 {p999:7.3f} ms"
        f"   (n={len(samples_ms):,})"
    )


def run() -> list[str]:
    from hopsml_lab import hopsworks

    rng = np.random.default_rng(0)
    profile, activity = _data(rng)
    lines = [
        f"online feature vector, {ENTITIES:,} entities, 2 groups x 5 features, SQLite "
        "(aim: p99 < 1 ms in process, faster than Feast)",
        f"  load average when started: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
        "(wall-time tails grow with it; the CPU-time line does not)",
    ]
    with bench_lab(), tempfile.TemporaryDirectory() as folder:
        fs = hopsworks.login(engine="python").get_feature_store()
        started = time.perf_counter()
        groups = []
        for name, frame in (("profile", profile), ("activity", activity)):
            fg = fs.create_feature_group(
                name, version=1, primary_key=["user"], event_time="ts", online_enabled=True
            )
            fg.insert(frame)
            groups.append(fg)
        insert_s = time.perf_counter() - started
        profile_fg, activity_fg = groups
        query = profile_fg.select(["user", "age", "score", "city", "tier", "verified"]).join(
            activity_fg.select(["clicks", "spend", "sessions", "rate", "device"])
        )
        fv = fs.create_feature_view("online_bench", version=1, query=query)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fv.init_serving(1)

        expected = profile.merge(activity.drop(columns="ts"), on="user").drop(columns="ts")
        for user in (0, 7, ENTITIES - 1):
            got = fv.get_feature_vector({"user": user})
            assert got == expected.iloc[user].tolist(), (got, expected.iloc[user].tolist())

        ids = rng.integers(0, ENTITIES, LOOKUPS + 1000).tolist()
        samples, cpu = [], []
        get = fv.get_feature_vector
        for i, user in enumerate(ids):
            start, thread = time.perf_counter(), time.thread_time()
            get({"user": user})
            if i >= 1000:  # warm-up
                samples.append((time.perf_counter() - start) * 1000)
                cpu.append((time.thread_time() - thread) * 1000)
        batches = []
        for _ in range(BATCHES):
            entries = [{"user": u} for u in rng.integers(0, ENTITIES, BATCH).tolist()]
            start = time.perf_counter()
            vectors = fv.get_feature_vectors(entries)
            batches.append((time.perf_counter() - start) * 1000)
            assert len(vectors) == BATCH
        ours_p50, ours_p99, _ = _percentiles(samples)
        lines += [
            f"  ours: 2 inserts of {ENTITIES:,} rows (offline commit + online rows): "
            f"{insert_s:.1f} s",
            _line("ours: fv.get_feature_vector (1 entity)", samples),
            _line("ours: the same, CPU time of the calling thread", cpu),
            _line(f"ours: fv.get_feature_vectors ({BATCH} entities)", batches),
            f"  p99 < 1 ms: {'yes' if ours_p99 < 1 else 'NO'}",
        ]

        data = Path(folder)
        profile.to_parquet(data / "profile.parquet")
        activity.to_parquet(data / "activity.parquet")
        try:
            feast = run_peer("feast", "online", data=folder, lookups=PEER_LOOKUPS)
            write_ms, feast_samples = feast[0], feast[1:]
            feast_p50, feast_p99, _ = _percentiles(feast_samples)
            lines += [
                f"  Feast: write_to_online_store of both groups: {write_ms / 1000:.1f} s",
                _line("Feast: get_online_features (1 entity, SQLite)", feast_samples),
                f"  ratio Feast / ours: p50 {feast_p50 / ours_p50:.1f}x, "
                f"p99 {feast_p99 / ours_p99:.1f}x faster",
            ]
        except Exception as error:
            lines.append(f"  Feast: did not run ({str(error)[:200]})")
    return lines
