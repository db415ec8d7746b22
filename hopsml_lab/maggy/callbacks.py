"""maggy's Keras callbacks: report a metric to the search as training goes."""

from __future__ import annotations

from typing import Any


def _callback_base() -> type:
    try:
        import tensorflow as tf

        return tf.keras.callbacks.Callback  # type: ignore[no-any-return]
    except Exception:
        try:
            import keras

            return keras.callbacks.Callback  # type: ignore[no-any-return]
        except Exception:
            return object


_Base: Any = _callback_base()


def _metric(logs: dict[str, float] | None, name: str, when: str) -> float:
    """``logs[name]``; a name Keras did not log would report a made-up value."""
    if logs and name in logs:
        return float(logs[name])
    have = ", ".join(sorted(logs or {})) or "nothing"
    raise ValueError(
        f"no {name!r} in Keras' logs {when} (it logged: {have}); name one of those as "
        "metric=..., or for a val_ metric pass validation_data to fit()"
    )


class KerasBatchEnd(_Base):  # type: ignore[misc, valid-type]
    """Broadcast ``metric`` (default the loss) after every batch."""

    def __init__(self, reporter: Any, metric: str = "loss") -> None:
        super().__init__()
        self.reporter, self.metric = reporter, metric

    def on_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
        self.reporter.broadcast(metric=_metric(logs, self.metric, "after a batch"))

    on_train_batch_end = on_batch_end


class KerasEpochEnd(_Base):  # type: ignore[misc, valid-type]
    """Broadcast ``metric`` (default the validation loss) after every epoch."""

    def __init__(self, reporter: Any, metric: str = "val_loss") -> None:
        super().__init__()
        self.reporter, self.metric = reporter, metric

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        self.reporter.broadcast(metric=_metric(logs, self.metric, "after an epoch"), step=epoch)
