"""Loading a registered model version's files into something that predicts: a Keras
model (``.keras`` / ``.h5``), a TensorFlow SavedModel or a TensorFlow Lite model
(``.tflite``, as ``model.optimize`` registers it), a scikit-learn model
(``.joblib`` / ``.pkl`` / ``.pickle``), or a Python predictor script as Hopsworks runs it
(a ``Predict`` class whose ``__init__(self)`` loads the model from ``MODEL_FILES_PATH``
and whose ``predict(self, inputs)`` answers the request's rows).

A Keras model that is a plain stack of dense layers is run with numpy when that gives
the model's own predictions on random batches (:mod:`.dense_numpy`; a batch-1 request
then costs microseconds, not a TensorFlow graph call); set ``HOPSML_KERAS_RUNNER=graph``
to always call the graph.

>>> model = load_model(Path("Models/churn/1/Files"), "PYTHON")   # doctest: +SKIP
>>> model.run({"inputs": np.zeros((1, 8))})                      # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import sys
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import BadInput
from .dense_numpy import agrees, dense_runner
from .tensors import TensorSpec

MODEL_FILES_ENV = "MODEL_FILES_PATH"  # hsml's name in a deployment's pod
ARTIFACT_FILES_ENV = "ARTIFACT_FILES_PATH"  # the name Hopsworks 3.x predictors read
SCRIPT_ENV = "SCRIPT_PATH"
WORKERS_ENV = "HOPSML_SERVER_WORKERS"  # server processes sharing the machine
KERAS_RUNNER_ENV = "HOPSML_KERAS_RUNNER"  # "graph": never numpy (default "auto")
PICKLES = (".joblib", ".pkl", ".pickle")
KERAS = (".keras", ".h5")
TFLITE = ".tflite"
log = logging.getLogger(__name__)


class ModelLoadError(BadInput):
    """The model files cannot be served as asked; the message says what to change."""


@dataclass
class ServedModel:
    """A loaded model: its inputs (None for a Python predictor, which takes whatever
    JSON it is sent), its outputs, and ``run`` from named batch arrays to named arrays
    (or, for a Python predictor, from the request's rows to its answer)."""

    platform: str
    run: Callable[[Any], Any]
    inputs: list[TensorSpec] | None
    outputs: list[TensorSpec] = field(default_factory=list)
    runner: str = ""  # how it predicts, when a model type has more than one way


def load_model(folder: Path, model_server: str, script: Path | None = None) -> ServedModel:
    """The model in ``folder``: the ``Predict`` class of ``script`` when given, else a
    TensorFlow model (``model_server="TENSORFLOW_SERVING"``) or a pickled one."""
    if not folder.is_dir():
        raise ModelLoadError(f"no model folder {folder}: download the model version first")
    if script is not None:
        return _python_predictor(folder, script)
    if model_server == "TENSORFLOW_SERVING":
        return _tensorflow(folder)
    pickles = sorted(p for p in folder.rglob("*") if p.suffix in PICKLES)
    if len(pickles) == 1:
        return _pickled(pickles[0])
    if any(find(folder) is not None for find in (keras_file, saved_model_dir, tflite_file)):
        return _tensorflow(folder)
    raise ModelLoadError(
        f"{folder} holds {len(pickles)} pickled models and no TensorFlow model: save one "
        f"model file ({', '.join((*PICKLES, *KERAS, TFLITE))} or a SavedModel), or deploy "
        "with a predictor script (script_file=...)"
    )


def _python_predictor(folder: Path, script: Path) -> ServedModel:
    os.environ[SCRIPT_ENV] = str(script)
    predict_class = _script_class(
        folder,
        script,
        "Predict",
        "__init__(self) loading the model from os.environ['MODEL_FILES_PATH'] and "
        "predict(self, inputs)",
    )
    return ServedModel("python", predict_class().predict, None)


class Transformer:
    """A deployment's transformer script (hsml's ``Transformer``): its ``Transformer``
    class's ``preprocess(self, inputs)`` gets each request's JSON body before the model
    and returns the body the model gets; ``postprocess(self, outputs)`` gets the answer's
    JSON and returns what is sent. A method the class lacks passes its value through."""

    def __init__(self, folder: Path, script: Path) -> None:
        made = _script_class(
            folder,
            script,
            "Transformer",
            "__init__(self), preprocess(self, inputs) returning the request for the model "
            "and postprocess(self, outputs) returning the answer",
            module="transformer_script",
        )()
        self.preprocess: Callable[[Any], Any] = getattr(made, "preprocess", _same)
        self.postprocess: Callable[[Any], Any] = getattr(made, "postprocess", _same)


def _same(value: Any) -> Any:
    return value


def _script_class(
    folder: Path, script: Path, name: str, hint: str, module: str = "predictor_script"
) -> Any:
    """Class ``name`` of ``script``, run with the model's folder in its environment."""
    if not script.is_file():
        raise ModelLoadError(f"no {name.lower()} script {script}")
    os.environ[MODEL_FILES_ENV] = os.environ[ARTIFACT_FILES_ENV] = str(folder)
    spec = importlib.util.spec_from_file_location(module, script)
    loaded = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[module] = loaded
    spec.loader.exec_module(loaded)  # type: ignore[union-attr]
    found = getattr(loaded, name, None)
    if found is None:
        raise ModelLoadError(f"{script.name} has no class {name}: define one with {hint}")
    return found


def _pickled(path: Path) -> ServedModel:
    import joblib

    model = joblib.load(path)
    if not hasattr(model, "predict"):
        raise ModelLoadError(f"{path.name} holds a {type(model).__name__}, which cannot predict")
    features = getattr(model, "n_features_in_", None)
    spec = TensorSpec("inputs", "float64", (None, features) if features else (None, None))
    inputs = [spec] if features else None

    def run(arrays: Any) -> Any:
        if inputs is None:  # unknown width: rows as sent
            return model.predict(np.asarray(arrays))
        return {"predictions": model.predict(arrays[spec.name])}

    return ServedModel("sklearn", run, inputs, [TensorSpec("predictions", "float64", (None,))])


def keras_file(folder: Path) -> Path | None:
    """The first Keras model file (``.keras`` / ``.h5``) under ``folder``, if any."""
    found = sorted(p for p in folder.rglob("*") if p.suffix in KERAS)
    return found[0] if found else None


def saved_model_dir(folder: Path) -> Path | None:
    """The first SavedModel folder (holding ``saved_model.pb``) under ``folder``, if any."""
    found = sorted(folder.rglob("saved_model.pb"))
    return found[0].parent if found else None


def tflite_file(folder: Path) -> Path | None:
    """The first TensorFlow Lite model (``.tflite``) under ``folder``, if any."""
    found = sorted(p for p in folder.rglob("*") if p.suffix == TFLITE)
    return found[0] if found else None


def _tensorflow(folder: Path) -> ServedModel:
    found = keras_file(folder)
    if found is not None:
        return _keras(found)
    saved = saved_model_dir(folder)
    if saved is not None:
        return _saved_model(saved)
    lite = tflite_file(folder)
    if lite is not None:
        return _tflite(lite)
    raise ModelLoadError(
        f"no TensorFlow model in {folder}: save a .keras file, a SavedModel folder or a "
        ".tflite file"
    )


def tensorflow_threads(workers: int) -> int:
    """Threads per TensorFlow op in each of ``workers`` server processes: the cores
    shared out, so that K workers do not each spin a thread per core."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def _configure_tensorflow() -> None:
    import tensorflow as tf

    threads = tensorflow_threads(int(os.environ.get(WORKERS_ENV, "1")))
    with contextlib.suppress(RuntimeError):  # already set in this process
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)


def _keras(path: Path) -> ServedModel:
    import keras
    import tensorflow as tf

    _configure_tensorflow()

    model = keras.models.load_model(path, compile=False)
    inputs = [
        TensorSpec(getattr(t, "name", f"input_{n}").split(":")[0], _dtype(t), tuple(t.shape))
        for n, t in enumerate(model.inputs)
    ]
    names = list(getattr(model, "output_names", None) or [])
    if len(names) != len(model.outputs):
        names = [f"output_{n}" for n in range(len(model.outputs))]
    outputs = [
        TensorSpec(name, _dtype(t), tuple(t.shape))
        for name, t in zip(names, model.outputs, strict=True)
    ]
    signature = [tf.TensorSpec(s.shape, s.dtype) for s in inputs]
    # One traced graph, called as a concrete function on tensors: a plain model(x) call
    # rebuilds the graph per request, and tf.function's dispatch costs ~35% more.
    graph = tf.function(
        lambda *xs: model(list(xs) if len(xs) > 1 else xs[0], training=False),
        input_signature=signature,
    ).get_concrete_function()

    def call(*arrays: np.ndarray) -> Any:
        return graph(*(tf.constant(a, dtype=s.dtype) for a, s in zip(arrays, inputs, strict=True)))

    def run(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        result = call(*(arrays[s.name] for s in inputs))
        results = result if isinstance(result, (list, tuple)) else [result]
        return {o.name: r.numpy() for o, r in zip(outputs, results, strict=True)}

    dense = dense_runner(model) if os.environ.get(KERAS_RUNNER_ENV) != "graph" else None
    if dense is not None and agrees(dense, lambda x: call(x).numpy(), inputs[0].shape):
        (output,), (source,) = outputs, inputs

        def run_dense(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
            return {output.name: dense(arrays[source.name])}

        log.info("serving %s with numpy (dense layers, checked against the graph)", path.name)
        return ServedModel("tensorflow_keras", run_dense, inputs, outputs, runner="numpy dense")
    return ServedModel("tensorflow_keras", run, inputs, outputs, runner="tensorflow graph")


def _saved_model(folder: Path) -> ServedModel:
    import tensorflow as tf

    _configure_tensorflow()

    loaded = tf.saved_model.load(str(folder))
    signature = loaded.signatures.get("serving_default")
    if signature is None:
        raise ModelLoadError(f"the SavedModel in {folder} has no serving_default signature")
    _, named = signature.structured_input_signature
    inputs = [
        TensorSpec(name, spec.dtype.name, tuple(spec.shape.as_list()))
        for name, spec in sorted(named.items())
    ]
    outputs = [
        TensorSpec(name, spec.dtype.name, tuple(spec.shape.as_list()))
        for name, spec in sorted(signature.structured_outputs.items())
    ]

    def run(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        result = signature(**{name: tf.constant(a) for name, a in arrays.items()})
        return {name: value.numpy() for name, value in result.items()}

    return ServedModel("tensorflow_savedmodel", run, inputs, outputs)


def tflite_interpreter(content: bytes, threads: int | None = None) -> Any:
    """A TensorFlow Lite interpreter over a model's bytes, its tensors allocated: LiteRT's
    (``ai_edge_litert``) when installed, else TensorFlow's (whose deprecation notice is
    not the user's concern)."""
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        import tensorflow as tf

        Interpreter = tf.lite.Interpreter
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        interpreter = Interpreter(model_content=content, num_threads=threads)
    interpreter.allocate_tensors()
    return interpreter


def _tflite_tensors(interpreter: Any) -> tuple[dict[str, dict], dict[str, dict]]:
    """(inputs, outputs) as {name: tensor details}: the serving signature's names when
    the model has one (those of the SavedModel it came from), else the tensors' own."""
    signatures = interpreter.get_signature_list()
    if signatures:
        key = "serving_default" if "serving_default" in signatures else sorted(signatures)[0]
        runner = interpreter.get_signature_runner(key)
        return runner.get_input_details(), runner.get_output_details()

    def named(details: list[dict]) -> dict[str, dict]:
        return {d["name"].removeprefix("serving_default_").split(":")[0]: d for d in details}

    return named(interpreter.get_input_details()), named(interpreter.get_output_details())


def _tflite(path: Path) -> ServedModel:
    """A ``.tflite`` model: one interpreter per thread (an interpreter is not safe to
    share), each resized to the batch it is sent."""
    content = path.read_bytes()
    threads = tensorflow_threads(int(os.environ.get(WORKERS_ENV, "1")))
    first = tflite_interpreter(content, threads)
    input_details, output_details = _tflite_tensors(first)

    def spec(name: str, details: dict) -> TensorSpec:
        shape = tuple(None if d < 0 else int(d) for d in details["shape_signature"])
        return TensorSpec(name, np.dtype(details["dtype"]).name, shape)

    inputs = [spec(n, d) for n, d in sorted(input_details.items())]
    outputs = [spec(n, d) for n, d in sorted(output_details.items())]
    local = threading.local()
    local.interpreter, local.shapes = first, {}  # the loading thread's

    def run(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        if getattr(local, "interpreter", None) is None:
            local.interpreter, local.shapes = tflite_interpreter(content, threads), {}
        interpreter, shapes = local.interpreter, local.shapes
        sized = {s.name: arrays[s.name].shape for s in inputs}
        if shapes != sized:  # a new batch size: resize, then allocate once
            for name, shape in sized.items():
                interpreter.resize_tensor_input(input_details[name]["index"], shape)
            interpreter.allocate_tensors()
            local.shapes = sized
        for s in inputs:
            interpreter.set_tensor(input_details[s.name]["index"], arrays[s.name])
        interpreter.invoke()
        return {s.name: interpreter.get_tensor(output_details[s.name]["index"]) for s in outputs}

    return ServedModel("tensorflow_lite", run, inputs, outputs)


def _dtype(tensor: Any) -> str:
    """The numpy name of a Keras tensor's type (a string in Keras 3, a DType in tf.keras)."""
    return str(getattr(tensor.dtype, "name", tensor.dtype))
