"""TensorBoard with the names of Hopsworks' ``hops.tensorboard``."""

from __future__ import annotations

from .engine.context import current_trial


def logdir() -> str | None:
    """The running trial's folder on the store, where its TensorBoard events go.

    >>> import tensorflow as tf                                        # doctest: +SKIP
    >>> callback = tf.keras.callbacks.TensorBoard(log_dir=tensorboard.logdir())
    ``None`` outside a trial.
    """
    trial = current_trial()
    return trial.logdir_url if trial is not None else None
