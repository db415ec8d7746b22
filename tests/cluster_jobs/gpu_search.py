"""Run inside its own process (one SparkContext per process): a grid search whose trials
take one GPU each, on the standalone cluster at HOPSML_SPARK_MASTER. Prints, as JSON,
what each trial saw and when it ran."""

from __future__ import annotations

import json
import sys


def train(n: int) -> dict:
    import os
    import socket
    import time

    from hopsml_lab import devices

    started = time.time()
    time.sleep(1.5)  # long enough for trials to overlap
    return {
        "metric": n,
        "visible": os.environ.get("CUDA_VISIBLE_DEVICES"),
        "gpus": devices.get_num_gpus(),
        "executor": os.environ.get("SPARK_EXECUTOR_ID") or socket.gethostname(),
        "pid": os.getpid(),
        "started": started,
        "ended": time.time(),
    }


def main() -> None:
    from hopsml_lab import experiment

    trials, gpus = int(sys.argv[1]), int(sys.argv[2])
    result = experiment.search(
        train, experiment.Grid({"n": list(range(trials))}), gpus=gpus, name="gpus"
    )
    print(json.dumps([t.results | {"status": t.status, "error": t.error} for t in result.trials]))


if __name__ == "__main__":
    main()
