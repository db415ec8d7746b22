"""The driver side of trial slots: long-running Spark tasks that take trials as they free up.

One Spark job per trial costs tens to hundreds of milliseconds of dispatch; a slot is a
one-task Spark job that stays connected to the driver and pulls trial after trial over
a local socket, so a finished slot takes the next trial at once. Each slot is its own
job, so a Python worker that dies takes down only its own slot. Idle slots give their
cores back after ``idle_timeout`` seconds, or at once when another Spark job is waiting.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import queue
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from functools import partial
from multiprocessing.connection import Connection, Listener
from typing import Any

from ..store import Store
from .backends import SlotBackend
from .batches import Batch, MetricsCallback, Slot, lost_trial
from .messages import GoOn, Metrics, Ready, Respawn, Result, Stop, StopTrial
from .resources import TrialResources
from .slot_task import serve_slot
from .trial import TrialOutcome, TrialSpec

log = logging.getLogger(__name__)
_IDLE_CHECK_S = 0.25
_START_ATTEMPTS = 3
_CONNECT_GRACE_S = 3.0  # how long a closing pool waits for a slot still connecting


class DispatchError(RuntimeError):
    """Trials could not be handed to Spark; the message says why."""


class SlotPool:
    """Hands trials to slots, which ``backend`` runs as Spark jobs."""

    def __init__(
        self, backend: SlotBackend, idle_timeout: float = 60.0, host: str | None = None
    ) -> None:
        self._backend = backend
        self.idle_timeout = idle_timeout
        self._host = host
        self._lock = threading.Lock()  # the pool's own state; each slot has its own lock
        # One queue per GPU amount: a slot takes trials that need exactly its GPUs.
        self._work: dict[int, queue.Queue[tuple[Batch, TrialSpec]]] = {0: queue.Queue()}
        self._slots: dict[int, Slot] = {}
        self._ids = itertools.count()
        self._batch_ids = itertools.count()
        self._listener: Listener | None = None
        self._authkey = secrets.token_bytes(32)
        self._closed = False
        self._others_checked = (0.0, False)
        self._grown_at = 0.0
        self._start_failures = 0  # slots in a row whose Spark job failed before connecting

    # -- public -----------------------------------------------------------------------

    @property
    def slot_count(self) -> int:
        return len(self._slots)

    def submit(
        self,
        fn: Callable[..., Any],
        specs: Sequence[TrialSpec],
        store: Store,
        experiment_id: str,
        resources: TrialResources | None = None,
        metric_name: str = "metric",
        on_metrics: MetricsCallback | None = None,
        on_start: Callable[[str], None] | None = None,
    ) -> Batch:
        """Queue ``specs``; ``on_start`` hears each trial's key as a slot takes it."""
        from pyspark import cloudpickle

        try:
            fn_bytes = cloudpickle.dumps(fn)
        except Exception as error:
            raise DispatchError(
                f"the train function cannot be sent to Spark executors ({error}); "
                "define what it uses inside the function or in the notebook"
            ) from error
        batch = Batch(
            next(self._batch_ids),
            fn_bytes,
            store,
            experiment_id,
            len(specs),
            metric_name,
            on_metrics,
            limit=resources.slots if resources else None,
            gpus=resources.gpus if resources else 0,
            on_start=on_start,
        )
        self._enqueue(batch, batch.admit(specs))
        self._ensure_slots(len(specs), batch.limit, batch.gpus)
        return batch

    def extend(self, batch: Batch, specs: Sequence[TrialSpec]) -> None:
        """Queue more trials of a running batch (adaptive searches decide as they go)."""
        batch.size += len(specs)
        self._enqueue(batch, batch.admit(specs))
        self._ensure_slots(self._queue(batch.gpus).qsize(), None, batch.gpus)

    def cancel(self, batch: Batch) -> None:
        """Drop the batch's queued trials and kill the slots running its trials."""
        batch.cancelled = True
        self._queued()
        with self._lock:
            # PySpark's own SIGINT handler cancels every job, idle slots' too: none of
            # them can take work any more, and new slots start for the next trials.
            slots = list(self._slots.values())
            for slot in slots:
                slot.retire()
        for slot in slots:
            if slot.running(batch):
                self._backend.cancel(slot.group)
            else:
                slot.tell(Stop())
        # Wait for the old slots' jobs to end: Spark has then handled PySpark's cancel of
        # all jobs, which would otherwise also hit slots started for the next trials.
        started = time.monotonic()
        while any(not s.alive for s in list(self._slots.values())):
            if time.monotonic() > started + 20:
                log.warning("HopsML: trial slots are slow to stop after the interrupt")
                break
            time.sleep(0.05)
        # Spark kills a cancelled task's Python worker only after its kill timeout, and
        # with worker reuse that worker may meanwhile serve a new slot: let it pass.
        kill_timeout = self._backend.kill_timeout()
        time.sleep(max(0.0, started + kill_timeout + 0.5 - time.monotonic()))

    def stop_trial(self, batch: Batch, key: str) -> bool:
        """Ask a running trial to stop early; it ends at its next report."""
        with self._lock:
            slot = next((s for s in self._slots.values() if s.running(batch, key)), None)
        return slot is not None and slot.tell(StopTrial(batch.id, key))

    def shutdown(self, wait: float = 10.0) -> None:
        """Stop every slot (killing running trials) and wait for their Spark jobs to end.

        A slot still connecting is told to stop once it connects (a closed pool hands
        out no work), so its job ends normally too; one that has not connected within
        a few seconds (Spark may not have started it) is cancelled."""
        self._closed = True
        with self._lock:
            slots = list(self._slots.values())
        connecting = []
        for slot in slots:
            with slot.lock:
                idle, connected = slot.current is None, slot.connection is not None
            if idle and connected:
                slot.tell(Stop())
            elif idle:
                connecting.append(slot)
            else:
                self._cancel(slot)
        started = time.monotonic()
        while self._slots and time.monotonic() < started + wait:
            if connecting and time.monotonic() > started + min(wait, _CONNECT_GRACE_S):
                for slot in connecting:
                    with slot.lock:
                        connected = slot.connection is not None
                    if not connected:
                        self._cancel(slot)
                connecting = []
            time.sleep(0.02)
        if self._listener is not None:
            self._listener.close()

    def _cancel(self, slot: Slot) -> None:
        with contextlib.suppress(Exception):
            self._backend.cancel(slot.group)

    # -- slots ------------------------------------------------------------------------

    def _ensure_slots(self, wanted: int, max_slots: int | None, gpus: int = 0) -> None:
        """Start slots holding ``gpus`` GPUs each until ``wanted`` trials can run at once
        (at most ``max_slots``, or Spark's cores; Spark queues slots GPUs cannot hold)."""
        limit = max_slots or self._backend.parallelism()
        with self._lock:
            self._ensure_listener()
            alive = sum(1 for s in self._slots.values() if s.gpus == gpus and s.alive)
            missing = min(wanted, limit) - alive
            new = [self._new_slot(gpus) for _ in range(max(0, missing))]
        for slot in new:
            self._start(slot)

    def _new_slot(self, gpus: int) -> Slot:
        slot_id = next(self._ids)
        group = f"hopsml-slot-{slot_id}-{secrets.token_hex(3)}"
        slot = Slot(id=slot_id, group=group, gpus=gpus)
        self._slots[slot_id] = slot
        return slot

    def _ensure_listener(self) -> None:
        if self._listener is not None:
            return
        host = self._host or self._backend.driver_host()
        self._listener = Listener((host, 0), authkey=self._authkey)
        threading.Thread(target=self._accept, name="hopsml-slot-accept", daemon=True).start()

    def _start(self, slot: Slot) -> None:
        assert self._listener is not None
        task = partial(serve_slot, self._listener.address, self._authkey, slot.id, slot.gpus)
        self._backend.start(
            slot.group,
            f"HopsML trial slot {slot.id}",
            slot.gpus,
            task,
            lambda reason, failed: self._retire(slot, reason, failed),
        )

    def _retire(self, slot: Slot, reason: str, failed: bool = False) -> None:
        current = slot.drop(retire=True)  # its Spark job ended: it runs nothing more
        with slot.lock:
            connected = slot.connection is not None
        with self._lock:
            self._slots.pop(slot.id, None)
            # Slots that fail before they ever connect (executors that cannot import
            # hopsml_lab, a missing interpreter) would be restarted forever: after a few
            # in a row, the waiting trials fail with Spark's reason instead.
            cannot_start = failed and not connected and not self._closed
            self._start_failures = self._start_failures + 1 if cannot_start else 0
            give_up = self._start_failures >= _START_ATTEMPTS
        if current is not None:
            batch, spec = current
            self._deliver(batch, lost_trial(spec, reason))
        if give_up:
            self._fail_waiting(slot.gpus, f"trial slots could not start on Spark: {reason}")
            return
        waiting = self._queued(slot.gpus)
        if not self._closed and waiting:
            self._ensure_slots(waiting, None, slot.gpus)  # replace it for queued trials

    def _fail_waiting(self, gpus: int, reason: str) -> None:
        """Fail every trial waiting for a slot with ``gpus`` GPUs (and those its batches
        then admit), without starting slots."""
        work = self._queue(gpus)
        while True:
            try:
                batch, spec = work.get_nowait()
            except queue.Empty:
                return
            failed = TrialOutcome(key=spec.key, ok=False, error=reason, started_at=time.time())
            self._enqueue(batch, batch.deliver(failed))

    def _enqueue(self, batch: Batch, specs: Sequence[TrialSpec]) -> None:
        for spec in specs:
            self._queue(batch.gpus).put((batch, spec))

    def _queue(self, gpus: int) -> queue.Queue[tuple[Batch, TrialSpec]]:
        work = self._work.get(gpus)
        return work if work is not None else self._work.setdefault(gpus, queue.Queue())

    def _deliver(self, batch: Batch, outcome: TrialOutcome) -> None:
        self._enqueue(batch, batch.deliver(outcome))
        self._grow(batch)

    def _grow(self, batch: Batch) -> None:
        """Executors that joined since the batch started (a cluster still starting,
        dynamic allocation) get slots too: checked at most once a second."""
        now = time.monotonic()
        if self._closed or now - self._grown_at < 1.0:
            return
        self._grown_at = now
        waiting = self._queue(batch.gpus).qsize()
        if waiting:
            with self._lock:
                alive = sum(1 for s in self._slots.values() if s.gpus == batch.gpus and s.alive)
            self._ensure_slots(waiting + alive, batch.limit, batch.gpus)

    def _queued(self, gpus: int | None = None) -> int:
        """Trials waiting for a slot (with ``gpus`` GPUs, or any), dropping those of
        cancelled batches."""
        waiting = 0
        for amount, work in list(self._work.items()):
            with work.mutex:
                kept = [item for item in work.queue if not item[0].cancelled]
                work.queue.clear()
                work.queue.extend(kept)
            waiting += len(kept) if gpus is None or gpus == amount else 0
        return waiting

    # -- serving a connected slot -------------------------------------------------------

    def _accept(self) -> None:
        listener = self._listener
        # While the listener is open: slots that connect as the pool closes get Stop.
        while listener is not None:
            try:
                connection = listener.accept()
            except (OSError, EOFError):
                if self._closed:
                    return
                continue  # a connection that failed authentication
            threading.Thread(
                target=self._serve, args=(connection,), name="hopsml-slot-serve", daemon=True
            ).start()

    def _serve(self, connection: Connection) -> None:
        slot: Slot | None = None
        try:
            match connection.recv():
                case Ready(slot_id=slot_id):
                    with self._lock:
                        slot = self._slots.get(slot_id)
            if slot is None:
                connection.close()
                return
            slot.connect(connection)
            while True:
                work = self._next_work(slot)
                if work is None:
                    slot.send(Stop())
                    return
                batch, spec = work
                slot.run(batch, spec)
                batch.started(spec.key)
                outcome = self._follow(slot, connection, batch)
                slot.drop(retire=outcome is None)
                if outcome is None:  # the worker cannot run it and ends: requeue
                    self._enqueue(batch, [spec])
                    return
                self._deliver(batch, outcome)
        except (EOFError, OSError):
            # The slot's worker died or was killed: report its trial now rather than when
            # Spark gets round to ending the job, and give the slot no more work.
            current = slot.drop(retire=True) if slot is not None else None
            if current is not None:
                batch, spec = current
                self._deliver(batch, lost_trial(spec, "its Python worker stopped answering"))
        finally:
            connection.close()

    @staticmethod
    def _follow(slot: Slot, connection: Connection, batch: Batch) -> TrialOutcome | None:
        """Pass on the trial's metric reports until its outcome arrives (None: the slot
        handed the trial back); a search's verdict on a report goes back to the trial."""
        while True:
            match connection.recv():
                case Result(outcome=outcome):
                    return outcome
                case Respawn():
                    return None
                case Metrics(key=key, points=points) if batch.on_metrics is not None:
                    try:
                        verdict = batch.on_metrics(key, points)
                    except Exception:  # the trial must go on even if watching it fails
                        log.exception("HopsML: trial %s's metric reports could not be handled", key)
                        verdict = None
                    if verdict is not None:
                        slot.send(
                            StopTrial(batch.id, key)
                            if verdict.stop
                            else GoOn(batch.id, key, verdict.step)
                        )

    def _next_work(self, slot: Slot) -> tuple[Batch, TrialSpec] | None:
        while not self._closed and slot.alive:
            try:
                batch, spec = self._queue(slot.gpus).get(timeout=_IDLE_CHECK_S)
            except queue.Empty:
                if slot.idle_for() > self.idle_timeout or self._other_jobs_waiting():
                    return None
                continue
            if batch.cancelled:
                continue
            if not slot.take((batch, spec)):  # it began retiring meanwhile
                self._enqueue(batch, [spec])
                return None
            return batch, spec
        return None

    def _other_jobs_waiting(self) -> bool:
        """Whether a Spark job that is not a slot runs: idle slots then free their cores."""
        checked_at, answer = self._others_checked
        now = time.monotonic()
        if now - checked_at < _IDLE_CHECK_S:
            return answer
        with self._lock:
            groups = [s.group for s in self._slots.values()]
        answer = self._backend.others_running(groups)
        self._others_checked = (now, answer)
        return answer
