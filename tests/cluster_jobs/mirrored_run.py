"""Run in its own process on the standalone cluster: experiment.mirrored with two
workers, one per executor. Prints, as JSON, the chief's and worker 1's results."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_distributed import _train_together


def main() -> None:
    from hopsml_lab import experiment

    logdir, chief = experiment.mirrored(_train_together, name="cluster-mirrored")
    other = json.loads((Path(logdir) / "trial_0" / "worker_1" / "trial.json").read_text())
    print(json.dumps({"chief": chief, "other": other["results"]}))


if __name__ == "__main__":
    main()
