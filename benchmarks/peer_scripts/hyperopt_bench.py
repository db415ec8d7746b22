"""Hyperopt side of the dispatch benchmark; runs in the Hyperopt peer venv."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time

logging.disable(logging.WARNING)


def spark_trials(trials: int) -> list[float]:
    os.environ["PYSPARK_PYTHON"] = os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from hyperopt import SparkTrials, fmin, hp, tpe
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    start = time.perf_counter()
    fmin(
        lambda x: x,
        hp.uniform("x", 0, 1),
        algo=tpe.suggest,
        max_evals=trials,
        trials=SparkTrials(parallelism=2),
        show_progressbar=False,
    )
    elapsed = (time.perf_counter() - start) * 1000
    spark.stop()
    return [elapsed]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("task", choices=["spark_trials"])
    parser.add_argument("--trials", type=int, default=40)
    args = parser.parse_args()
    print(json.dumps({"samples_ms": spark_trials(args.trials)}))


if __name__ == "__main__":
    main()
