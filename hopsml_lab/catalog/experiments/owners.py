"""Whose work a running experiment is, and noticing when that owner is gone.

The process that runs an experiment (a kernel, a script) is its owner, written on the
row as ``host/pid/process start``. While it runs, the owner's heartbeat thread stamps
``heartbeat_at`` every ``HEARTBEAT_S``. Any process that reads or runs experiments (a
kernel, a script, the Jupyter server) reaps: a running experiment is marked lost, with
its queued and running trials, when

- its owner ran on this host and that process is gone (``kill -9``, a crash, a closed
  kernel): seen at the next reap, whatever the heartbeat says; a pid taken over by a
  new process does not count as the owner, its start time differs;
- or its owner has not beaten for ``STALE_S`` (another host, lost or frozen).

So a dead owner's work is marked within ``STALE_S + HEARTBEAT_S`` (under a minute) on
any host, and within a reap on its own. An owner that was only slow, and beats again,
takes its experiment back.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

import psutil
from sqlalchemy import select, update

from ..db import Database
from .recorder import ExperimentRecorder
from .records import ExperimentStatus
from .tables import Experiment

HEARTBEAT_S = 10.0
STALE_S = 45.0
# Rows written before owners were recorded: lost once nothing changed for this long.
UNOWNED_STALE_S = 3600.0
REAP_EVERY_S = 2.0  # reads reap at most this often per process

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Owner:
    host: str
    pid: int
    started: float  # when the process started: tells a reused pid from the owner

    def __str__(self) -> str:
        return f"{self.host}/{self.pid}/{self.started:.2f}"

    @classmethod
    def parse(cls, text: str | None) -> Owner | None:
        try:
            host, pid, started = (text or "").rsplit("/", 2)
            return cls(host, int(pid), float(started))
        except ValueError:
            return None

    @classmethod
    def current(cls) -> Owner:
        pid = os.getpid()
        return cls(socket.gethostname(), pid, psutil.Process(pid).create_time())

    def describe(self) -> str:
        return f"process {self.pid} on {self.host}"

    def gone(self) -> bool | None:
        """Whether the process has ended; None when it ran on another host."""
        if self.host != socket.gethostname():
            return None
        try:
            started = psutil.Process(self.pid).create_time()
        except psutil.NoSuchProcess:
            return True
        except psutil.Error:  # another user's process: it exists
            return False
        return abs(started - self.started) > 1.0


def _utc(seconds: float) -> str:
    return f"{datetime.fromtimestamp(seconds, tz=timezone.utc):%Y-%m-%d %H:%M:%S} UTC"


def verdict(
    owner_text: str | None, heartbeat_at: float | None, updated_at: float, now: float
) -> tuple[str, float] | None:
    """Why a running experiment's owner is gone, and since when; None while it lives."""
    owner = Owner.parse(owner_text)
    if owner is None:
        if now - updated_at < UNOWNED_STALE_S:
            return None
        return (
            f"lost: it was started by a version without heartbeats and nothing changed "
            f"since {_utc(updated_at)}",
            updated_at,
        )
    last = heartbeat_at if heartbeat_at is not None else updated_at
    if owner.gone():
        return (
            f"lost: {owner.describe()}, which ran it, ended before it finished "
            f"(last heard from at {_utc(last)})",
            min(last, now),
        )
    if now - last > STALE_S:
        return (
            f"lost: no heartbeat from {owner.describe()}, which ran it, since {_utc(last)} "
            "(the process was killed, froze or lost its connection to the catalog)",
            last,
        )
    return None


class Liveness:
    """The heartbeat of this process's running experiments, and the reaper of others'."""

    def __init__(self, db: Database, recorder: ExperimentRecorder) -> None:
        self.db, self.recorder = db, recorder
        self._held: set[str] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._reaped_at = 0.0
        self._owner: Owner | None = None

    @property
    def owner(self) -> Owner:
        """This process (computed again after a fork)."""
        if self._owner is None or self._owner.pid != os.getpid():
            self._owner = Owner.current()
        return self._owner

    def hold(self, experiment_id: str) -> None:
        """Keep ``experiment_id``'s heartbeat while this process runs it."""
        with self._lock:
            self._held.add(experiment_id)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._beat_forever, name="hopsml-heartbeat", daemon=True
                )
                self._thread.start()

    def release(self, experiment_id: str) -> None:
        with self._lock:
            self._held.discard(experiment_id)

    def beat(self) -> None:
        """Stamp the experiments this process runs; take back any marked lost while it
        was too slow to beat."""
        with self._lock:
            held = sorted(self._held)
        if not held:
            return
        now, owner = time.time(), str(self.owner)
        mine = (Experiment.id.in_(held), Experiment.owner == owner)
        with self.db.writing() as session:
            session.execute(
                update(Experiment)
                .where(*mine, Experiment.status == ExperimentStatus.RUNNING.value)
                .values(heartbeat_at=now)
            )
            session.execute(
                update(Experiment)
                .where(*mine, Experiment.status == ExperimentStatus.LOST.value)
                .values(
                    status=ExperimentStatus.RUNNING.value,
                    heartbeat_at=now,
                    updated_at=now,
                    finished_at=None,
                    duration_s=None,
                    error=None,
                )
            )

    def reap(self, now: float | None = None) -> list[str]:
        """Mark the running experiments whose owner is gone as lost; returns their ids."""
        now = time.time() if now is None else now
        self._reaped_at = time.monotonic()
        with self.db.reading() as session:
            rows = session.execute(
                select(
                    Experiment.id,
                    Experiment.owner,
                    Experiment.heartbeat_at,
                    Experiment.updated_at,
                ).where(Experiment.status == ExperimentStatus.RUNNING.value)
            ).all()
        lost = []
        for experiment_id, owner, heartbeat_at, updated_at in rows:
            found = verdict(owner, heartbeat_at, updated_at, now)
            if found is None:
                continue
            reason, at = found
            if self.recorder.mark_lost(experiment_id, owner, heartbeat_at, reason, at):
                log.warning("HopsML: experiment %s %s", experiment_id, reason)
                lost.append(experiment_id)
        return lost

    def reap_if_due(self) -> None:
        """Reap, unless this process did in the last ``REAP_EVERY_S`` (reads call this)."""
        if time.monotonic() - self._reaped_at >= REAP_EVERY_S:
            try:
                self.reap()
            except Exception:  # a read must not fail because a reap could not write
                log.exception("HopsML: could not check for experiments whose owner is gone")

    def _beat_forever(self, sleep: Callable[[float], None] = time.sleep) -> None:
        while True:
            sleep(HEARTBEAT_S)
            try:
                self.beat()
                self.reap()
            except Exception:  # the catalog may be away for a while: try again later
                log.exception("HopsML: the experiments' heartbeat could not be written")
