"""What an experiment ran with: the notebook, the Python environment, the git commit.

Written to ``Experiments/<id>/_snapshot/`` when the experiment starts, so a trial can be
reproduced from the notebook as it was.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

from .store import Store

_environment: tuple[tuple[int, ...], list[str]] | None = None


def environment() -> list[str]:
    """``pip freeze``-style lines of the installed distributions.

    Cached until a folder on sys.path changes (as ``%pip install`` does), since reading
    every distribution's metadata costs tens of milliseconds.
    """
    global _environment
    stamp = tuple(os.stat(p).st_mtime_ns for p in sys.path if p and os.path.isdir(p))
    if _environment is None or _environment[0] != stamp:
        lines = sorted(
            {f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()},
            key=str.lower,
        )
        _environment = (stamp, lines)
    return list(_environment[1])


def git_state(folder: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The commit checked out in ``folder`` and whether files changed since, if a repo."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=folder, capture_output=True, text=True, timeout=5
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return None
    return {"commit": commit, "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}


def notebook_path() -> Path | None:
    """The notebook this kernel runs, as Jupyter tells its kernels (JPY_SESSION_NAME)."""
    name = os.environ.get("JPY_SESSION_NAME")
    if not name:
        return None
    path = Path(name)
    return path if path.suffix == ".ipynb" and path.is_file() else None


def write_snapshot(store: Store, logdir: str) -> dict[str, Any]:
    """Write the snapshot next to the experiment's trials; returns what it recorded."""
    folder = f"{logdir}/_snapshot"
    notebook = notebook_path()
    record: dict[str, Any] = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "working_dir": os.getcwd(),
        "git": git_state(notebook.parent if notebook else os.getcwd()),
        "notebook": str(notebook) if notebook else None,
        "notebook_snapshot": f"{folder}/{notebook.name}" if notebook else None,
    }
    if notebook is not None:
        store.write_bytes(f"{folder}/{notebook.name}", notebook.read_bytes())
    store.write_text(f"{folder}/requirements.txt", "\n".join(environment()) + "\n")
    store.write_text(f"{folder}/run.json", json.dumps(record, indent=2))
    return record
