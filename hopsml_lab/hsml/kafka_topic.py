"""hsml's ``KafkaTopic`` (``hsml.kafka_topic.KafkaTopic``): the topic a deployment's
inference logger sends to. Locally it names the topic; the model server sends there
when a broker is configured (``HOPSML_KAFKA_BOOTSTRAP``, with kafka-python installed),
and always writes the log files under ``Logs/<deployment>/``.

>>> KafkaTopic("churn_inference_logs", num_replicas=1, num_partitions=1)   # doctest: +SKIP
"""

from __future__ import annotations

import json
from typing import Any

from .constants import KAFKA_TOPIC


class KafkaTopic:
    """Configuration for a Kafka topic."""

    def __init__(
        self,
        name: str | None = KAFKA_TOPIC.CREATE,
        num_of_replicas: int | None = None,
        num_of_partitions: int | None = None,
        schema_name: Any = None,
        schema_version: Any = None,
        schema_content: Any = None,
        shared: Any = None,
        accepted: Any = None,
        type: Any = None,
        href: Any = None,
        expand: Any = None,
        items: Any = None,
        count: Any = None,
        num_replicas: int | None = None,
        num_partitions: int | None = None,
        **kwargs: Any,
    ) -> None:
        self._name = name
        self._num_of_replicas, self._num_of_partitions = self._validate_topic_config(
            name, num_of_replicas or num_replicas, num_of_partitions or num_partitions
        )
        self._schema_name = schema_name
        self._schema_version = schema_version
        self._schema_content = schema_content
        self._shared = shared
        self._accepted = accepted

    @classmethod
    def _validate_topic_config(
        cls, name: str | None, num_replicas: int | None, num_partitions: int | None
    ) -> tuple[int | None, int | None]:
        if name is None or name == KAFKA_TOPIC.NONE:
            return None, None
        if name == KAFKA_TOPIC.CREATE:  # hsml says which defaults it takes
            if num_replicas is None:
                print(f"Setting number of replicas to default value '{KAFKA_TOPIC.NUM_REPLICAS}'")
                num_replicas = KAFKA_TOPIC.NUM_REPLICAS
            if num_partitions is None:
                print(
                    f"Setting number of partitions to default value '{KAFKA_TOPIC.NUM_PARTITIONS}'"
                )
                num_partitions = KAFKA_TOPIC.NUM_PARTITIONS
        return num_replicas, num_partitions

    @classmethod
    def from_json(cls, json_decamelized: dict[str, Any]) -> KafkaTopic:
        value = dict(json_decamelized)
        return cls(
            name=value.pop("name"),
            num_replicas=value.get("num_of_replicas", value.get("num_replicas")),
            num_partitions=value.get("num_of_partitions", value.get("num_partitions")),
        )

    def describe(self) -> None:
        """Print a JSON description of the Kafka topic."""
        print(json.dumps(self.to_dict(), indent=4))

    def json(self) -> str:
        return json.dumps(self.to_dict())

    def to_dict(self) -> dict[str, Any]:
        return {
            "kafkaTopicDTO": {
                "name": self._name,
                "numOfReplicas": self._num_of_replicas,
                "numOfPartitions": self._num_of_partitions,
            }
        }

    @property
    def name(self) -> str | None:
        """Name of the Kafka topic."""
        return self._name

    @name.setter
    def name(self, name: str) -> None:
        self._name = name

    @property
    def replicas(self) -> int | None:
        """Number of replicas of the Kafka topic."""
        return self._num_of_replicas

    @property
    def num_replicas(self) -> int | None:
        """Number of replicas of the Kafka topic."""
        return self._num_of_replicas

    @num_replicas.setter
    def num_replicas(self, num_replicas: int) -> None:
        self._num_of_replicas = num_replicas

    @property
    def partitions(self) -> int | None:
        """Number of partitions of the Kafka topic."""
        return self._num_of_partitions

    @property
    def num_partitions(self) -> int | None:
        """Number of partitions of the Kafka topic."""
        return self._num_of_partitions

    def __str__(self) -> str:
        return self.json()

    def __repr__(self) -> str:
        return f"KafkaTopic({self._name!r})"
