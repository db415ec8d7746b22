"""HopsML Lab: Python-first ML pipelines in JupyterLab.

In a notebook: ``%load_ext hopsml_lab``, then ``%%experiment``. From Python:
``from hopsml_lab import experiment``.
"""

from __future__ import annotations

from typing import Any

try:
    from ._version import __version__
except ImportError:  # a source tree that was never built
    __version__ = "0.0.0.dev0"


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "hopsml-lab"}]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    from .server.extension import HopsMLExtension

    return [{"module": "hopsml_lab", "app": HopsMLExtension}]


def load_ipython_extension(ipython: Any) -> None:
    from .magics import load_magics
    from .settings import Settings

    Settings.from_env()  # a bad HOPSML_* value fails here, naming the setting
    load_magics(ipython)
