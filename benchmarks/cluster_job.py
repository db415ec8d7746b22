"""One timed search on the Spark cluster at HOPSML_SPARK_MASTER, in its own process
(a process holds one SparkContext): ``python -m benchmarks.cluster_job KIND TRIALS``.
Prints, as JSON, the seconds of each repetition."""

from __future__ import annotations

import json
import sys
import time


def instant(n: int) -> int:
    return n


def busy(n: int) -> int:
    """A quarter second of pure-Python work: what 1 or 2 workers' cores share."""
    deadline = time.process_time() + 0.25
    count = 0
    while time.process_time() < deadline:
        count += 1
    return n


def main() -> None:
    from hopsml_lab import experiment

    kind, trials = sys.argv[1], int(sys.argv[2])
    fn = instant if kind == "dispatch" else busy
    experiment.search(
        fn, experiment.Grid({"n": list(range(4))}), name="warm"
    )  # slots and workers up
    seconds = []
    for _ in range(3 if kind == "dispatch" else 1):
        started = time.perf_counter()
        result = experiment.search(fn, experiment.Grid({"n": list(range(trials))}), name=kind)
        seconds.append(time.perf_counter() - started)
        assert [t.status for t in result.trials] == ["finished"] * trials
    print(json.dumps(seconds))


if __name__ == "__main__":
    main()
