"""The executor side of a slot: one long-running Spark task that pulls trials.

It connects back to the driver's dispatcher, then loops: ask for work, run the trial,
send the outcome. The function is sent once per experiment, not once per trial. What
goes over the connection, each way, is in :mod:`.messages`.

A driver that goes away (its process ending, its pool closing) ends the slot quietly:
there is no one left to tell, and a failed Spark task would print its traceback.
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

# What the slot's end of the connection sees when the driver closes it.
_DRIVER_GONE = (EOFError, ConnectionResetError)


def serve_slot(
    address: tuple[str, int], authkey: bytes, slot_id: int, gpus: int = 0
) -> Iterator[int]:
    """Run trials until the driver says stop; yields the slot id when done. A slot that
    asked Spark for ``gpus`` GPUs shows its trials only those."""
    from pyspark import cloudpickle

    functions: dict[int, Callable[..., Any]] = {}
    stop_early: set[tuple[int, str]] = set()  # (batch id, trial key)
    devices = visible_devices(slot_gpus() if gpus else [])
    try:
        connection = Client(address, authkey=authkey)
    except _DRIVER_GONE:
        # The driver closed as this slot connected. (A refused connection still fails
        # the task: a wrong driver address must show.)
        yield slot_id
        return
    with connection:
        connection.send(Ready(slot_id, os.getpid()))
        while True:
            try:
                message = connection.recv()
            except _DRIVER_GONE:  # nothing more to run
                break
            match message:
                case StopTrial(batch_id=batch_id, key=key):
                    stop_early.add((batch_id, key))  # a trial not started yet, or ended
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
                    reporter.stopped = (run.batch_id, run.spec.key) in stop_early
                    stop_early.discard((run.batch_id, run.spec.key))
                    outcome = run_trial(
                        functions[run.batch_id], run.spec, run.store, run.experiment_id, reporter
                    )
                    connection.send(Result(run.batch_id, outcome))
    yield slot_id
