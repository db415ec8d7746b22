"""maggy's experiment configurations (``from maggy.config import HyperparameterOptConfig``).

:class:`HyperparameterOptConfig` drives ``experiment.lagom``'s asynchronous search here;
:class:`BaseConfig` and :class:`LagomConfig` are kept for notebooks that name them;
ablation and distributed-training configurations raise, naming what to use instead.
"""

from .ablation import AblationConfig
from .base_config import BaseConfig
from .hyperparameter_optimization import HyperparameterOptConfig
from .lagom import LagomConfig
from .tf_distributed import TfDistributedConfig
from .torch_distributed import TorchDistributedConfig

__all__ = [
    "AblationConfig",
    "BaseConfig",
    "HyperparameterOptConfig",
    "LagomConfig",
    "TfDistributedConfig",
    "TorchDistributedConfig",
]
