"""The executor side of a slot: one long-running Spark task that pulls trials.

It connects back to the driver's dispatcher, then loops: ask for work, run the trial,
send the outcome. The function is sent once per experiment, not once per trial. What
goes over the connection, each way, is in :mod:`.messages`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from multiprocessing.connection import Client
from typing import Any

from . import trial_env
from .messages import GoOn, Ready, Respawn, Result, RunTrial, Stop, StopTrial
from .reporter import Reporter
from .resources import slot_gpus, visible_devices
from .trial import run_trial


def serve_slot(
    address: tuple[str, int], authkey: bytes, slot_id: int, gpus: int = 0
) -> Iterator[int]:
    """Run trials until the driver says stop; yields the slot id when done. A slot that
    asked Spark for ``gpus`` GPUs shows its trials only those."""
    from pyspark import cloudpickle

    functions: dict[int, Callable[..., Any]] = {}
    stop_early: set[str] = set()
    devices = visible_devices(slot_gpus() if gpus else [])
    with Client(address, authkey=authkey) as connection:
        connection.send(Ready(slot_id, os.getpid()))
        while True:
            match connection.recv():
                case StopTrial(key=key):
                    stop_early.add(key)  # for a trial not started yet, or one that ended
                case GoOn():
                    pass  # for a trial that has ended meanwhile
                case Stop():
                    break
                case RunTrial() as run:
                    env = {**run.env, **devices}
                    if trial_env.stale(env):
                        connection.send(Respawn(run.batch_id, run.spec.key))
                        connection.close()
                        # Ending the process, not just the task: Spark would reuse this worker.
                        os._exit(0)
                    trial_env.apply(env)
                    if run.fn is not None:  # keep only the current batch's function
                        functions = {run.batch_id: cloudpickle.loads(run.fn)}
                    reporter = Reporter(
                        connection, run.batch_id, run.spec.key, run.metric_name, run.spec.decide_at
                    )
                    reporter.stopped = run.spec.key in stop_early
                    outcome = run_trial(
                        functions[run.batch_id], run.spec, run.store, run.experiment_id, reporter
                    )
                    connection.send(Result(run.batch_id, outcome))
    yield slot_id
