"""Run in its own process on the standalone cluster with HOPSML_SHIP_ENVIRONMENT set:
a search, a package upgraded in the shipped environment (argv[1]: the pip command),
a second search. Prints, as JSON, what the trials imported and which Python ran them."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys


def probe(n: int) -> dict:
    import os
    import sys

    import hopsml_probe

    # The folder, not the file: a file named in the results would be kept as an artifact.
    return {"metric": n, "value": hopsml_probe.VALUE, "python": os.path.dirname(sys.executable)}


def main() -> None:
    from hopsml_lab import experiment

    before = experiment.search(probe, experiment.Grid({"n": [1, 2]}), name="before")
    subprocess.run(shlex.split(sys.argv[1]), check=True)
    after = experiment.search(probe, experiment.Grid({"n": [1, 2]}), name="after")
    trials = [*before.trials, *after.trials]
    print(
        json.dumps(
            {
                "before": [t.results.get("value") or t.error for t in before.trials],
                "after": [t.results.get("value") or t.error for t in after.trials],
                "interpreters": [t.results.get("python", "") for t in trials],
            }
        )
    )


if __name__ == "__main__":
    main()
