"""One TensorBoard as a supervised child server on 127.0.0.1."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from ..processes import HOST, ChildServer, ProcessError
from .serve import WITHOUT_TF_ENV

TensorBoardError = ProcessError  # TensorBoard did not start; the message carries its log


def tensorboard_server(
    logdir_args: Sequence[str],
    log_path: Path,
    *,
    without_tf: bool,
    reload_interval: float = 2.0,
) -> ChildServer:
    """A ``tensorboard`` serving ``logdir_args``, not started yet."""

    def command(port: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "hopsml_lab.tensorboards.serve",
            *logdir_args,
            "--host",
            HOST,
            "--port",
            str(port),
            "--reload_interval",
            str(reload_interval),
        ]

    return ChildServer(
        "TensorBoard",
        command,
        log_path,
        ready_path="data/environment",
        env={WITHOUT_TF_ENV: "1"} if without_tf else {},
    )
