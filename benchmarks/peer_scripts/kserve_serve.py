"""KServe's Python model server on a Keras model, run in the kserve peer's venv:
``python kserve_serve.py MODEL.keras NAME PORT WORKERS``. Its predict calls the model
the same way HopsML Lab's server does (one traced tf.function per signature), so the
two differ only in the serving stack."""

from __future__ import annotations

import contextlib
import os
import sys

import numpy as np

# Workers are spawned and import this file again: they read the arguments from the
# environment, since kserve parses (and here loses) the command line on import.
if len(sys.argv) == 5:
    os.environ["KSERVE_BENCH_ARGS"] = " ".join(sys.argv[1:])
path, name, port_text, workers_text = os.environ["KSERVE_BENCH_ARGS"].split(" ")
port, workers = int(port_text), int(workers_text)
sys.argv = sys.argv[:1]

import keras  # noqa: E402
import kserve  # noqa: E402
import tensorflow as tf  # noqa: E402


class KerasModel(kserve.Model):
    def __init__(self) -> None:
        super().__init__(name)
        self.load()

    def __getstate__(self) -> dict:  # KServe pickles the model into each worker
        return {k: v for k, v in self.__dict__.items() if k != "call"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.load()

    def load(self) -> bool:
        # The same threads per op as HopsML Lab's server gives each of its workers.
        threads = max(1, (os.cpu_count() or 1) // workers)
        with contextlib.suppress(RuntimeError):
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
        model = keras.models.load_model(path, compile=False)
        spec = tf.TensorSpec(tuple(model.inputs[0].shape), "float32")
        self.call = tf.function(lambda x: model(x, training=False), input_signature=[spec])
        self.ready = True
        return True

    def predict(self, payload: dict, headers: dict | None = None) -> dict:
        x = np.asarray(payload["instances"], dtype="float32")
        return {"predictions": self.call(x).numpy().tolist()}


if __name__ == "__main__":
    kserve.ModelServer(
        http_port=port, workers=workers, enable_grpc=False, enable_latency_logging=False
    ).start([KerasModel()])
