"""Run in its own process on the standalone cluster: a search of three trials. Prints,
as JSON, each trial's status and error."""

from __future__ import annotations

import json


def main() -> None:
    from hopsml_lab import experiment

    result = experiment.search(lambda n: n, experiment.Grid({"n": [1, 2, 3]}), name="plain")
    print(json.dumps([{"status": t.status, "error": t.error} for t in result.trials]))


if __name__ == "__main__":
    main()
