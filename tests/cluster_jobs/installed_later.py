"""Run in its own process (the kernel's interpreter: a throwaway venv) on the standalone
cluster: a search, then a package installed into the kernel's environment, then a
search whose trials import it. Prints, as JSON, what both searches' trials saw."""

from __future__ import annotations

import json
import subprocess
import sys


def probe() -> dict:
    try:
        import hopsml_probe  # installed by the notebook between the searches
    except ImportError:
        return {"metric": 0, "seen": None}
    return {"metric": 1, "seen": hopsml_probe.VALUE}


def main() -> None:
    from hopsml_lab import experiment

    wheel = sys.argv[1]
    before = experiment.search(lambda n: probe(), experiment.Grid({"n": [1, 2]}), name="before")
    # What `%pip install` does in the notebook: pip, into the kernel's own environment.
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", wheel], check=True)
    after = experiment.search(lambda n: probe(), experiment.Grid({"n": [1, 2]}), name="after")
    print(
        json.dumps(
            {
                "before": [t.results.get("seen") for t in before.trials],
                "after": [t.results.get("seen") for t in after.trials],
            }
        )
    )


if __name__ == "__main__":
    main()
