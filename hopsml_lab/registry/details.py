"""Details a saved version carries: its download cache folder, who and what saved it,
and why a version cannot be saved over."""

from __future__ import annotations

import contextlib
import getpass
import os
import sys
import tempfile
from pathlib import Path

from ..catalog import ModelRecord


def version_folder(name: str, version: int) -> str:
    return f"Models/{name}/{version}"


def model_cache(project: str, record: ModelRecord) -> Path:
    """The cache folder of a downloaded version, as hsml lays it out; keyed by when the
    version was saved, so a version deleted and saved again is downloaded again."""
    base = Path(tempfile.gettempdir()) / "hopsworks" / "models"
    saved = str(int(record.created_at * 1000))
    return base / project / record.name / str(record.version) / saved


def exists_message(name: str, version: int, on_store: bool, recorded: bool) -> str:
    folder = version_folder(name, version)
    head = f"Model with name {name} and version {version}"
    if on_store and recorded:
        return (
            f"{head} already exists, please select another version, or leave the version "
            "out for the next one"
        )
    if recorded:
        return (
            f"{head} is registered but there is no {folder} folder: delete this version "
            "(Model.delete()) and save it again"
        )
    return (
        f"{head} exists in {folder} but it is not registered: delete the {folder} folder "
        "and save the model again"
    )


def running_program() -> str | None:
    """The script saving the model, if one is running: ``python train.py``, not a
    notebook, and not a module run with ``python -m`` (pytest's ``__main__.py``)."""
    if getattr(sys.modules.get("__main__"), "__spec__", None) is not None:
        return None
    script = sys.argv[0] if sys.argv else ""
    return script if script.endswith(".py") and os.path.isfile(script) else None


def current_user() -> str | None:
    with contextlib.suppress(Exception):
        return getpass.getuser()
    return None
