"""Hopsworks' ``hops.kafka`` (the project's Kafka brokers, TLS settings and Avro schemas),
kept by name and signature: HopsML Lab runs no Kafka, so each function raises
:class:`~hopsml_lab.exceptions.ClusterOnly`, saying to configure a Kafka client yourself.
"""

from __future__ import annotations

from typing import Any

from .exceptions import cluster_only

_INSTEAD = (
    "HopsML Lab runs no Kafka; give your Kafka client (kafka-python, confluent-kafka) "
    "your brokers and settings directly"
)


@cluster_only(_INSTEAD)
def get_broker_endpoints() -> str: ...


@cluster_only(_INSTEAD)
def get_security_protocol() -> str: ...


@cluster_only(_INSTEAD)
def get_broker_endpoints_list() -> list[str]: ...


@cluster_only(_INSTEAD)
def get_kafka_default_config() -> dict[str, Any]: ...


@cluster_only(_INSTEAD + "; keep the topic's Avro schema with your code")
def get_schema(topic: str) -> str: ...


@cluster_only("decode messages with the avro or fastavro library directly")
def parse_avro_msg(msg: bytes, avro_schema: Any) -> Any: ...


@cluster_only("write the Avro schema with the avro or fastavro library directly")
def convert_json_schema_to_avro(json_schema: Any) -> Any: ...


class KafkaTopicDTO:
    @cluster_only(_INSTEAD)
    def __init__(self, kafka_topic_dto_json: Any) -> None: ...
