"""Training data on Spark: a materialised train/test split of 1,000,000 rows x 9 features
(a bigint key, an event time, 4 doubles, a bigint, a 50-value string, a label) with two
transformation functions (``min_max_scaler`` and ``standard_scaler``), on ``local[2]``.

Ours: ``fv.create_train_test_split(test_size=0.2, seed=1)`` on the Spark engine, Parquet:
the view's query on Spark, a seeded split, both scalers fitted on the train rows in one
aggregation job, applied and written by the executors (no row on the driver), the
version and its lineage recorded; once with hsfs' default split statistics, once
without. The peer a user would write instead: a plain PySpark job over the same Parquet
files: ``randomSplit([0.8, 0.2], seed)``, a ``pyspark.ml`` pipeline (``VectorAssembler``
+ ``MinMaxScaler``, ``VectorAssembler`` + ``StandardScaler``) fitted on train and applied
to both splits, ``df.write.parquet`` per split (no statistics, no versions, no lineage,
vector columns).

Each figure is the best of a few runs (ours and the peer in turn, so a busy machine
slows them alike); the ratio is ours / peer. ``TRAINING_ROWS`` sets a smaller size.
"""

from __future__ import annotations

import os
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from .stats import bench_lab

ROWS = int(os.environ.get("TRAINING_ROWS", 1_000_000))
REPEAT = 3


def _frame(rng: np.random.Generator) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "id": np.arange(ROWS, dtype=np.int64),
            "ts": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 10**7, ROWS), "s"),
        }
    )
    for i in range(4):
        frame[f"x{i}"] = rng.normal(size=ROWS)
    frame["n0"] = rng.integers(0, 10**6, ROWS)
    frame["city"] = pd.Series(rng.integers(0, 50, ROWS)).map(lambda v: f"city_{v}")
    frame["label"] = rng.integers(0, 2, ROWS)
    return frame


def _peer(spark, files: list[str], folder: Path) -> Callable[[int], None]:
    from pyspark.ml import Pipeline
    from pyspark.ml.feature import MinMaxScaler, StandardScaler, VectorAssembler

    def run(attempt: int) -> None:
        data = spark.read.parquet(*files)
        train, test = data.randomSplit([0.8, 0.2], seed=1)
        pipeline = Pipeline(
            stages=[
                VectorAssembler(inputCols=["x0"], outputCol="v0"),
                MinMaxScaler(inputCol="v0", outputCol="min_max_scaler_x0_"),
                VectorAssembler(inputCols=["x1"], outputCol="v1"),
                StandardScaler(
                    inputCol="v1", outputCol="standard_scaler_x1_", withMean=True, withStd=True
                ),
            ]
        )
        model = pipeline.fit(train)
        for name, split in (("train", train), ("test", test)):
            out = model.transform(split).drop("x0", "x1", "v0", "v1")
            out.write.mode("overwrite").parquet(str(folder / f"peer_{attempt}" / name))

    return run


def _line(label: str, seconds: float) -> str:
    return f"  {label:<66} {seconds:6.2f} s  {ROWS / seconds:>11,.0f} rows/s"


def run() -> list[str]:
    from hopsml_lab import hopsworks
    from hopsml_lab.featurestore import FeatureGroups
    from hopsml_lab.hsfs import builtin_transformations as bt
    from hopsml_lab.hsfs.util import VersionWarning

    warnings.simplefilter("ignore", VersionWarning)
    frame = _frame(np.random.default_rng(0))
    lines = [
        f"training data on Spark, create_train_test_split of {ROWS:,} rows with "
        f"min_max_scaler + standard_scaler, Parquet, best of {REPEAT} (local[2])"
    ]
    with bench_lab() as lab, tempfile.TemporaryDirectory() as folder:
        fs = hopsworks.login(engine="python").get_feature_store()
        fg = fs.create_feature_group("events", version=1, primary_key=["id"], event_time="ts")
        fg.insert(frame, operation="insert")
        files = [f.removeprefix("file://") for f in FeatureGroups(lab).files(fg._record)]
        spark_fs = hopsworks.login(engine="spark").get_feature_store()
        fv = spark_fs.create_feature_view(
            "events_view",
            spark_fs.get_feature_group("events", 1).select_all(),
            version=1,
            labels=["label"],
            transformation_functions=[bt.min_max_scaler("x0"), bt.standard_scaler("x1")],
        )
        peer = _peer(lab.spark.session(), files, Path(folder))
        timings: dict[str, list[float]] = {"stats": [], "nostats": [], "peer": []}
        runs = {
            "stats": lambda: fv.create_train_test_split(test_size=0.2, seed=1),
            "nostats": lambda: fv.create_train_test_split(
                test_size=0.2, seed=1, statistics_config=False
            ),
        }
        peer(-1)  # warm-up: the JVM's code paths and the Python workers
        runs["nostats"]()
        for attempt in range(REPEAT):
            for name, action in runs.items():
                start = time.perf_counter()
                action()
                timings[name].append(time.perf_counter() - start)
            start = time.perf_counter()
            peer(attempt)
            timings["peer"].append(time.perf_counter() - start)
        best = {k: min(v) for k, v in timings.items()}
        lines += [
            _line("ours: create_train_test_split, split statistics on (default)", best["stats"]),
            _line("ours: create_train_test_split, statistics_config=False", best["nostats"]),
            _line("peer: randomSplit + pyspark.ml MinMax/StandardScaler + write", best["peer"]),
            f"  ratio ours / peer: {best['nostats'] / best['peer']:.2f}x the time (statistics "
            f"off), {best['stats'] / best['peer']:.2f}x (statistics on)",
        ]
    return lines


if __name__ == "__main__":
    for text in run():
        print(text, flush=True)
