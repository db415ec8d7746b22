"""MLflow side of the benchmarks; runs inside the MLflow peer venv, prints JSON samples."""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import tempfile
import time

logging.disable(logging.WARNING)
os.environ.setdefault("MLFLOW_ENABLE_ASYNC_LOGGING", "false")


def tracked_run(repeat: int) -> list[float]:
    import mlflow

    with tempfile.TemporaryDirectory() as folder:
        mlflow.set_tracking_uri(f"sqlite:///{folder}/mlflow.db")
        mlflow.set_experiment("bench")

        def trivial() -> dict[str, float]:
            return {"accuracy": 1.0}

        def once() -> None:
            with mlflow.start_run(run_name="bench"):
                mlflow.log_params({"fn": "trivial"})
                mlflow.log_metrics(trivial())

        for _ in range(3):
            once()
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            once()
            samples.append((time.perf_counter() - start) * 1000)
        return samples


def search_runs(repeat: int, runs: int) -> list[float]:
    from mlflow.entities import Metric, Param
    from mlflow.tracking import MlflowClient

    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as folder:
        client = MlflowClient(tracking_uri=f"sqlite:///{folder}/mlflow.db")
        experiment = client.create_experiment("listing")
        now = int(time.time() * 1000)
        for i in range(runs):
            run = client.create_run(experiment, run_name=f"exp-{i}")
            client.log_batch(
                run.info.run_id,
                metrics=[Metric("accuracy", rng.random(), now, 0)],
                params=[Param("lr", str(rng.random()))],
            )
            client.set_terminated(run.info.run_id)
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            client.search_runs([experiment], order_by=["metrics.accuracy DESC"], max_results=50)
            samples.append((time.perf_counter() - start) * 1000)
        return samples


def log_points(points: int, batched: bool) -> list[float]:
    from mlflow.entities import Metric
    from mlflow.tracking import MlflowClient

    with tempfile.TemporaryDirectory() as folder:
        client = MlflowClient(tracking_uri=f"sqlite:///{folder}/mlflow.db")
        run = client.create_run(client.create_experiment("metrics"))
        now = int(time.time() * 1000)
        start = time.perf_counter()
        if batched:
            for first in range(0, points, 1000):
                metrics = [
                    Metric("loss", 1.0 / (s + 1), now, s)
                    for s in range(first, min(points, first + 1000))
                ]
                client.log_batch(run.info.run_id, metrics=metrics)
        else:
            for step in range(points):
                client.log_metric(run.info.run_id, "loss", 1.0 / (step + 1), now, step)
        return [(time.perf_counter() - start) * 1000]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("task", choices=["tracked_run", "search_runs", "log_batch", "log_metric"])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--points", type=int, default=100_000)
    args = parser.parse_args()
    if args.task == "tracked_run":
        samples = tracked_run(args.repeat)
    elif args.task in ("log_batch", "log_metric"):
        samples = log_points(args.points, batched=args.task == "log_batch")
    else:
        samples = search_runs(args.repeat, args.runs)
    print(json.dumps({"samples_ms": samples}))


if __name__ == "__main__":
    main()
