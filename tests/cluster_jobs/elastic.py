"""Run in its own process on the standalone cluster with dynamic allocation on: two
searches with a pause between them. Prints, as JSON, the executors Spark's REST API
listed after the first search, once they were released, and after the second."""

from __future__ import annotations

import json
import os
import time
import urllib.request


def _executors(ui: str, app: str) -> list[str]:
    url = f"{ui}/api/v1/applications/{app}/executors"
    with urllib.request.urlopen(url, timeout=10) as response:
        return [e["id"] for e in json.load(response) if e["id"] != "driver" and e["isActive"]]


def main() -> None:
    from hopsml_lab import experiment
    from hopsml_lab.lab import get_lab

    def train(n: int) -> float:
        import time

        time.sleep(0.5)
        return float(n)

    context = get_lab().spark.session().sparkContext
    ui, app = f"http://127.0.0.1:{os.environ['UI_PORT']}", context.applicationId
    experiment.search(train, experiment.Grid({"n": [1, 2, 3, 4]}), name="first")
    first = _executors(ui, app)
    deadline = time.monotonic() + 90
    while (released := _executors(ui, app)) and time.monotonic() < deadline:
        time.sleep(0.5)
    second_result = experiment.search(train, experiment.Grid({"n": [5, 6, 7, 8]}), name="second")
    second = _executors(ui, app)
    print(
        json.dumps(
            {
                "first": first,
                "released": released,
                "second": second,
                "statuses": [t.status for t in second_result.trials],
            }
        )
    )


if __name__ == "__main__":
    main()
