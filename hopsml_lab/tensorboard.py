"""TensorBoard with the names of Hopsworks' ``hops.tensorboard``, plus ``launch``."""

from __future__ import annotations

import atexit
import threading
from collections.abc import Sequence

from .engine.context import current_trial
from .exceptions import cluster_only
from .lab import Lab, get_lab
from .tensorboards import TensorBoardManager


def logdir() -> str | None:
    """The running trial's folder on the store, where its TensorBoard events go.

    >>> import tensorflow as tf                                        # doctest: +SKIP
    >>> callback = tf.keras.callbacks.TensorBoard(log_dir=tensorboard.logdir())
    ``None`` outside a trial.
    """
    trial = current_trial()
    return trial.logdir_url if trial is not None else None


_NO_TFDBG = (
    "TensorBoard 2 has no tfdbg v1 debugger; in the trial call "
    "tf.debugging.experimental.enable_dump_debug_info(tensorboard.logdir()) and open the "
    "Debugger V2 dashboard of tensorboard.launch()"
)


@cluster_only(_NO_TFDBG)
def interactive_debugger() -> str: ...


@cluster_only(_NO_TFDBG)
def non_interactive_debugger() -> str: ...


def resolve_experiments(lab: Lab, experiments: str | Sequence[str] | None) -> list[str]:
    """Experiment ids from ids or names (the newest of that name); none: the newest."""
    references: Sequence[str | None]
    if experiments is None or experiments == []:
        references = [None]
    elif isinstance(experiments, str):
        references = [experiments]
    else:
        references = list(experiments)
    project = lab.settings.project_name
    return [lab.queries.resolve(project, reference)[0] for reference in references]


def launch(experiments: str | Sequence[str] | None = None, timeout: float = 60.0) -> str:
    """Start a TensorBoard for experiments (ids or names; by default the newest one),
    or reuse the one running for that set, and return its address on 127.0.0.1.

    Each trial is a run named by its hyperparameters; it stops with this process.

    >>> tensorboard.launch(["churn", "churn-asha"])       # doctest: +SKIP
    'http://127.0.0.1:40123/'
    """
    lab = get_lab()
    board, _ = _manager(lab).ensure(resolve_experiments(lab, experiments))
    board.wait_ready(timeout)
    return board.process.base_url


_managers: dict[int, TensorBoardManager] = {}
_lock = threading.Lock()


def _manager(lab: Lab) -> TensorBoardManager:
    with _lock:
        manager = _managers.get(id(lab))
        if manager is None or manager.lab is not lab:
            manager = TensorBoardManager(lab, idle_timeout=lab.settings.tensorboard_idle_timeout)
            _managers[id(lab)] = manager
        return manager


@atexit.register
def _stop_all() -> None:
    for manager in list(_managers.values()):
        manager.stop_all()
