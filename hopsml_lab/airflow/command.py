"""Run the ``hopsml-lab`` command line of a project from an Airflow task.

Stdlib only: this package is imported by Airflow's own interpreter, whose environment has
none of HopsML Lab's dependencies. Jobs run in the project's environment through its
``hopsml-lab`` executable, with the project's settings as environment variables.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

ENV_CLI = "HOPSML_LAB_CLI"
"""The ``hopsml-lab`` executable tasks run when an operator is given none."""

# Airflow's interpreter settings would point the project's interpreter at Airflow's
# packages: the child gets the environment less these.
_NOT_PASSED = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")


class CommandError(RuntimeError):
    """``hopsml-lab`` could not be run, or ended in a way its caller does not expect."""


def find_cli(path: str | None = None) -> str:
    """The ``hopsml-lab`` executable: ``path``, else ``$HOPSML_LAB_CLI``, else on ``PATH``."""
    chosen = path or os.environ.get(ENV_CLI) or shutil.which("hopsml-lab")
    if not chosen:
        raise CommandError(
            f"no hopsml-lab executable: give the operator hopsml_lab='/path/to/hopsml-lab', "
            f"or set {ENV_CLI} in Airflow's environment (the project's venv has it in bin/)"
        )
    if not (os.path.isfile(chosen) and os.access(chosen, os.X_OK)):
        raise CommandError(
            f"{chosen!r} is not an executable file: point hopsml_lab= or {ENV_CLI} at the "
            "project's hopsml-lab (in its venv's bin/)"
        )
    return chosen


@dataclass(frozen=True)
class HopsmlCommand:
    """One project's ``hopsml-lab``: the executable and the settings it runs with.

    >>> HopsmlCommand("/bin/true", {"HOPSML_PROJECT_ROOT": "/p"}).argv(["job", "list"])
    ['/bin/true', 'job', 'list']
    """

    executable: str
    env: Mapping[str, str] = field(default_factory=dict)

    def argv(self, args: Sequence[str]) -> list[str]:
        return [self.executable, *args]

    def environment(self) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if k not in _NOT_PASSED}
        return {**base, **self.env}

    def check(self, args: Sequence[str], timeout_s: float = 300.0) -> tuple[int, str]:
        """Run to its end; its exit code and its output (stdout, then stderr)."""
        done = subprocess.run(
            self.argv(args),
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=timeout_s,
            stdin=subprocess.DEVNULL,
        )
        return done.returncode, done.stdout + done.stderr

    def exists(self, path: str) -> bool:
        """Whether ``path`` is in the project's files (``hopsml-lab store exists``: exit 0
        when it is, 1 and silent when not; anything else is an error, raised)."""
        code, output = self.check(["store", "exists", path])
        if code == 1 and not output.strip():
            return False
        if code != 0:
            raise CommandError(f"`hopsml-lab store exists {path}`: {output.strip()}")
        return True

    def follow(
        self,
        args: Sequence[str],
        log: Callable[[str], object],
        timeout_s: float | None = None,
    ) -> int:
        """Run to its end, passing each line it prints to ``log``; its exit code.

        Past ``timeout_s`` the command is stopped and :class:`CommandError` raised.
        """
        process = subprocess.Popen(
            self.argv(args),
            env=self.environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )
        expired = threading.Event()

        def stop() -> None:
            expired.set()
            process.kill()

        timer = threading.Timer(timeout_s, stop) if timeout_s is not None else None
        if timer is not None:
            timer.start()
        try:
            assert process.stdout is not None
            for line in process.stdout:
                log(line.rstrip("\n"))
            code = process.wait()
        finally:
            if timer is not None:
                timer.cancel()
            if process.poll() is None:  # the task itself was stopped: take the job along
                process.kill()
                process.wait()
        if expired.is_set():
            raise CommandError(f"`{' '.join(args)}` still ran after {timeout_s:g} s: stopped it")
        return code

    def start(self, args: Sequence[str]) -> int:
        """Start without waiting (its own session, so it outlives the task); its pid."""
        process = subprocess.Popen(
            self.argv(args),
            env=self.environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        return process.pid
