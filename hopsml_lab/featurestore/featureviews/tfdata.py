"""A materialised training dataset as a ``tf.data.Dataset``: hsfs 2.x's
``td.tf_data(target_name, ...)`` and its ``TFDataEngine`` (``tf_record_dataset``,
``tf_csv_dataset``, ``get_serialized_example_schema``). hsfs 3.x and 5.x dropped them;
they are offered for notebooks written against 2.x.

The files are local paths (``td_files.local_files`` copies an HDFS project's files
first). Features are parsed by the types written (kept with the dataset), not guessed from the
first record; a missing value reads as 0, NaN or an empty string.
"""

from __future__ import annotations

from typing import Any

from ..errors import FeatureStoreException


def _kind(dtype: str) -> str:
    if dtype.startswith(("int", "uint", "Int", "UInt", "bool", "datetime64")):
        return "int"
    if dtype.startswith(("float", "Float")):
        return "float"
    return "string"


class TFDataEngine:
    """Reads the files of one split (or all) of a training dataset with ``tf.data``."""

    def __init__(
        self,
        files: list[str],
        data_format: str,
        dtypes: dict[str, str],
        target_name: str,
        feature_names: list[str] | None = None,
        var_len_features: list[str] | None = None,
        is_training: bool = True,
        cycle_length: int = 2,
        deterministic: bool = False,
    ) -> None:
        if not files:
            raise FeatureStoreException(
                "the training dataset has no files for that split: check the split name, "
                "or recreate the training dataset"
            )
        if target_name not in dtypes:
            raise FeatureStoreException(
                f"target_name {target_name!r} is not a column of the training dataset "
                f"({list(dtypes)})"
            )
        self._files = files
        self._format = data_format
        self._dtypes = dtypes
        self._target_name = target_name
        self._feature_names = feature_names or [n for n in dtypes if n != target_name]
        self._var_len = list(var_len_features or [])
        self._is_training = is_training
        self._cycle_length = cycle_length
        self._deterministic = deterministic

    def get_serialized_example_schema(self) -> dict[str, Any]:
        """The feature description ``tf.io.parse_single_example`` takes."""
        import tensorflow as tf

        types = {"int": tf.int64, "float": tf.float32, "string": tf.string}
        defaults = {"int": 0, "float": float("nan"), "string": ""}
        schema = {}
        for name, dtype in self._dtypes.items():
            kind = _kind(dtype)
            if name in self._var_len:
                schema[name] = tf.io.VarLenFeature(types[kind])
            else:
                schema[name] = tf.io.FixedLenFeature([], types[kind], default_value=defaults[kind])
        return schema

    def tf_record_dataset(
        self,
        batch_size: int | None = None,
        num_epochs: int | None = None,
        one_hot_encode_labels: bool | None = False,
        num_classes: int | None = None,
        process: bool | None = False,
        serialized_ndarray_fname: list[str] | None = None,
    ) -> Any:
        """The records parsed into dicts of tensors; with ``process=True``, ``(x, y)``
        pairs (features stacked as float32), batched and prefetched."""
        import tensorflow as tf

        if self._format not in ("tfrecord", "tfrecords"):
            raise FeatureStoreException(
                "tf_record_dataset function works only for training datasets that have "
                "tfrecord or tfrecords format"
            )
        self._check(process, batch_size, num_epochs, one_hot_encode_labels, num_classes)
        schema = self.get_serialized_example_schema()
        dataset = tf.data.Dataset.from_tensor_slices(self._files).interleave(
            tf.data.TFRecordDataset,
            cycle_length=self._cycle_length,
            num_parallel_calls=tf.data.AUTOTUNE,
            deterministic=self._deterministic,
        )
        dataset = dataset.map(
            lambda record: tf.io.parse_single_example(record, schema),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
        if not process:
            return dataset
        arrays = set(serialized_ndarray_fname or [])

        def pair(example: dict[str, Any]) -> tuple[Any, Any]:
            y = self._label(example[self._target_name], one_hot_encode_labels, num_classes)
            if len(self._feature_names) == 1:
                name = self._feature_names[0]
                value = example[name]
                if name in arrays:
                    value = tf.io.parse_tensor(value, out_type=tf.float32)
                return value, y
            return tf.stack([tf.cast(example[n], tf.float32) for n in self._feature_names]), y

        dataset = dataset.map(pair, num_parallel_calls=tf.data.AUTOTUNE)
        return self._optimize(dataset, batch_size, num_epochs)

    def tf_csv_dataset(
        self,
        batch_size: int | None = None,
        num_epochs: int | None = None,
        one_hot_encode_labels: bool | None = False,
        num_classes: int | None = None,
        process: bool | None = False,
    ) -> Any:
        """The CSV rows of the selected columns (target and features); with
        ``process=True``, ``(x, y)`` pairs, batched and prefetched."""
        import tensorflow as tf

        if self._format != "csv":
            raise FeatureStoreException(
                "tf_csv_dataset function works only for training datasets that have csv format"
            )
        self._check(process, batch_size, num_epochs, one_hot_encode_labels, num_classes)
        names = list(self._dtypes)
        wanted = [i for i, n in enumerate(names) if n in self._feature_names or n == self._target]
        defaults = {"int": tf.int64, "float": tf.float32, "string": tf.string}
        selected = [names[i] for i in wanted]
        dataset = tf.data.experimental.CsvDataset(
            self._files,
            record_defaults=[defaults[_kind(self._dtypes[names[i]])] for i in wanted],
            header=True,
            select_cols=wanted,
        )
        if not process:
            return dataset

        def pair(*values: Any) -> tuple[Any, Any]:
            row = dict(zip(selected, values, strict=True))
            y = self._label(row.pop(self._target), one_hot_encode_labels, num_classes)
            return tf.stack([tf.cast(v, tf.float32) for v in row.values()]), y

        return self._optimize(dataset.map(pair), batch_size, num_epochs)

    @property
    def _target(self) -> str:
        return self._target_name

    @staticmethod
    def _check(
        process: bool | None,
        batch_size: int | None,
        num_epochs: int | None,
        one_hot: bool | None,
        num_classes: int | None,
    ) -> None:
        if process and (batch_size is None or num_epochs is None):
            raise ValueError(
                "if process is set to True you also need to provide batch_size and num_epochs"
            )
        if one_hot and (num_classes is None or num_classes <= 1):
            raise ValueError(
                "if one_hot_encode_labels is set to True you also need to provide num_classes > 1"
            )

    @staticmethod
    def _label(value: Any, one_hot: bool | None, num_classes: int | None) -> Any:
        import tensorflow as tf

        if one_hot:
            return tf.one_hot(tf.cast(value, tf.int64), num_classes)
        return tf.cast(value, tf.float32)

    def _optimize(self, dataset: Any, batch_size: int | None, num_epochs: int | None) -> Any:
        import tensorflow as tf

        assert batch_size is not None and num_epochs is not None
        if self._is_training:
            dataset = dataset.shuffle(num_epochs * batch_size).repeat(num_epochs)
        return dataset.cache().batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)
