"""The typed messages between the slot pool and a slot task, without Spark: their wire
form, a slot task served over a real connection, and a slot's state under its lock."""

from __future__ import annotations

import pickle
import secrets
import threading
from dataclasses import FrozenInstanceError, fields
from multiprocessing import Pipe
from multiprocessing.connection import Listener
from multiprocessing.reduction import ForkingPickler

import pytest

from hopsml_lab.engine import slot_task, trial_env
from hopsml_lab.engine.batches import Batch, Slot
from hopsml_lab.engine.messages import (
    GoOn,
    Metrics,
    Ready,
    Respawn,
    Result,
    RunTrial,
    Stop,
    StopTrial,
)
from hopsml_lab.engine.reporter import EarlyStopException, Reporter
from hopsml_lab.engine.trial import TrialOutcome, TrialSpec
from hopsml_lab.store.local import LocalStore

SMALL = [
    StopTrial(7, "t1"),
    GoOn(7, "t1", 3),
    Stop(),
    Ready(4, 1234),
    Metrics(7, "t1", [("loss", 0, 0.5, 1.0)]),
    Result(7, TrialOutcome(key="t1", ok=True, results={"metric": 1.0})),
    Respawn(7, "t1"),
]


@pytest.mark.parametrize("message", SMALL, ids=lambda m: type(m).__name__)
def test_messages_cross_a_connection_as_themselves_and_stay_small(message) -> None:
    data = bytes(ForkingPickler.dumps(message))
    assert pickle.loads(data) == message
    assert len(data) < 300  # the class's name and the fields' values, no dataclass state
    for name in (f.name for f in fields(message)):
        with pytest.raises(FrozenInstanceError):
            setattr(message, name, None)


def test_the_reporter_obeys_typed_verdicts_for_its_trial_only() -> None:
    driver, trial = Pipe()
    reporter = Reporter(trial, 1, "t0", "loss")
    driver.send(StopTrial(1, "other"))
    driver.send(StopTrial(2, "t0"))  # the same key in another experiment's batch
    driver.send(GoOn(1, "t0", 1))
    reporter.broadcast(0.9)  # none stops it
    reporter.flush()
    assert isinstance(driver.recv(), Metrics)
    driver.send(StopTrial(1, "t0"))
    reporter.flush()  # takes in what the driver sent
    with pytest.raises(EarlyStopException):
        reporter.broadcast(0.8)
    reporter.close()


def test_a_slot_task_runs_trials_it_is_sent_until_told_to_stop(tmp_path, monkeypatch) -> None:
    from pyspark import cloudpickle

    # The task runs in this process here: leave its environment alone.
    monkeypatch.setattr(trial_env, "stale", lambda env: False)
    monkeypatch.setattr(trial_env, "apply", lambda env: None)

    def train(reporter) -> float:
        for step in range(3):
            reporter.broadcast(float(step))
        return 2.0

    store, authkey = LocalStore(tmp_path), secrets.token_bytes(16)
    listener = Listener(("127.0.0.1", 0), authkey=authkey)
    done: list[int] = []
    task = threading.Thread(
        target=lambda: done.extend(slot_task.serve_slot(listener.address, authkey, 5))
    )
    task.start()
    outcomes: dict[str, TrialOutcome] = {}
    with listener, listener.accept() as connection:
        assert isinstance(ready := connection.recv(), Ready) and ready.slot_id == 5
        connection.send(StopTrial(9, "t1"))  # before its trial starts
        connection.send(StopTrial(8, "t0"))  # a stop for an earlier batch's t0: not this one
        for key, fn in (("t0", cloudpickle.dumps(train)), ("t1", None)):
            spec = TrialSpec(key=key, params={}, logdir=f"Experiments/e/{key}")
            connection.send(RunTrial(9, fn, spec, store, "e", "metric", {}))
            while isinstance(message := connection.recv(), Metrics):
                assert (message.batch_id, message.key) == (9, key)
            assert isinstance(message, Result) and message.batch_id == 9
            outcomes[key] = message.outcome
            assert outcomes[key].ok, outcomes[key].error
        assert outcomes["t0"].results == {"metric": 2.0} and not outcomes["t0"].stopped_early
        assert outcomes["t1"].stopped_early and outcomes["t1"].results == {"metric": 0.0}
        connection.send(Stop())
        task.join(10)
    assert done == [5]


def test_a_retiring_slot_takes_no_trial_and_its_trial_is_handed_out_once(tmp_path) -> None:
    batch = Batch(0, b"", LocalStore(tmp_path), "e", 1)
    spec = TrialSpec(key="t0", params={}, logdir="Experiments/e/t0")
    slot = Slot(id=0, group="g")
    assert slot.take((batch, spec)) and slot.running(batch, "t0") and not slot.running(batch, "x")
    assert slot.drop(retire=True) == (batch, spec)
    assert slot.drop() is None and not slot.alive
    assert not slot.take((batch, spec)) and slot.current is None
    assert not slot.tell(Stop())  # not connected: nothing to tell
