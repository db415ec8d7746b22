"""Ray Tune side of the dispatch benchmark; runs in the Ray peer venv."""

from __future__ import annotations

import argparse
import json
import logging
import os
import tempfile
import time

logging.disable(logging.WARNING)


def tune_trials(trials: int) -> list[float]:
    os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")
    import ray
    from ray import tune

    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        logging_level=logging.ERROR,
        _node_ip_address="127.0.0.1",
    )

    def instant(config: dict) -> dict:
        return {"metric": config["x"]}

    with tempfile.TemporaryDirectory() as storage:
        tuner = tune.Tuner(
            instant,
            param_space={"x": tune.grid_search(list(range(trials)))},
            tune_config=tune.TuneConfig(max_concurrent_trials=2, reuse_actors=True),
            run_config=tune.RunConfig(storage_path=storage, verbose=0),
        )
        start = time.perf_counter()
        results = tuner.fit()
        elapsed = (time.perf_counter() - start) * 1000
        assert len(results) == trials and not results.errors
    ray.shutdown()
    return [elapsed]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("task", choices=["tune_trials"])
    parser.add_argument("--trials", type=int, default=100)
    args = parser.parse_args()
    print(json.dumps({"samples_ms": tune_trials(args.trials)}))


if __name__ == "__main__":
    main()
