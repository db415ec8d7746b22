"""hsml's ``scaling_config``: ``PredictorScalingConfig`` and ``TransformerScalingConfig``
(``min_instances``, ``max_instances``, the scale metric and its target, the autoscaler's
windows), ``ScaleMetric``, ``Autoscaler`` and ``LogPersistence``, with hsml 5.2.1's names,
arguments and defaults.

A local deployment runs ``min_instances`` model-server processes on one port (what
``resources.num_instances`` did before hsml deprecated it; an explicit scaling
configuration wins over it, as in hsml). It does not autoscale: the processes share this
machine, so a ``max_instances`` above the minimum is kept (and warned about) and the
metric, target and windows are kept and shown but not acted upon; a minimum of 0 (scale
to zero) is refused, as hsml refuses it for deployments not on KServe.

>>> config = PredictorScalingConfig(min_instances=2)                    # doctest: +SKIP
>>> model.deploy(scaling_configuration=config)   # two server processes  # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
import warnings
from enum import Enum
from typing import Any, ClassVar

from ..errors import BadInput
from .constants import PREDICTOR, SCALING_CONFIG, Default


class _Named(Enum):
    @classmethod
    def _has_value(cls, value: Any) -> bool:
        return value in cls._value2member_map_

    def __str__(self) -> str:
        return self.value


class ScaleMetric(_Named):
    """The metric an autoscaler follows."""

    CONCURRENCY = "CONCURRENCY"
    RPS = "RPS"
    CPU = "CPU"
    MEMORY = "MEMORY"
    QUEUE_DEPTH = "QUEUE_DEPTH"
    KV_CACHE_USAGE = "KV_CACHE_USAGE"
    RUNNING_REQUESTS = "RUNNING_REQUESTS"
    QUEUE_TIME = "QUEUE_TIME"
    TIME_TO_FIRST_TOKEN = "TIME_TO_FIRST_TOKEN"
    REQUEST_LATENCY = "REQUEST_LATENCY"


class Autoscaler(_Named):
    """Which autoscaler runs the metric in KServe Standard mode."""

    HPA = "HPA"
    KEDA = "KEDA"


class LogPersistence(_Named):
    """Whether instances upload their logs when they stop."""

    NONE = "NONE"
    ALL_REPLICAS = "ALL_REPLICAS"


def _coerce(kind: type[_Named], value: Any, what: str) -> Any:
    """``value`` as a member of ``kind`` (its name in any case), None for None/DEFAULT."""
    if value is None or isinstance(value, Default):
        return None
    if isinstance(value, kind):
        return value
    if isinstance(value, str):
        if not kind._has_value(value.upper()):
            raise ValueError(f"Invalid {what}: {value}. Must be one of {[e.value for e in kind]}")
        return kind(value.upper())
    raise ValueError(f"{what} must be a string or {kind.__name__}, got {type(value)}")


def _coerce_additional(items: list[Any] | None) -> list[dict[str, Any]] | None:
    """Additional metrics as ``{"scale_metric", "target"}`` dicts (from such dicts,
    ``(metric, target)`` pairs or bare metrics)."""
    if items is None:
        return None
    coerced = []
    for item in items:
        if isinstance(item, dict):
            metric, target = item.get("scale_metric"), item.get("target")
        elif isinstance(item, tuple | list) and len(item) == 2:
            metric, target = item
        else:
            metric, target = item, None
        if metric is None:
            raise ValueError("every additional scale metric must name a scale_metric")
        coerced.append(
            {"scale_metric": _coerce(ScaleMetric, metric, "scale_metric"), "target": target}
        )
    return coerced


_FIELDS = (
    "min_instances", "max_instances", "scale_metric", "target", "panic_window_percentage",
    "panic_threshold_percentage", "stable_window_seconds", "scale_to_zero_retention_seconds",
    "log_persistence", "autoscaler", "scale_down_stabilization_window_seconds",
    "scale_up_stabilization_window_seconds", "additional_scale_metrics", "idle_scale_to_zero",
    "idle_cooldown_seconds", "cold_start_timeout_seconds",
)  # fmt: skip
_COERCE = {
    "scale_metric": lambda v: _coerce(ScaleMetric, v, "scale_metric"),
    "log_persistence": lambda v: _coerce(LogPersistence, v, "log_persistence"),
    "autoscaler": lambda v: _coerce(Autoscaler, v, "autoscaler"),
    "additional_scale_metrics": _coerce_additional,
}


def _setting(name: str, doc: str) -> property:
    coerce = _COERCE.get(name, lambda value: value)

    def get(self: ComponentScalingConfig) -> Any:
        return getattr(self, f"_{name}")

    def put(self: ComponentScalingConfig, value: Any) -> None:
        setattr(self, f"_{name}", coerce(value))

    return property(get, put, doc=doc)


def _snake(key: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()


def _camel(key: str) -> str:
    first, *rest = key.split("_")
    return first + "".join(part.title() for part in rest)


class ComponentScalingConfig:
    """Scaling configuration for a predictor or transformer (see the module's note on
    what a local deployment does with it)."""

    SCALING_CONFIG_KEY: ClassVar[str] = ""

    def __init__(
        self,
        min_instances: int,
        max_instances: int | None = None,
        scale_metric: ScaleMetric | str | Default | None = None,
        target: int | None = None,
        panic_window_percentage: float | None = None,
        panic_threshold_percentage: float | None = None,
        stable_window_seconds: int | None = None,
        scale_to_zero_retention_seconds: int | None = None,
        log_persistence: LogPersistence | str | Default | None = None,
        autoscaler: Autoscaler | str | None = None,
        scale_down_stabilization_window_seconds: int | None = None,
        scale_up_stabilization_window_seconds: int | None = None,
        additional_scale_metrics: list[dict | tuple | ScaleMetric | str] | None = None,
        idle_scale_to_zero: bool | None = None,
        idle_cooldown_seconds: int | None = None,
        cold_start_timeout_seconds: int | None = None,
        **kwargs: Any,
    ) -> None:
        given = dict(locals())
        for name in _FIELDS:
            setattr(self, f"_{name}", _COERCE.get(name, lambda value: value)(given[name]))
        if idle_scale_to_zero is True and (min_instances is None or min_instances > 0):
            self._min_instances = 0  # scale to zero when idle is a minimum of 0

    min_instances = _setting("min_instances", "Minimum number of instances (processes here).")
    max_instances = _setting("max_instances", "Maximum number of instances (kept, not used).")
    scale_metric = _setting("scale_metric", "Metric to use for scaling.")
    target = _setting("target", "Target value for the selected scaling metric.")
    panic_window_percentage = _setting("panic_window_percentage", "Panic window, % of stable.")
    panic_threshold_percentage = _setting("panic_threshold_percentage", "Panic threshold %.")
    stable_window_seconds = _setting("stable_window_seconds", "Metric averaging interval.")
    scale_to_zero_retention_seconds = _setting(
        "scale_to_zero_retention_seconds", "Time to keep the last instance before zero."
    )
    log_persistence = _setting("log_persistence", "'ALL_REPLICAS' or 'NONE'.")
    autoscaler = _setting("autoscaler", "HPA or KEDA (KServe Standard mode).")
    scale_down_stabilization_window_seconds = _setting(
        "scale_down_stabilization_window_seconds", "KEDA only: seconds below target."
    )
    scale_up_stabilization_window_seconds = _setting(
        "scale_up_stabilization_window_seconds", "KEDA only: seconds above target."
    )
    additional_scale_metrics = _setting("additional_scale_metrics", "KEDA only: more metrics.")
    idle_scale_to_zero = _setting("idle_scale_to_zero", "The same as min_instances=0.")
    idle_cooldown_seconds = _setting("idle_cooldown_seconds", "Idle seconds before zero.")
    cold_start_timeout_seconds = _setting("cold_start_timeout_seconds", "Wake-up timeout.")

    def describe(self) -> None:
        """Print a JSON description of the scaling configuration."""
        print(json.dumps(self.to_dict(), indent=4, sort_keys=True))

    @classmethod
    def from_response_json(cls, json_dict: dict[str, Any]) -> ComponentScalingConfig:
        return cls.from_json(_decamelize(json_dict))

    @staticmethod
    def get_default_scaling_configuration(
        serving_tool: str,
        min_instances: int | None,
        component_type: str = "predictor",
        effective_knative_mode: bool = True,
        enforce_scale_to_zero: bool = True,
    ) -> ComponentScalingConfig:
        """The default scaling configuration for ``serving_tool`` and ``min_instances``
        (None: 1; this machine never requires scale to zero)."""
        knative = serving_tool == PREDICTOR.SERVING_TOOL_KSERVE and effective_knative_mode
        if min_instances is None:
            min_instances = SCALING_CONFIG.MIN_NUM_INSTANCES
        if serving_tool != PREDICTOR.SERVING_TOOL_KSERVE and min_instances == 0:
            raise ValueError(
                "Minimum number of instances cannot be 0 for deployments not using KServe. "
                "Please, set the minimum number of instances to at least 1."
            )
        kwargs: dict[str, Any] = {"min_instances": min_instances}
        if knative:
            kwargs.update(
                scale_metric=SCALING_CONFIG.SCALE_METRIC_CONCURRENCY,
                target=SCALING_CONFIG.DEFAULT_CONCURRENCY_TARGET,
                panic_threshold_percentage=SCALING_CONFIG.DEFAULT_PANIC_THRESHOLD_PERCENTAGE,
                panic_window_percentage=SCALING_CONFIG.DEFAULT_PANIC_WINDOW_PERCENTAGE,
                stable_window_seconds=SCALING_CONFIG.DEFAULT_STABLE_WINDOW_SECONDS,
                scale_to_zero_retention_seconds=(
                    SCALING_CONFIG.DEFAULT_SCALE_TO_ZERO_RETENTION_SECONDS
                ),
            )
        if component_type == "predictor":
            return PredictorScalingConfig(**kwargs)
        return TransformerScalingConfig(**kwargs)

    @classmethod
    def extract_fields_from_json(cls, json_decamelized: dict[str, Any]) -> dict[str, Any]:
        fields = json_decamelized
        if cls.SCALING_CONFIG_KEY and cls.SCALING_CONFIG_KEY in fields:
            fields = fields[cls.SCALING_CONFIG_KEY]
        elif "scaling_configuration" in fields:
            fields = fields["scaling_configuration"]
        if fields.get("min_instances") is None:
            where = f"'{cls.SCALING_CONFIG_KEY}' or " if cls.SCALING_CONFIG_KEY else ""
            raise ValueError(
                "Invalid scaling configuration JSON: missing 'min_instances' under "
                f"{where}'scaling_configuration'."
            )
        return {name: fields.get(name) for name in _FIELDS}

    def update_from_response_json(self, json_dict: dict[str, Any]) -> ComponentScalingConfig:
        self.__init__(**self.extract_fields_from_json(_decamelize(json_dict)))  # type: ignore[misc]
        return self

    def to_json(self) -> dict[str, Any]:
        """The set fields, snake_case, enums as their names."""
        out: dict[str, Any] = {}
        for name in _FIELDS:
            value = getattr(self, f"_{name}")
            if name != "min_instances" and value in (None, []):
                continue
            if isinstance(value, Enum):
                value = str(value)
            if name == "additional_scale_metrics":
                value = [
                    {"scale_metric": str(m["scale_metric"]), "target": m["target"]} for m in value
                ]
            out[name] = value
        return out

    def to_dict(self) -> dict[str, Any]:
        return {_camel(self.SCALING_CONFIG_KEY): {_camel(k): v for k, v in self.to_json().items()}}

    @classmethod
    def from_json(cls, json_decamelized: dict[str, Any]) -> ComponentScalingConfig:
        return cls(**cls.extract_fields_from_json(json_decamelized))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}: {getattr(self, f'_{name}')!r}" for name in _FIELDS)
        return f"ComponentScalingConfig({fields})"


class PredictorScalingConfig(ComponentScalingConfig):
    """Scaling configuration for a predictor."""

    SCALING_CONFIG_KEY = "predictor_scaling_config"

    def __init__(self, **kwargs: Any) -> None:
        min_instances = kwargs.pop("min_instances", None)
        if min_instances is None:
            raise ValueError("min_instances is a required field")
        super().__init__(min_instances=min_instances, **kwargs)

    def __repr__(self) -> str:
        return f"PredictorScalingConfig({super().__repr__()})"


class TransformerScalingConfig(ComponentScalingConfig):
    """Scaling configuration for a transformer."""

    SCALING_CONFIG_KEY = "transformer_scaling_config"

    def __init__(self, **kwargs: Any) -> None:
        min_instances = kwargs.pop("min_instances", None)
        if min_instances is None:
            raise ValueError("min_instances is a required field")
        super().__init__(min_instances=min_instances, **kwargs)

    def __repr__(self) -> str:
        return f"TransformerScalingConfig({super().__repr__()})"


def _decamelize(value: Any) -> Any:
    if isinstance(value, dict):
        return {_snake(k): _decamelize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decamelize(v) for v in value]
    return value


def as_scaling_config(value: Any) -> PredictorScalingConfig | None:
    """``value`` as hsml takes it: a ``PredictorScalingConfig``, or a dict of its fields
    (snake_case, ``min_instances`` required); None for None or DEFAULT."""
    if value is None or isinstance(value, Default):
        return None
    if isinstance(value, ComponentScalingConfig):
        return value  # type: ignore[return-value]
    if isinstance(value, dict):
        return PredictorScalingConfig.from_json(value)  # type: ignore[return-value]
    raise ValueError(
        f"Object of type {type(value)} cannot be converted to class PredictorScalingConfig"
    )


def instances_of(value: PredictorScalingConfig | dict | None) -> int | None:
    """The processes a local deployment runs for ``value`` (a ``PredictorScalingConfig``
    or its dict): its ``min_instances``; None when there is no configuration."""
    config = as_scaling_config(value)
    if config is None:
        return None
    count = config.min_instances
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise BadInput(
            f"min_instances={count!r}: a local deployment runs 1 or more processes (scale to "
            "zero is not offered: nothing here wakes a process on a request); give 1 or more"
        )
    if config.max_instances is not None and config.max_instances < count:
        raise BadInput(
            f"max_instances={config.max_instances!r} is below min_instances={count}: give a "
            "maximum of at least the minimum"
        )
    if config.max_instances is not None and config.max_instances > count:
        warnings.warn(
            f"local deployments do not autoscale: {count} processes run (min_instances), "
            f"not up to max_instances={config.max_instances}",
            UserWarning,
            stacklevel=3,
        )
    return count
