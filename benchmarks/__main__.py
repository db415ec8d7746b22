"""Runs the benchmarks side by side with their peers: ``make bench`` or
``python -m benchmarks [name ...]``."""

from __future__ import annotations

import argparse
import importlib
import time

BENCHMARKS = [
    "experiment_overhead",
    "experiment_listing",
    "detail_paging",
    "metric_logging",
    "dispatch",
    "early_stopping",
    "tensorboard_first_data",
    "cluster",
    "pit_join",
    "online_lookup",
    "ingest",
    "training_data",
    "validation",
    "bayes",
    "serving",
    "jobs",
]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("names", nargs="*", choices=[*BENCHMARKS, []], default=BENCHMARKS)
    args = parser.parse_args()
    for name in args.names or BENCHMARKS:
        started = time.time()
        module = importlib.import_module(f"benchmarks.{name}")
        for line in module.run():
            print(line, flush=True)
        print(f"  ({name} took {time.time() - started:.0f} s)\n", flush=True)


if __name__ == "__main__":
    main()
