"""Start a process that outlives its starter: its own session (no terminal hang-up, and
not in the process group a kernel's restart kills), output to a log file.

>>> start_detached([sys.executable, "-m", "http.server"], Path("/tmp/s.log"))  # doctest: +SKIP
12345
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path


def start_detached(
    argv: Sequence[str], log_path: Path, env: Mapping[str, str] | None = None
) -> int:
    """Start ``argv`` detached from this process; its pid. While this process lives, a
    thread reaps it when it ends (no zombie); afterwards init does."""
    with open(log_path, "ab") as log:
        popen = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
            close_fds=True,
        )
    threading.Thread(target=popen.wait, name=f"reap-{popen.pid}", daemon=True).start()
    return popen.pid
