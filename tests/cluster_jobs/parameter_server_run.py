"""Run in its own process on the standalone cluster: experiment.parameter_server with a
chief, a worker and a parameter server (Keras 2 model.fit under ParameterServerStrategy).
Prints, as JSON, what the chief returned."""

from __future__ import annotations

import json


def train() -> dict:
    import json
    import os

    import numpy as np
    import tensorflow as tf

    resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
    strategy = tf.distribute.ParameterServerStrategy(resolver)
    with strategy.scope():
        model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(1)])
        model.compile(optimizer=tf.keras.optimizers.SGD(0.05), loss="mse")

    def dataset(_context: object) -> tf.data.Dataset:
        x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
        pairs = tf.data.Dataset.from_tensor_slices((x, x.sum(axis=1, keepdims=True)))
        return pairs.repeat().batch(8)

    history = model.fit(
        tf.keras.utils.experimental.DatasetCreator(dataset),
        epochs=3,
        steps_per_epoch=10,
        verbose=0,
    )
    cluster = json.loads(os.environ["TF_CONFIG"])["cluster"]
    return {
        "loss": float(history.history["loss"][-1]),
        "first_loss": float(history.history["loss"][0]),
        "jobs": {job: len(tasks) for job, tasks in cluster.items()},
    }


def main() -> None:
    from hopsml_lab import experiment

    _logdir, chief = experiment.parameter_server(train, name="ps", workers=3, ps=1)
    print(json.dumps(chief))


if __name__ == "__main__":
    main()
