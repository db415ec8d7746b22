"""The kernel's framework settings that every trial runs with.

Spark's Python workers inherit the environment the executor started with, not what the
notebook sets later (``%env TF_USE_LEGACY_KERAS=1``), and on a cluster never the
driver's. So the kernel's ``TF_*`` and ``KERAS_*`` variables travel with each experiment
and are set in the worker before its trials run.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

SHIPPED_PREFIXES = ("TF_", "KERAS_")
# Per-process by nature: each distributed worker gets its own.
NOT_SHIPPED = frozenset({"TF_CONFIG"})
# Read once, when TensorFlow or Keras is imported (CUDA's devices when it starts): a
# worker that imported them under other values cannot switch and must be replaced.
IMPORT_TIME = ("TF_USE_LEGACY_KERAS", "KERAS_BACKEND", "CUDA_VISIBLE_DEVICES")
_FRAMEWORKS = ("tensorflow", "keras", "tf_keras")


def capture(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables to ship from the kernel, as they are now."""
    source = os.environ if environ is None else environ
    return {
        name: value
        for name, value in source.items()
        if name.startswith(SHIPPED_PREFIXES) and name not in NOT_SHIPPED
    }


def stale(shipped: Mapping[str, str]) -> bool:
    """Whether this process imported TensorFlow or Keras under other import-time values."""
    if not any(name in sys.modules for name in _FRAMEWORKS):
        return False
    return any(shipped.get(name) != os.environ.get(name) for name in IMPORT_TIME)


def apply(shipped: Mapping[str, str]) -> None:
    """Set the kernel's variables here; an import-time one the kernel does not set is
    unset too, so that Keras 3 stays the default unless the kernel asks for Keras 2."""
    for name in IMPORT_TIME:
        if name not in shipped:
            os.environ.pop(name, None)
    os.environ.update(shipped)
