"""The TensorBoards of one process (the Jupyter server, or a kernel): one per set of
experiments, reused while it runs, stopped when idle, all stopped on shutdown."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BadInput, NotFound
from ..lab import Lab
from ..processes import ChildServer, Supervisor
from .process import tensorboard_server
from .runs import link_runs, logdir_spec


class UnknownTensorBoardError(NotFound):
    """No TensorBoard with that id runs here."""


class BadTensorBoardRequest(BadInput):
    """The set of experiments cannot be shown; the message says why."""


def board_id(experiment_ids: Iterable[str]) -> str:
    """The same id for the same set, in any order, across server restarts."""
    joined = "\n".join(sorted(set(experiment_ids)))
    return hashlib.sha256(joined.encode()).hexdigest()[:12]


@dataclass
class TensorBoard:
    id: str
    experiments: tuple[str, ...]
    process: ChildServer
    runs_folder: Path | None  # the folder of links (local store); None on HDFS
    started_at: float = field(default_factory=time.time)

    def touch(self) -> None:
        self.process.touch()

    @property
    def last_activity(self) -> float:
        return self.process.last_activity

    @property
    def port(self) -> int:
        return self.process.port

    def wait_ready(self, timeout: float = 60.0) -> None:
        self.process.wait_ready(timeout)


class TensorBoardManager:
    """Starts TensorBoards for sets of experiments of ``lab``'s project.

    >>> board = TensorBoardManager(lab).ensure(["20261125-143015-3fa9c1"])  # doctest: +SKIP
    >>> board.wait_ready(); board.process.base_url                          # doctest: +SKIP
    """

    def __init__(self, lab: Lab, idle_timeout: float = 900.0, reload_interval: float = 2.0):
        self.lab = lab
        self.reload_interval = reload_interval
        self.supervisor = Supervisor(idle_timeout)
        self._boards: dict[str, TensorBoard] = {}
        self._lock = threading.Lock()
        self._workdir = Path(tempfile.mkdtemp(prefix="hopsml-tensorboards-"))

    def ensure(self, experiment_ids: Sequence[str]) -> tuple[TensorBoard, bool]:
        """The running TensorBoard for this set, or a new one; True when started now.
        Call from the thread that lives as long as the process (the kernel's or the
        server's main thread): on Linux the child dies with the thread that forked it."""
        ids = tuple(dict.fromkeys(experiment_ids))
        if not ids:
            raise BadTensorBoardRequest("name at least one experiment to show in TensorBoard")
        trials = self.lab.queries.trial_logdirs(ids)  # unknown ids raise here
        key = board_id(ids)
        with self._lock:
            board = self._boards.get(key)
            if board is not None and board.process.alive():
                self._refresh(board)
                board.touch()
                return board, False
            if board is not None:
                self._boards.pop(key)
            folder = self._workdir / key
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            runs_folder: Path | None = None
            if self.lab.settings.is_remote_store:
                store = self.lab.store
                spec = logdir_spec(
                    [
                        (name, store.reader_url(f"Experiments/{e}"))
                        for e, name in _names(trials, ids)
                    ]
                )
                args = ["--logdir_spec", spec]
            else:
                runs_folder = folder / "runs"
                runs_folder.mkdir()
                link_runs(runs_folder, trials)
                args = ["--logdir", str(runs_folder)]
            process = tensorboard_server(
                args,
                folder / "tensorboard.log",
                without_tf=True,  # local files and fsspec's webhdfs:// need no TensorFlow
                reload_interval=self.reload_interval,
            )
            board = TensorBoard(key, ids, self.supervisor.add(key, process), runs_folder)
            self._boards[key] = board
            return board, True

    def get(self, board_id: str) -> TensorBoard:
        with self._lock:
            board = self._boards.get(board_id)
        if board is None or not board.process.alive():
            raise UnknownTensorBoardError(
                f"no TensorBoard {board_id!r} runs here: start one for its experiments"
            )
        return board

    def boards(self) -> list[TensorBoard]:
        with self._lock:
            return [b for b in self._boards.values() if b.process.alive()]

    @property
    def idle_timeout(self) -> float:
        return self.supervisor.idle_timeout

    def stop(self, board_id: str) -> None:
        with self._lock:
            board = self._boards.pop(board_id, None)
        if board is None:
            raise UnknownTensorBoardError(f"no TensorBoard {board_id!r} runs here")
        self._stop(board)

    def stop_idle(self, now: float | None = None) -> list[str]:
        """Stop TensorBoards nobody asked anything for ``idle_timeout`` seconds."""
        stopped = self.supervisor.stop_idle(now)
        with self._lock:
            boards = [self._boards.pop(key) for key in stopped if key in self._boards]
        for board in boards:
            self._stop(board)
        return stopped

    def refresh(self) -> None:
        """Show trials that started since (a search still running adds them)."""
        for board in self.boards():
            self._refresh(board)

    def stop_all(self) -> None:
        with self._lock:
            self._boards = {}
        self.supervisor.stop_all()
        shutil.rmtree(self._workdir, ignore_errors=True)

    def _refresh(self, board: TensorBoard) -> None:
        if board.runs_folder is not None:
            link_runs(board.runs_folder, self.lab.queries.trial_logdirs(board.experiments))

    def _stop(self, board: TensorBoard) -> None:
        self.supervisor.remove(board.id)
        shutil.rmtree(self._workdir / board.id, ignore_errors=True)


def _names(trials: Sequence, ids: Sequence[str]) -> list[tuple[str, str]]:
    names = {t.experiment_id: t.experiment_name for t in trials}
    return [(e, names.get(e, e)) for e in ids]
