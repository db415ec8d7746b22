"""Opening a 10,000-trial experiment in the sidebar: ``GET /hopsml/api/experiments/<id>``
through a real server answers its summary, the first page of trials and the best trials
for the charts; the next pages come from ``GET .../trials``.

The peer is the whole experiment as the detail route answered it before it paged (every
trial with every metric series: ``ExperimentQueries.get_experiment`` without a limit, and
its JSON), measured in the benchmark's own process, so without HTTP: the ratio favours it.
MLflow is not in the venv, so its ``search_runs`` is not the peer here.

``python -m benchmarks.detail_paging``
"""

from __future__ import annotations

import json
import random
import tempfile
import time
import urllib.request
from pathlib import Path

from sqlalchemy import insert, select

from .stats import Timing, jupyter_server, measure, ratio_line

EPOCHS = 10  # points of each metric series


def populate(catalog_url: str, count: int) -> str:
    """One finished random search of ``count`` trials, each with ``EPOCHS`` points of
    loss and accuracy, written in bulk; its id."""
    from hopsml_lab.catalog import Database, ExperimentRecorder, ExperimentStatus
    from hopsml_lab.catalog.experiments.tables import Experiment, MetricPoint, Trial

    db = Database(catalog_url)
    recorder = ExperimentRecorder(db)
    project = recorder.ensure_project("demo", "/bench")
    experiment = recorder.create_experiment(
        project,
        name="wide search",
        kind="random_search",
        user="bench",
        logdir="/bench/e",
        metric_key="accuracy",
    )
    rng = random.Random(7)
    trials = []
    for n in range(count):
        accuracy = rng.random()
        trials.append(
            {
                "experiment_id": experiment,
                "key": f"trial_{n}",
                "status": "finished",
                "params": {
                    "lr": round(10 ** rng.uniform(-4, -1), 5),
                    "layers": rng.randint(1, 6),
                    "optimizer": rng.choice(["adam", "sgd", "rmsprop"]),
                },
                "results": {"accuracy": accuracy, "plot": f"trial_{n}/curve.png"},
                "metric_value": accuracy,
                "logdir": f"/bench/e/trial_{n}",
                "duration_s": rng.uniform(1, 60),
            }
        )
    with db.writing() as session:
        session.execute(insert(Trial), trials)
        session.get(Experiment, experiment).trial_count = count
        ids = list(session.scalars(select(Trial.id).where(Trial.experiment_id == experiment)))
        points = [
            {"trial_id": t, "name": name, "step": s, "value": rng.random(), "timestamp": 0.0}
            for t in ids
            for name in ("loss", "accuracy")
            for s in range(EPOCHS)
        ]
        session.execute(insert(MetricPoint), points)
    recorder.finish_experiment(experiment, ExperimentStatus.FINISHED)
    db.dispose()
    return experiment


def run(count: int = 10_000, repeat: int = 50) -> list[str]:
    from hopsml_lab.catalog import Database, ExperimentQueries

    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / "project"
        project.mkdir()
        catalog = f"sqlite:///{project / 'catalog.db'}"
        experiment = populate(catalog, count)
        env = {"HOPSML_CATALOG_URL": catalog}
        with jupyter_server(folder, project, f"experiments/{experiment}", env) as (api, headers):
            base = f"{api}experiments/{experiment}"

            def get(path: str = "", query: str = "") -> bytes:
                request = urllib.request.Request(f"{base}{path}?{query}", headers=headers)
                with urllib.request.urlopen(request) as response:
                    return response.read()

            first = get()
            detail = json.loads(first)
            assert detail["trials_total"] == count and len(detail["trials"]) == 50
            deep = json.loads(get("/trials", "limit=50&sort=param:lr"))
            for _ in range(min(40, count // 50 - 2)):  # walk in, to time a deep page
                deep = json.loads(
                    get("/trials", f"limit=50&sort=param:lr&next_token={deep['next_token']}")
                )
            token_deep = deep["next_token"]
            timings = [
                measure("GET detail: summary, 50 best trials, 10 more for charts", get, repeat),
                measure(
                    "GET trials, next page by metric (next_token)",
                    lambda: get("/trials", f"limit=50&next_token={detail['next_token']}"),
                    repeat,
                ),
                measure(
                    "GET trials by param:lr, a deep page (next_token)",
                    lambda: get("/trials", f"limit=50&sort=param:lr&next_token={token_deep}"),
                    repeat,
                ),
            ]
        db = Database(catalog)
        queries = ExperimentQueries(db)
        whole = queries.get_experiment(experiment).model_dump_json()
        peer = Timing(
            "the whole experiment, as served before paging (in-process)",
            measure(
                "whole", lambda: queries.get_experiment(experiment).model_dump_json(), 5, 1
            ).samples_ms,
        )
        db.dispose()
    return [
        f"experiment detail of {count:,} trials, {EPOCHS} points of 2 series each "
        "(aim: the sidebar opens it in < 1 s)",
        f"  first page {len(first) / 1024:,.0f} KB; whole experiment {len(whole) / 2**20:,.1f} MB",
        *(t.line() for t in timings),
        peer.line(),
        ratio_line(timings[0], peer),
    ]


if __name__ == "__main__":
    started = time.time()
    for line in run():
        print(line, flush=True)
    print(f"  (detail_paging took {time.time() - started:.0f} s)\n", flush=True)
