"""IPython magics: parse arguments, call the Python API, show the result."""

from __future__ import annotations

from typing import Any


def load_magics(ipython: Any) -> None:
    from .deploy import DeployMagics
    from .experiment import ExperimentMagics
    from .featurestore import FeatureStoreMagics
    from .optimize import OptimizeMagics
    from .pipeline import PipelineMagics
    from .tensorboard import TensorBoardMagics
    from .validate import ValidateMagics

    ipython.register_magics(DeployMagics)
    ipython.register_magics(ExperimentMagics)
    ipython.register_magics(FeatureStoreMagics)
    ipython.register_magics(TensorBoardMagics)
    ipython.register_magics(ValidateMagics)
    ipython.register_magics(OptimizeMagics)
    ipython.register_magics(PipelineMagics)
