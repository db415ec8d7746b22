"""The constants of hsml the registry and model serving use (``MODEL.FRAMEWORK_*``,
``MODEL_REGISTRY``, ``PREDICTOR``, ``PREDICTOR_STATE``, ...)."""

from __future__ import annotations

from ..registry import FILES


class MODEL:
    FRAMEWORK_TENSORFLOW = "TENSORFLOW"
    FRAMEWORK_TORCH = "TORCH"
    FRAMEWORK_PYTHON = "PYTHON"
    FRAMEWORK_SKLEARN = "SKLEARN"
    FRAMEWORK_LLM = "LLM"


class MODEL_REGISTRY:
    MODELS_DATASET = "Models"
    MODEL_FILES_DIR_NAME = FILES
    MODEL_CACHE_DIR_DEFAULT = "/tmp/hopsworks/models"


class PREDICTOR:
    # model server
    MODEL_SERVER_PYTHON = "PYTHON"
    MODEL_SERVER_TF_SERVING = "TENSORFLOW_SERVING"
    MODEL_SERVER_VLLM = "VLLM"
    # serving tool
    SERVING_TOOL_DEFAULT = "DEFAULT"
    SERVING_TOOL_KSERVE = "KSERVE"


class PREDICTOR_STATE:
    STATUS_CREATING = "Creating"
    STATUS_CREATED = "Created"
    STATUS_STARTING = "Starting"
    STATUS_FAILED = "Failed"
    STATUS_RUNNING = "Running"
    STATUS_IDLE = "Idle"
    STATUS_UPDATING = "Updating"
    STATUS_STOPPING = "Stopping"
    STATUS_STOPPED = "Stopped"


class Default:
    """Stands for an argument left at its default where ``None`` means something else."""

    def __repr__(self) -> str:
        return "DEFAULT"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Default)

    def __hash__(self) -> int:
        return hash(Default)


DEFAULT = Default()


class RESOURCES:
    # hsml's defaults (not limits): what a deployment requests when not told
    MIN_CORES = 0.2
    MIN_MEMORY = 32
    GPUS = 0
    MAX_CORES = 2
    MAX_MEMORY = 1024


class SCALING_CONFIG:
    MIN_NUM_INSTANCES = 1
    DEFAULT_CONCURRENCY_TARGET = 100
    SCALE_METRIC_CONCURRENCY = "CONCURRENCY"
    DEFAULT_PANIC_WINDOW_PERCENTAGE = 10.0
    DEFAULT_STABLE_WINDOW_SECONDS = 60
    DEFAULT_PANIC_THRESHOLD_PERCENTAGE = 200.0
    DEFAULT_SCALE_TO_ZERO_RETENTION_SECONDS = 0


class INFERENCE_BATCHER:
    ENABLED = False


class KAFKA_TOPIC:
    NONE = "NONE"
    CREATE = "CREATE"
    NUM_REPLICAS = 1
    NUM_PARTITIONS = 1


class INFERENCE_LOGGER:
    MODE_NONE = "NONE"
    MODE_ALL = "ALL"
    MODE_MODEL_INPUTS = "MODEL_INPUTS"
    MODE_PREDICTIONS = "PREDICTIONS"


class INFERENCE_ENDPOINTS:
    API_PROTOCOL_REST = "REST"
    API_PROTOCOL_GRPC = "GRPC"


class DEPLOYABLE_COMPONENT:
    PREDICTOR = "predictor"
    TRANSFORMER = "transformer"


__all__ = [
    "DEFAULT",
    "DEPLOYABLE_COMPONENT",
    "INFERENCE_ENDPOINTS",
    "INFERENCE_LOGGER",
    "KAFKA_TOPIC",
    "MODEL",
    "MODEL_REGISTRY",
    "PREDICTOR",
    "PREDICTOR_STATE",
    "SCALING_CONFIG",
    "Default",
]
