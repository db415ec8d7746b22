"""``maggy.tensorboard``: the running trial's folder for TensorBoard events."""

from ..tensorboard import logdir

__all__ = ["logdir"]
