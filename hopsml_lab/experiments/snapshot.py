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
import urllib.request
from pathlib import Path
from typing import Any

from ..store import Store

_environment: tuple[tuple[int, ...], list[str]] | None = None


def environment() -> list[str]:
    """``pip freeze``-style lines of the installed distributions.

    Cached until a package folder on sys.path changes (as ``%pip install`` does), since reading
    every distribution's metadata costs tens of milliseconds.
    """
    global _environment
    # Only the folders packages install into: a notebook folder's mtime moves with every
    # autosave, and temporary folders with every trial.
    stamp = tuple(
        os.stat(p).st_mtime_ns
        for p in sys.path
        if os.path.basename(p) in ("site-packages", "dist-packages") and os.path.isdir(p)
    )
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
    """The notebook this kernel runs: ``JPY_SESSION_NAME`` as Jupyter tells its kernels,
    else the session of this kernel on a running Jupyter server (its sessions API)."""
    name = os.environ.get("JPY_SESSION_NAME")
    if name and name.endswith(".ipynb") and os.path.isfile(name):
        return Path(name)
    kernel = _kernel_id()
    return session_notebook(kernel) if kernel else None


def _kernel_id() -> str | None:
    """This kernel's id, from the connection file name Jupyter gives it (kernel-<id>.json)."""
    try:
        from ipykernel.connect import get_connection_file

        stem = Path(get_connection_file()).stem
    except Exception:  # not inside a kernel
        return None
    return stem.removeprefix("kernel-") if stem.startswith("kernel-") else None


def session_notebook(kernel_id: str, runtime_dir: str | None = None) -> Path | None:
    """Ask each running Jupyter server on this machine which notebook ``kernel_id`` serves."""
    from jupyter_server.serverapp import list_running_servers

    for server in list_running_servers(runtime_dir):
        request = urllib.request.Request(
            f"{server['url'].rstrip('/')}/api/sessions",
            headers={"Authorization": f"token {server.get('token', '')}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                sessions = json.load(response)
        except (OSError, ValueError):
            continue  # a server that is stopping or asks for a password
        for session in sessions:
            if (session.get("kernel") or {}).get("id") == kernel_id:
                path = Path(server["root_dir"]) / session["path"]
                if path.suffix == ".ipynb" and path.is_file():
                    return path
    return None


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
