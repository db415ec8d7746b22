"""Converting a Keras model or a TensorFlow SavedModel to TensorFlow Lite, with one of
three post-training optimizations:

- ``float16``: weights stored as float16 (about half the size), computed in float32;
- ``dynamic-int8``: weights stored as int8 (about a quarter), activations quantized on
  the fly;
- ``int8``: weights and activations int8 (full integer ops), calibrated on
  representative rows; the model's inputs and outputs stay float32, so clients send
  what they sent the original.

>>> content = convert(Path("Files"), "float16", None, Path("/tmp/scratch"))  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..deployments.loaders import keras_file, saved_model_dir, tflite_file
from .errors import ModelExportError

METHODS = ("float16", "dynamic-int8", "int8")
CALIBRATION_ROWS = 200  # representative rows an int8 conversion is calibrated on


def checked_method(method: object) -> str:
    if method not in METHODS:
        raise ModelExportError(
            f"method={method!r}: use 'float16' (about half the size), 'dynamic-int8' "
            "(about a quarter, int8 weights) or 'int8' (full integer, calibrated on "
            "training rows)"
        )
    return str(method)


def tensorflow_source(folder: Path, label: str) -> Path:
    """The Keras file or SavedModel folder in a version's files, or an error saying what
    ``optimize`` converts."""
    found = keras_file(folder) or saved_model_dir(folder)
    if found is not None:
        return found
    if tflite_file(folder) is not None:
        raise ModelExportError(
            f"{label} is a TensorFlow Lite model already: optimize the version it was "
            "converted from (its description names it)"
        )
    held = sorted(p.name for p in folder.rglob("*") if p.is_file())[:5]
    raise ModelExportError(
        f"{label} holds no Keras model (.keras / .h5) or TensorFlow SavedModel (it holds "
        f"{', '.join(held) or 'no files'}): optimize converts TensorFlow models to "
        "TensorFlow Lite"
    )


def convert(source: Path, method: str, representative: np.ndarray | None, scratch: Path) -> bytes:
    """The ``.tflite`` bytes of the Keras file or SavedModel at ``source``; a Keras
    model is exported to a SavedModel in ``scratch`` first, keeping its input names."""
    import tensorflow as tf

    saved = source if source.is_dir() else _export_keras(source, scratch / "saved_model")
    converter = tf.lite.TFLiteConverter.from_saved_model(str(saved))
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if method == "float16":
        converter.target_spec.supported_types = [tf.float16]
    elif method == "int8":
        if representative is None or len(representative) == 0:
            raise ModelExportError(
                "method='int8' calibrates on representative rows: pass "
                "representative_data=X_train (or save the model with its feature view)"
            )
        converter.representative_dataset = lambda: _rows(representative)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    try:
        with _quiet():
            return converter.convert()
    except Exception as error:  # the converter's own errors carry no common base
        raise ModelExportError(
            f"TensorFlow Lite cannot convert {source.name} with method={method!r}: "
            f"{str(error).strip().splitlines()[-1] if str(error).strip() else error!r}"
            + (" (try method='dynamic-int8', which keeps float ops)" if method == "int8" else "")
        ) from error


def single_input(shapes: list[tuple[int | None, ...]], label: str) -> int | None:
    """The width of a model's one input row (None when it is not fixed), or an error."""
    if len(shapes) != 1 or len(shapes[0]) != 2:
        raise ModelExportError(
            f"{label} takes inputs of shapes {shapes}: optimize measures models with one "
            "input of rows (batch, features)"
        )
    return shapes[0][1]


def _export_keras(path: Path, target: Path) -> Path:
    import keras
    import tensorflow as tf

    try:
        model = keras.models.load_model(path, compile=False)
    except Exception as error:
        raise ModelExportError(f"cannot load the Keras model {path.name}: {error}") from error
    signature = [tf.TensorSpec(t.shape, t.dtype, name=t.name) for t in model.inputs]
    with _quiet():
        model.export(str(target), format="tf_saved_model", verbose=False, input_signature=signature)
    return target


def _rows(data: np.ndarray) -> Iterator[list[Any]]:
    for row in data[:CALIBRATION_ROWS]:
        yield [row[np.newaxis, :]]


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """The converter prints its progress on stdout; a notebook shows the table instead."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield
