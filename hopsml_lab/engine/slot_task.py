"""The executor side of a slot: one long-running Spark task that pulls trials.

It connects back to the driver's dispatcher, then loops: ask for work, run the trial,
send the outcome. The function is sent once per experiment, not once per trial.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from multiprocessing.connection import Client
from typing import Any

from . import trial_env
from .reporter import GO_ON, STOP_TRIAL, Reporter
from .resources import slot_gpus, visible_devices
from .trial import run_trial

# Messages, driver -> slot:  ("trial", batch_id, fn_bytes | None, spec, store, experiment_id,
#                             metric_name, env)   env: the kernel's TF_*/KERAS_* variables
#                            ("stop",)
#                            ("stop_trial", key)   stop that trial early (may come early
#                                                  or late: it is matched by key)
#                            ("go_on", key, n)     the trial, waiting at its n-th report
#                                                  (a decision step), goes on
# Messages, slot -> driver:  ("ready", slot_id, pid)          once, after connecting
#                            ("metrics", batch_id, key, [(name, step, value, time)])
#                            ("result", batch_id, outcome)    and ready for the next
#                            ("respawn", batch_id, key)       this worker imported TensorFlow
#                                                  under other settings: run the trial
#                                                  elsewhere; the worker then exits
TRIAL, STOP, READY, RESULT, RESPAWN = "trial", "stop", "ready", "result", "respawn"


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
        connection.send((READY, slot_id, os.getpid()))
        while True:
            message = connection.recv()
            if message[0] == STOP_TRIAL:
                stop_early.add(message[1])  # for a trial not started yet, or one that ended
                continue
            if message[0] == GO_ON:
                continue  # for a trial that has ended meanwhile
            if message[0] == STOP:
                break
            _, batch_id, fn_bytes, spec, store, experiment_id, metric_name, env = message
            env = {**env, **devices}
            if trial_env.stale(env):
                connection.send((RESPAWN, batch_id, spec.key))
                connection.close()
                # Ending the process, not just the task: Spark would reuse this worker.
                os._exit(0)
            trial_env.apply(env)
            if fn_bytes is not None:
                functions = {batch_id: cloudpickle.loads(fn_bytes)}  # keep only the current
            reporter = Reporter(connection, batch_id, spec.key, metric_name, spec.decide_at)
            reporter.stopped = spec.key in stop_early
            outcome = run_trial(functions[batch_id], spec, store, experiment_id, reporter)
            connection.send((RESULT, batch_id, outcome))
    yield slot_id
