"""A Keras model that is a plain stack of dense layers, run with numpy: a 8 -> 64 -> 64
-> 1 network costs about 10 us with numpy against about 500 us through a TensorFlow
graph call, whose fixed cost per call is what a batch-1 request pays.

:func:`dense_runner` reads the stack (``Dense`` layers with a known activation,
``Dropout`` and ``Activation`` layers, in one chain from one float32 input to one
output) or answers None for any other model; :func:`agrees` checks the runner against
the model's own graph on random batches, so the model server uses it only when both
give the same predictions (within float32 rounding). Any other model keeps the graph.

>>> run = dense_runner(model)                                   # doctest: +SKIP
>>> run is not None and agrees(run, graph_call, (None, 8))      # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

RTOL, ATOL = 1e-4, 1e-5  # float32: BLAS and Eigen sum in different orders
CHECK_BATCHES = (1, 7, 64)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return (0.5 * (1.0 + np.tanh(0.5 * x))).astype(x.dtype, copy=False)  # no overflow


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray] | None] = {
    "linear": None,
    "relu": lambda x: np.maximum(x, 0),
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "softmax": _softmax,
}

Step = tuple[np.ndarray, np.ndarray | None, Callable[[np.ndarray], np.ndarray] | None]


def _activation(function: Any) -> tuple[bool, Callable[[np.ndarray], np.ndarray] | None]:
    """(known, numpy function or None for the identity) of a Keras activation: only
    Keras's own functions are known, not a custom one of the same name."""
    import keras

    for name, numpy_function in ACTIVATIONS.items():
        if function is keras.activations.get(name):
            return True, numpy_function
    return False, None


def _chain(model: Any) -> list[Any] | None:
    """The model's layers, input to output, when each takes the previous one's output."""
    import keras

    if type(model) is keras.Sequential:
        return list(model.layers)
    if len(model.inputs) != 1 or len(model.outputs) != 1 or not hasattr(model, "layers"):
        return None
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    previous = model.inputs[0]
    for layer in layers:
        try:
            if layer.input is not previous:
                return None
            previous = layer.output
        except (AttributeError, ValueError):  # a layer used more than once
            return None
    return layers if previous is model.outputs[0] else None


def _steps(layers: Sequence[Any]) -> list[Step] | None:
    import keras

    steps: list[Step] = []
    for layer in layers:
        kind = type(layer)
        if kind is keras.layers.Dropout:  # the identity outside training
            continue
        if kind is keras.layers.Activation:
            known, function = _activation(layer.activation)
            if not known:
                return None
            if function is not None:
                steps.append((np.empty(0), None, function))
            continue
        if kind is not keras.layers.Dense:
            return None
        if getattr(layer, "quantization_mode", None) or getattr(layer, "compute_dtype", "") != (
            "float32"
        ):
            return None
        known, function = _activation(layer.activation)
        kernel = np.asarray(keras.ops.convert_to_numpy(layer.kernel), dtype=np.float32)
        if not known or kernel.ndim != 2:
            return None
        bias = None
        if layer.bias is not None:
            bias = np.asarray(keras.ops.convert_to_numpy(layer.bias), dtype=np.float32)
        steps.append((kernel, bias, function))
    return steps if any(kernel.size for kernel, _, _ in steps) else None


def dense_runner(model: Any) -> Callable[[np.ndarray], np.ndarray] | None:
    """``x -> model(x)`` in numpy for a plain stack of dense layers on one 2-d float32
    input; None for any other model (or one this cannot read)."""
    try:
        if len(model.inputs) != 1 or len(model.outputs) != 1:
            return None
        dtype = model.inputs[0].dtype  # a string in Keras 3, a DType in tf.keras
        if len(model.inputs[0].shape) != 2 or str(getattr(dtype, "name", dtype)) != "float32":
            return None
        layers = _chain(model)
        steps = _steps(layers) if layers is not None else None
    except Exception:  # an unusual model: keep its graph
        return None
    if steps is None:
        return None

    def run(x: np.ndarray) -> np.ndarray:
        h = np.asarray(x, dtype=np.float32)
        for kernel, bias, function in steps:
            if kernel.size:
                h = h @ kernel
                if bias is not None:
                    h += bias
            if function is not None:
                h = function(h)
        return h

    return run


def agrees(
    fast: Callable[[np.ndarray], np.ndarray],
    reference: Callable[[np.ndarray], np.ndarray],
    shape: tuple[int | None, ...],
    seed: int = 0,
) -> bool:
    """Whether ``fast`` and ``reference`` give the same float32 answers (within
    RTOL/ATOL of the answers' scale) on random batches of ``shape`` (None: the batch)."""
    rng = np.random.default_rng(seed)
    width = shape[1] if len(shape) > 1 and shape[1] is not None else 1
    for batch in CHECK_BATCHES:
        for scale in (1.0, 10.0):
            x = (rng.standard_normal((batch, width)) * scale).astype(np.float32)
            try:
                expected, got = np.asarray(reference(x)), np.asarray(fast(x))
            except Exception:  # e.g. a width the check guessed wrong: keep the graph
                return False
            if expected.shape != got.shape or expected.dtype != got.dtype:
                return False
            tolerance = ATOL * max(1.0, float(np.abs(expected).max(initial=0.0)))
            if not np.allclose(got, expected, rtol=RTOL, atol=tolerance):
                return False
    return True
