"""Run in its own process with HOPSML_SPARK_MASTER=sc://...: a launch and a grid search
from a kernel that holds only a Spark Connect client. Prints, as JSON, what they
returned and whether this process had a JVM."""

from __future__ import annotations

import json
import os


def main() -> None:
    from hopsml_lab import experiment

    def train(lr: float = 0.1) -> dict:
        import os

        return {"accuracy": 1 - lr, "pid": os.getpid()}

    _logdir, launched = experiment.launch(train, name="thin-launch", metric_key="accuracy")
    _best_dir, best, returned = experiment.grid_search(
        train, {"lr": [0.1, 0.2, 0.3]}, name="thin-grid", optimization_key="accuracy"
    )
    from pyspark.sql import SparkSession

    session = SparkSession.getActiveSession()
    print(
        json.dumps(
            {
                "launched": launched,
                "best": best,
                "returned": returned,
                "kernel_pid": os.getpid(),
                "connect": type(session).__module__.startswith("pyspark.sql.connect"),
            }
        )
    )


if __name__ == "__main__":
    main()
