"""An ablation trial's data: a materialised training dataset's files read as
``tf.data`` with the label split off and, where the trial asks, one feature left out.

The description travels to the Spark executors (it is small and picklable); the files are
read there through the project's store, as every trial reads its data.

>>> source = TrainingDataSource("titanic", 1, "Datasets/titanic_1", "parquet",
...     ("titanic",), {"age": "float64", "fare": "float64", "survived": "int64"}, "survived")
>>> source.features
['age', 'fare']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import BadInput
from ..featurestore.featureviews.td_files import local_files, normal_format, read_folder
from ..featurestore.featureviews.tfdata import TFDataEngine


class UnknownFeature(BadInput):
    """A feature asked to be ablated is not in the training dataset."""


@dataclass(frozen=True)
class TrainingDataSource:
    """Where a training dataset version's files are and what their columns are."""

    name: str
    version: int
    location: str  # project-relative folder of the files
    data_format: str
    folders: tuple[str, ...]  # one per split, or the dataset's own name without splits
    dtypes: dict[str, str] = field(hash=False)
    label: str
    # columns the files hold that a model does not see (a feature view's primary keys,
    # event time and training helpers)
    not_features: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.label not in self.dtypes:
            raise BadInput(
                f"label_name {self.label!r} is not a column of training dataset "
                f"{self.name!r} version {self.version} (columns: {', '.join(self.dtypes)}): "
                "give the label column's name"
            )

    @property
    def features(self) -> list[str]:
        """The columns a model sees: all but the label (and ``not_features``), in the
        order written."""
        return [n for n in self.dtypes if n != self.label and n not in self.not_features]

    def check_features(self, names: Sequence[str]) -> None:
        """Every name must be a feature (the label cannot be left out)."""
        unknown = sorted(n for n in names if n not in self.features)
        if unknown:
            raise UnknownFeature(
                f"feature(s) {', '.join(map(repr, unknown))} of the ablation study are not "
                f"features of training dataset {self.name!r} version {self.version}; its "
                f"features are {', '.join(self.features)} (label {self.label!r}): "
                "include only those"
            )

    def tf_dataset(self, num_epochs: int, batch_size: int, without: str | None = None) -> Any:
        """``(x, y)`` batches: ``x`` the features but ``without`` stacked as float32,
        ``y`` the label; shuffled and repeated ``num_epochs`` times, as maggy's
        ``tf_record_dataset(batch_size, num_epochs, process=True)``."""
        if without is not None:
            self.check_features([without])
        features = [n for n in self.features if n != without]
        fmt = normal_format(self.data_format)
        if fmt in ("tfrecord", "csv"):
            pattern = "*.tfrecord*" if fmt == "tfrecord" else "*.csv"
            engine = TFDataEngine(
                local_files(_store(), self.location, list(self.folders), pattern),
                fmt,
                self.dtypes,
                self.label,
                feature_names=features,
            )
            read = engine.tf_record_dataset if fmt == "tfrecord" else engine.tf_csv_dataset
            return read(batch_size=batch_size, num_epochs=num_epochs, process=True)
        return self._from_frame(features, num_epochs, batch_size)

    def _from_frame(self, features: list[str], num_epochs: int, batch_size: int) -> Any:
        """Parquet and TSV files: read whole (training data that fits a trial), then the
        same pipeline as the TFRecord reader."""
        import pandas as pd
        import tensorflow as tf

        store = _store()
        frames = [
            read_folder(store, f"{self.location}/{folder}", self.data_format, self.dtypes)
            for folder in self.folders
        ]
        frame = pd.concat(frames, ignore_index=True)
        x = frame[features].to_numpy(dtype="float32")
        y = frame[self.label].to_numpy(dtype="float32")
        dataset = tf.data.Dataset.from_tensor_slices((x, y))
        dataset = dataset.shuffle(num_epochs * batch_size).repeat(num_epochs)
        return dataset.cache().batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


def _store() -> Any:
    """The project's store: the running trial's on an executor, else the Lab's."""
    from ..engine.context import current_trial

    trial = current_trial()
    if trial is not None:
        return trial.store
    from ..lab import get_lab

    return get_lab().store


@dataclass(frozen=True)
class AblatedDataset:
    """maggy's ``dataset_function(num_epochs, batch_size)`` for one trial."""

    source: TrainingDataSource
    ablated_feature: str | None = None

    def __call__(self, num_epochs: int, batch_size: int) -> Any:
        return self.source.tf_dataset(num_epochs, batch_size, without=self.ablated_feature)
