"""Run inside a child server: exit as soon as the process that started it is gone.

The starter also asks Linux for ``PR_SET_PDEATHSIG`` (see ``supervisor.py``); that signal
follows the *thread* that forked the child, so a watchdog on the parent's pid covers
starters whose thread ends before the process does, and systems without prctl.
"""

from __future__ import annotations

import os
import threading
import time

PARENT_ENV = "HOPSML_CHILD_PARENT"


def _exit_with(parent: int, interval: float) -> None:
    while os.getppid() == parent:
        time.sleep(interval)
    os._exit(0)


def watch_parent(interval: float = 0.5) -> None:
    """Start the watchdog: the process exits when its parent (``PARENT_ENV``) dies."""
    parent = int(os.environ.get(PARENT_ENV) or os.getppid())
    threading.Thread(target=_exit_with, args=(parent, interval), daemon=True).start()
