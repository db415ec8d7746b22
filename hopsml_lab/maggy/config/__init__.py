"""maggy's experiment configurations (``from maggy.config import HyperparameterOptConfig``).

:class:`HyperparameterOptConfig` drives ``experiment.lagom``'s asynchronous search here
(random, grid, ASHA, GP and TPE, with the Hyperband pruner); :class:`AblationConfig` runs
leave-one-component-out ablation studies over a training dataset's features and a Keras
model's layers; :class:`BaseConfig` runs ``train_fn`` once as a one-trial experiment;
:class:`TfDistributedConfig` trains one Keras model on several Spark tasks with
MultiWorkerMirroredStrategy; :class:`TorchDistributedConfig` trains one PyTorch module on
several Spark tasks with DistributedDataParallel (PyTorch installed: constructing it without
raises, naming what to install).
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
