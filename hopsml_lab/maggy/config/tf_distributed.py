"""maggy's ``TfDistributedConfig``: ``experiment.lagom(train_fn, TfDistributedConfig(...))``
trains one model on several Spark tasks at once with
``tf.distribute.MultiWorkerMirroredStrategy`` (one barrier stage, ``TF_CONFIG`` set on
every task, as ``hopsml_lab.experiment.mirrored``).

Every worker calls ``train_fn`` with what it names of maggy's arguments: ``model`` (the
config's model class, wrapped so that constructing it builds the model inside the
strategy's scope), ``dataset`` (the config's list, passed through ``process_data`` on the
worker when given), ``hparams`` and ``reporter``. ``lagom`` returns maggy's
``{"test result": <the workers' metrics averaged>}``.

``mixed_precision`` is kept but, as in maggy 1.1.2's TensorFlow path, does nothing (set a
Keras mixed-precision policy in ``train_fn``); ``hb_interval`` is kept as every
configuration's (workers report to the driver on their own). The number of workers is the
Spark session's: one per executor, or per core in local mode.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .lagom import LagomConfig


class TfDistributedConfig(LagomConfig):
    def __init__(
        self,
        model: Any = None,
        dataset: list[Any] | None = None,
        process_data: Callable[..., Any] | None = None,
        mixed_precision: bool = False,
        name: str = "tfDist",
        hb_interval: int = 1,
        description: str = "",
        hparams: dict[str, Any] | None = None,
    ) -> None:
        """``model``: a ``tf.keras.Model`` subclass (the class, not an instance) or None
        to build the model in ``train_fn``; ``dataset``: a list of paths or data sets
        (e.g. ``[train_set, test_set]``); ``process_data``: a function of that list that
        returns what ``train_fn`` gets as ``dataset``; ``hparams``: a dict handed to
        ``train_fn``."""
        super().__init__(name, description, hb_interval)
        self.model = model
        self.dataset = dataset
        self.process_data = process_data
        self.mixed_precision = mixed_precision
        self.hparams = hparams if hparams else {}
