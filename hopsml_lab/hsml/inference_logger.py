"""hsml's ``InferenceLogger`` (``hsml.inference_logger.InferenceLogger``): what a
deployment logs of each inference request. Locally the model server writes JSON lines
under ``Logs/<deployment>/`` (and sends them to the Kafka topic when a broker is
configured); ``mode`` chooses what they hold: ``ALL``, ``MODEL_INPUTS`` (requests),
``PREDICTIONS`` (responses) or ``NONE``.

>>> model.deploy(inference_logger=InferenceLogger(mode="ALL"))     # doctest: +SKIP
>>> logger = {"kafka_topic": {"name": "CREATE"}, "mode": "ALL"}    # a dict needs a topic
>>> model.deploy(inference_logger=logger)                          # doctest: +SKIP
"""

from __future__ import annotations

import json
from typing import Any

from .constants import DEFAULT, INFERENCE_LOGGER, Default
from .kafka_topic import KafkaTopic

MODES = [
    INFERENCE_LOGGER.MODE_NONE,
    INFERENCE_LOGGER.MODE_ALL,
    INFERENCE_LOGGER.MODE_MODEL_INPUTS,
    INFERENCE_LOGGER.MODE_PREDICTIONS,
]


def _topic(value: Any) -> KafkaTopic | None:
    if value is None or isinstance(value, KafkaTopic):
        return value
    if isinstance(value, dict):
        return KafkaTopic.from_json(value)
    if isinstance(value, Default):
        return KafkaTopic()
    raise ValueError(f"Object of type {type(value)} cannot be converted to class {KafkaTopic}")


class InferenceLogger:
    """Configuration of an inference logger for a predictor.

    Parameters:
        kafka_topic: Kafka topic to send the inference logs to. By default, a new Kafka
            topic is configured.
        mode: Inference logging mode (``NONE``, ``ALL``, ``PREDICTIONS`` or
            ``MODEL_INPUTS``). By default, ``ALL`` inference logs are sent.
    """

    def __init__(
        self,
        kafka_topic: KafkaTopic | dict | Default | None = DEFAULT,
        mode: str | None = INFERENCE_LOGGER.MODE_ALL,
        **kwargs: Any,
    ) -> None:
        self._kafka_topic = _topic(kafka_topic)
        self._mode = self._validate_mode(mode, self._kafka_topic) or (
            INFERENCE_LOGGER.MODE_ALL
            if self._kafka_topic is not None
            else INFERENCE_LOGGER.MODE_NONE
        )

    @classmethod
    def _validate_mode(cls, mode: str | None, kafka_topic: KafkaTopic | None) -> str | None:
        if mode is not None and mode not in MODES:
            raise ValueError(
                f"Inference logging mode '{mode}' is not valid. Possible values are "
                f"'{', '.join(MODES)}'"
            )
        if kafka_topic is None and mode is not None:
            return None
        if kafka_topic is not None and mode is None:
            return INFERENCE_LOGGER.MODE_NONE
        return mode

    @classmethod
    def from_json(cls, json_decamelized: dict[str, Any]) -> InferenceLogger:
        topic = json_decamelized.get("kafka_topic_dto", json_decamelized.get("kafka_topic"))
        mode = json_decamelized.get("inference_logging", json_decamelized.get("mode"))
        return cls(kafka_topic=topic, mode=mode)

    def describe(self) -> None:
        """Print a JSON description of the inference logger."""
        print(json.dumps(self.to_dict(), indent=4))

    def json(self) -> str:
        return json.dumps(self.to_dict())

    def to_dict(self) -> dict[str, Any]:
        value: dict[str, Any] = {"inferenceLogging": self._mode}
        if self._kafka_topic is not None:
            return {**value, **self._kafka_topic.to_dict()}
        return value

    @property
    def kafka_topic(self) -> KafkaTopic | None:
        """Kafka topic to send the inference logs to."""
        return self._kafka_topic

    @kafka_topic.setter
    def kafka_topic(self, kafka_topic: KafkaTopic) -> None:
        self._kafka_topic = kafka_topic

    @property
    def mode(self) -> str:
        """Inference logging mode ("NONE", "ALL", "PREDICTIONS", or "MODEL_INPUTS")."""
        return self._mode

    @mode.setter
    def mode(self, mode: str) -> None:
        self._mode = mode

    def __repr__(self) -> str:
        return f"InferenceLogger(mode: {self._mode!r})"


def as_inference_logger(value: InferenceLogger | dict | Default | None) -> InferenceLogger | None:
    """``value`` as hsml's ``Predictor`` takes an ``inference_logger`` argument: an
    ``InferenceLogger``, a dict of its fields, ``DEFAULT`` (a new one) or None."""
    if value is None or isinstance(value, InferenceLogger):
        return value
    if isinstance(value, dict):
        return InferenceLogger.from_json(value)
    if isinstance(value, Default):
        return InferenceLogger()
    raise ValueError(f"Object of type {type(value)} cannot be converted to class {InferenceLogger}")
