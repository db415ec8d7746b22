"""``GET /hopsml/api/experiments`` over 10,000 stored experiments, through a real server.

Newest first and sorted by a metric, first page and a deep page; the peer is MLflow's
``search_runs`` ordered by a metric over 10,000 runs on SQLite (its own venv).
"""

from __future__ import annotations

import json
import random
import tempfile
import time
import urllib.request
from pathlib import Path

from sqlalchemy import insert

from .peers import run_peer
from .stats import Timing, jupyter_server, measure, ratio_line


def populate(catalog_url: str, count: int) -> None:
    """Write ``count`` finished experiments with one trial each, in bulk."""
    from hopsml_lab.catalog import Database, ExperimentRecorder
    from hopsml_lab.catalog.experiments.tables import Experiment, ExperimentMetric, Trial

    db = Database(catalog_url)
    project = ExperimentRecorder(db).ensure_project("demo", "/bench")
    rng = random.Random(7)
    start = time.time() - count
    experiments, metrics, trials = [], [], []
    for i in range(count):
        experiment_id = f"bench-{i:06d}"
        accuracy = rng.random()
        created = start + i
        experiments.append(
            {
                "id": experiment_id,
                "project_id": project,
                "name": f"exp-{i % 97}",
                "kind": "launch",
                "status": "finished",
                "user": "bench",
                "metric_key": "accuracy",
                "direction": "MAX",
                "metric_value": accuracy,
                "best_trial": "trial_0",
                "logdir": f"/bench/{experiment_id}",
                "trial_count": 1,
                "created_at": created,
                "updated_at": created + 1,
                "finished_at": created + 1,
                "duration_s": 1.0,
            }
        )
        metrics.append(
            {
                "experiment_id": experiment_id,
                "name": "accuracy",
                "value": accuracy,
                "project_id": project,
            }
        )
        trials.append(
            {
                "experiment_id": experiment_id,
                "key": "trial_0",
                "status": "finished",
                "params": {"lr": rng.random()},
                "results": {"accuracy": accuracy},
                "metric_value": accuracy,
                "logdir": f"/bench/{experiment_id}/t0",
            }
        )
    with db.writing() as session:
        session.execute(insert(Experiment), experiments)
        session.execute(insert(ExperimentMetric), metrics)
        session.execute(insert(Trial), trials)
    db.dispose()


def run(count: int = 10_000, repeat: int = 100) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / "project"
        project.mkdir()
        populate(f"sqlite:///{project / 'catalog.db'}", count)
        with jupyter_server(folder, project, "experiments") as (api, headers):
            base = f"{api}experiments"

            def get(query: str) -> dict:
                request = urllib.request.Request(f"{base}?{query}", headers=headers)
                with urllib.request.urlopen(request) as response:
                    return json.loads(response.read())

            deep = get("limit=50&sort=-metric:accuracy")
            for _ in range(min(20, count // 50 - 2)):  # walk pages in to time a deep page
                deep = get(f"limit=50&sort=-metric:accuracy&next_token={deep['next_token']}")
            token_deep = deep["next_token"]
            assert get("limit=50")["total"] == count
            timings = [
                measure("GET newest first, 50 per page", lambda: get("limit=50"), repeat),
                measure(
                    "GET sorted by metric accuracy (desc), 50 per page",
                    lambda: get("limit=50&sort=-metric:accuracy"),
                    repeat,
                ),
                measure(
                    "GET sorted by metric, a deep page (next_token)",
                    lambda: get(f"limit=50&sort=-metric:accuracy&next_token={token_deep}"),
                    repeat,
                ),
                measure(
                    "GET filtered by name, newest first",
                    lambda: get("limit=50&name=exp-42"),
                    repeat,
                ),
            ]
    peer = Timing(
        f"MLflow search_runs order_by metric, {count:,} runs (SQLite)",
        run_peer("mlflow", "search_runs", repeat=5, runs=count),
    )
    return [
        f"experiment listing over {count:,} experiments (aim: p95 < 50 ms)",
        *(t.line() for t in timings),
        peer.line(),
        ratio_line(timings[1], peer),
    ]
