"""A running experiment knows its owner; work whose owner died is marked lost.

The kill test runs a real grid search in a real script and ends it with a real
``kill -9``, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest
from sqlalchemy import select

from hopsml_lab.catalog import Database, ExperimentRecorder, Liveness, Owner
from hopsml_lab.catalog.experiments import owners
from hopsml_lab.catalog.experiments.tables import Experiment, Trial


@pytest.fixture
def catalog(catalog_url: str) -> tuple[Database, ExperimentRecorder, Liveness]:
    db = Database(catalog_url)
    recorder = ExperimentRecorder(db)
    return db, recorder, Liveness(db, recorder)


def _experiment(
    recorder: ExperimentRecorder, owner: str | None, trials: int = 3, project: str = "p"
) -> tuple[str, dict[str, int]]:
    project = recorder.ensure_project(project, "/tmp/p")
    experiment_id = recorder.create_experiment(
        project, "e", "grid_search", "me", "/tmp/p/e", metric_key="m", owner=owner
    )
    ids = recorder.start_trials(
        experiment_id, [(f"trial_{n}", {"x": n}, f"/l/{n}") for n in range(trials)]
    )
    return experiment_id, ids


def _dead_process() -> Owner:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    owner = Owner(socket.gethostname(), child.pid, psutil.Process(child.pid).create_time())
    child.kill()
    child.wait()
    return owner


def _rows(db: Database, experiment_id: str) -> tuple[Experiment, dict[str, Trial]]:
    with db.reading() as session:
        experiment = session.get(Experiment, experiment_id)
        trials = session.scalars(select(Trial).where(Trial.experiment_id == experiment_id))
        return experiment, {t.key: t for t in trials}


def test_trials_wait_as_queued_until_a_slot_takes_them(catalog) -> None:
    db, recorder, _ = catalog
    experiment_id, ids = _experiment(recorder, str(Owner.current()))
    recorder.mark_started([(ids["trial_0"], 123.0)])
    _, trials = _rows(db, experiment_id)
    assert {k: t.status for k, t in trials.items()} == {
        "trial_0": "running",
        "trial_1": "queued",
        "trial_2": "queued",
    }
    assert trials["trial_0"].started_at == 123.0
    assert trials["trial_1"].started_at is None


def test_work_of_a_dead_process_on_this_host_is_lost_at_once(catalog) -> None:
    db, recorder, liveness = catalog
    dead = _dead_process()
    experiment_id, ids = _experiment(recorder, str(dead))
    recorder.mark_started([(ids["trial_0"], time.time()), (ids["trial_1"], time.time())])
    from hopsml_lab.catalog import TrialStatus

    recorder.finish_trial(ids["trial_0"], TrialStatus.FINISHED, {"m": 0.5}, 0.5)
    alive_id, _ = _experiment(recorder, str(Owner.current()))

    assert liveness.reap() == [experiment_id]

    experiment, trials = _rows(db, experiment_id)
    assert experiment.status == "lost"
    assert f"process {dead.pid} on {dead.host}" in experiment.error
    assert experiment.finished_at is not None and experiment.finished_at <= time.time()
    assert experiment.best_trial == "trial_0" and experiment.metric_value == 0.5
    assert {k: t.status for k, t in trials.items()} == {
        "trial_0": "finished",
        "trial_1": "lost",
        "trial_2": "lost",
    }
    assert all(t.finished_at is not None for t in trials.values())
    assert _rows(db, alive_id)[0].status == "running"  # a living owner keeps its work


def test_a_reused_pid_is_not_the_owner() -> None:
    me = Owner.current()
    assert me.gone() is False
    assert Owner(me.host, me.pid, me.started - 3600).gone() is True
    assert Owner("another-host", me.pid, me.started).gone() is None


def test_an_owner_on_another_host_is_lost_when_its_heartbeat_stops(catalog) -> None:
    db, recorder, liveness = catalog
    elsewhere = Owner("another-host.example", 4242, 1.0)
    experiment_id, _ = _experiment(recorder, str(elsewhere))
    assert liveness.reap() == []  # it beat at creation

    later = time.time() + owners.STALE_S + 1
    assert liveness.reap(now=later) == [experiment_id]
    experiment, trials = _rows(db, experiment_id)
    assert experiment.status == "lost"
    assert "no heartbeat from process 4242 on another-host.example" in experiment.error
    assert {t.status for t in trials.values()} == {"lost"}


def test_a_slow_owner_that_beats_again_takes_its_experiment_back(catalog) -> None:
    db, recorder, liveness = catalog
    experiment_id, _ = _experiment(recorder, str(liveness.owner))
    liveness.hold(experiment_id)
    assert liveness.reap(now=time.time() + owners.STALE_S + 1) == [experiment_id]
    assert _rows(db, experiment_id)[0].status == "lost"

    liveness.beat()
    experiment, _ = _rows(db, experiment_id)
    assert experiment.status == "running"
    assert experiment.finished_at is None and experiment.error is None
    liveness.release(experiment_id)


def test_a_fresh_heartbeat_since_the_look_wins_over_the_reaper(catalog) -> None:
    db, recorder, _ = catalog
    experiment_id, _ = _experiment(recorder, "another-host/1/1.00")
    experiment, _ = _rows(db, experiment_id)
    stale_beat = experiment.heartbeat_at - 100  # what a reaper saw before the owner beat
    assert not recorder.mark_lost(experiment_id, experiment.owner, stale_beat, "lost", 1.0)
    assert _rows(db, experiment_id)[0].status == "running"


@pytest.fixture
def jp_server_config(tmp_path: Path) -> dict:
    return {
        "ServerApp": {"jpserver_extensions": {"hopsml_lab": True}},
        "HopsMLExtension": {
            "project_root": str(tmp_path / "served"),
            "project_name": "demo",
            "change_check_interval": 0.1,
        },
    }


async def test_the_server_shows_a_dead_owners_experiment_as_lost(jp_fetch, jp_serverapp) -> None:
    lab = jp_serverapp.web_app.settings["hopsml_lab"]
    experiment_id, _ = _experiment(lab.recorder, str(_dead_process()), project="demo")

    async def listed(status: str) -> list[str]:
        response = await jp_fetch("hopsml", "api", "experiments", params={"status": status})
        return [e["id"] for e in json.loads(response.body)["experiments"]]

    deadline = time.monotonic() + 10  # reads reap at most every REAP_EVERY_S
    while experiment_id in await listed("running") and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    assert await listed("running") == []
    assert await listed("lost") == [experiment_id]
    detail = json.loads((await jp_fetch("hopsml", "api", "experiments", experiment_id)).body)
    assert detail["error"].startswith("lost: process")
    assert {t["status"] for t in detail["trials"]} == {"lost"}


_SCRIPT = """
import time
from hopsml_lab import experiment

def train(x):
    time.sleep(0.25)
    return {"metric": x}

experiment.grid_search(train, {"x": list(range(200))}, name="doomed")
"""


def _wait(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.mark.timeout(240)
def test_kill_9_of_a_running_grid_search_marks_its_work_lost(
    catalog_url: str, tmp_path: Path
) -> None:
    root = tmp_path / "project"
    env = {
        **os.environ,
        "HOPSML_PROJECT_ROOT": str(root),
        "HOPSML_CATALOG_URL": catalog_url,
        "HOPSML_SPARK_MASTER": "local[2]",
    }
    script = tmp_path / "search.py"
    script.write_text(textwrap.dedent(_SCRIPT))
    log = (tmp_path / "search.log").open("w")
    owner = subprocess.Popen(
        [sys.executable, str(script)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    db = Database(catalog_url)
    liveness = Liveness(db, ExperimentRecorder(db))
    try:

        def statuses() -> dict[str, int] | None:
            with db.reading() as session:
                rows = session.execute(select(Trial.status)).scalars().all()
            counts = {s: rows.count(s) for s in set(rows)}
            return counts if counts.get("finished", 0) >= 40 else None

        seen = _wait(statuses, 150, "40 finished trials")
        # While it runs, only the trials on a slot are running; the rest wait, queued.
        assert seen.get("running", 0) <= 2, seen
        assert seen["queued"] >= 100, seen

        os.kill(owner.pid, signal.SIGKILL)
        owner.wait()
        killed_at = time.time()

        # What any later process (a kernel, a script, the server) does when it reads.
        lost = _wait(liveness.reap, 60, "the experiment to be marked lost")
        assert len(lost) == 1
        with db.reading() as session:
            experiment = session.get(Experiment, lost[0])
            trials = session.execute(select(Trial.status, Trial.finished_at)).all()
        assert experiment.name == "doomed"
        assert experiment.status == "lost"
        assert f"process {owner.pid} on {socket.gethostname()}" in experiment.error
        assert experiment.finished_at is not None
        assert experiment.finished_at <= killed_at + 1
        assert {status for status, _ in trials} == {"finished", "lost"}
        assert all(finished_at is not None for _, finished_at in trials)
        assert time.time() - killed_at < 60
    finally:
        if owner.poll() is None:
            owner.kill()
        with contextlib.suppress(ProcessLookupError):  # the killed script's Spark JVM
            os.killpg(owner.pid, signal.SIGKILL)
        log.close()
        db.dispose()
