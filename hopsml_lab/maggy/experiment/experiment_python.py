"""maggy's ``lagom`` for a plain Python kernel: the same ``lagom`` as
``maggy.experiment.experiment`` here, as every search runs on the kernel's Spark."""

from .experiment import lagom

__all__ = ["lagom"]
