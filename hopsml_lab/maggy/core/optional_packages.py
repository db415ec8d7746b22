"""Packages a maggy feature needs only when it is used (PyTorch, DeepSpeed, FairScale).

They are not HopsML Lab's dependencies: importing ``hopsml_lab.maggy`` never imports them,
and using a feature without its package raises :class:`MissingPackage`, naming what to
install.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ...errors import HopsMLError


class MissingPackage(HopsMLError, ImportError):
    """A feature's package is not installed; the message names what to install."""


def require(module: str, feature: str, pip_name: str | None = None) -> ModuleType:
    """``module`` imported, or :class:`MissingPackage` saying ``feature`` needs it."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        package = pip_name or module
        raise MissingPackage(
            f"{feature} needs the {package} package, which is not installed here: install "
            f"it (pip install {package}) where the kernel and the Spark executors run "
            f"({type(error).__name__}: {error})"
        ) from error
