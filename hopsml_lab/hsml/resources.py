"""hsml's ``resources``: ``Resources`` (cores, memory in MB, GPUs) and the predictor's and
transformer's ``ComponentResources`` (``num_instances``, ``requests``, ``limits``), with
hsml's names, arguments and defaults.

A local deployment runs ``num_instances`` model-server processes (``Predictor``'s
``requested_instances``; 1 when not given); ``requests`` and ``limits`` are kept and shown
but not enforced: the processes share this machine.
"""

from __future__ import annotations

import json
import warnings
from abc import ABC, abstractmethod
from typing import Any, ClassVar

from ..errors import BadInput
from .constants import RESOURCES, Default

_DEPRECATED = (
    "The 'num_instances' property is deprecated and will be removed in a future release. "
    "Use scaling configuration instead."
)


def _as_resources(value: Resources | dict | Default | None) -> Resources | None:
    if value is None or isinstance(value, Default):
        return None
    if isinstance(value, Resources):
        return value
    if isinstance(value, dict):
        return Resources(value.get("cores"), value.get("memory"), value.get("gpus"))  # type: ignore[arg-type]
    raise TypeError(f"give Resources or a dict of cores, memory and gpus, not {value!r}")


class Resources:
    """Resource configuration for a predictor or transformer: ``cores`` (CPUs), ``memory``
    (MB), ``gpus``."""

    def __init__(self, cores: int, memory: int, gpus: int, **kwargs: Any) -> None:
        self._cores = cores
        self._memory = memory
        self._gpus = gpus

    def describe(self) -> None:
        """Print a JSON description of the resource configuration."""
        print(self.json())

    def json(self) -> str:
        return json.dumps(self.to_dict(), indent=4, sort_keys=True)

    def to_dict(self) -> dict[str, Any]:
        return {"cores": self._cores, "memory": self._memory, "gpus": self._gpus}

    @property
    def cores(self) -> int:
        """Number of CPUs to be allocated per instance."""
        return self._cores

    @cores.setter
    def cores(self, cores: int) -> None:
        self._cores = cores

    @property
    def memory(self) -> int:
        """Memory resources to be allocated per instance."""
        return self._memory

    @memory.setter
    def memory(self, memory: int) -> None:
        self._memory = memory

    @property
    def gpus(self) -> int:
        """Number of GPUs to be allocated per instance."""
        return self._gpus

    @gpus.setter
    def gpus(self, gpus: int) -> None:
        self._gpus = gpus

    def __repr__(self) -> str:
        return f"Resources(cores: {self._cores!r}, memory: {self._memory!r}, gpus: {self._gpus!r})"


class ComponentResources(ABC):
    """Resource configuration for a predictor or transformer: ``num_instances``
    (deprecated in hsml for scaling configurations; the number of processes here),
    ``requests`` (minimum) and ``limits`` (maximum)."""

    RESOURCES_CONFIG_KEY: ClassVar[str]
    NUM_INSTANCES_KEY: ClassVar[str]

    def __init__(
        self,
        num_instances: int | None = None,
        requests: Resources | dict | Default | None = None,
        limits: Resources | dict | Default | None = None,
    ) -> None:
        self._num_instances = num_instances
        self._requests = _as_resources(requests) or Resources(
            RESOURCES.MIN_CORES,  # type: ignore[arg-type]
            RESOURCES.MIN_MEMORY,
            RESOURCES.GPUS,
        )
        _fill(self._requests, RESOURCES.MIN_CORES, RESOURCES.MIN_MEMORY, RESOURCES.GPUS)
        self._limits = _as_resources(limits) or Resources(
            RESOURCES.MAX_CORES, RESOURCES.MAX_MEMORY, RESOURCES.GPUS
        )
        _fill(
            self._limits,
            max(self._requests.cores, RESOURCES.MAX_CORES),
            max(self._requests.memory, RESOURCES.MAX_MEMORY),
            self._requests.gpus,
        )

    def describe(self) -> None:
        """Print a JSON description of the resource configuration."""
        print(self.json())

    def json(self) -> str:
        return json.dumps(self.to_dict(), indent=4, sort_keys=True)

    @abstractmethod
    def to_dict(self) -> dict[str, Any]: ...

    def _to_dict(self) -> dict[str, Any]:
        return {
            _camel(self.NUM_INSTANCES_KEY): self._num_instances,
            _camel(self.RESOURCES_CONFIG_KEY): {
                "requests": self._requests.to_dict(),
                "limits": self._limits.to_dict(),
            },
        }

    @property
    def num_instances(self) -> int | None:
        """Number of instances."""
        warnings.warn(_DEPRECATED, DeprecationWarning, stacklevel=2)
        return self._num_instances

    @num_instances.setter
    def num_instances(self, num_instances: int) -> None:
        warnings.warn(_DEPRECATED, DeprecationWarning, stacklevel=2)
        self._num_instances = num_instances

    @property
    def requests(self) -> Resources:
        """Minimum resources to allocate."""
        return self._requests

    @requests.setter
    def requests(self, requests: Resources) -> None:
        self._requests = requests

    @property
    def limits(self) -> Resources:
        """Maximum resources to allocate."""
        return self._limits

    @limits.setter
    def limits(self, limits: Resources) -> None:
        self._limits = limits

    def __repr__(self) -> str:
        return (
            f"ComponentResources(num_instances: {self._num_instances!r}, requests: "
            f"{self._requests is not None!r}, limits: {self._limits is not None!r})"
        )


class PredictorResources(ComponentResources):
    RESOURCES_CONFIG_KEY = "predictor_resources"
    NUM_INSTANCES_KEY = "requested_instances"

    def __init__(
        self,
        num_instances: int | None = None,
        requests: Resources | dict | None = None,
        limits: Resources | dict | None = None,
    ) -> None:
        super().__init__(num_instances, requests, limits)

    def to_dict(self) -> dict[str, Any]:
        return self._to_dict()


class TransformerResources(ComponentResources):
    RESOURCES_CONFIG_KEY = "transformer_resources"
    NUM_INSTANCES_KEY = "requested_transformer_instances"

    def __init__(
        self,
        num_instances: int | None = None,
        requests: Resources | dict | None = None,
        limits: Resources | dict | None = None,
    ) -> None:
        super().__init__(num_instances, requests, limits)

    def to_dict(self) -> dict[str, Any]:
        return self._to_dict()


def _camel(key: str) -> str:
    first, *rest = key.split("_")
    return first + "".join(part.title() for part in rest)


def _fill(resources: Resources, cores: float, memory: int, gpus: int) -> None:
    if resources.cores is None:
        resources.cores = cores  # type: ignore[assignment]
    if resources.memory is None:
        resources.memory = memory
    if resources.gpus is None:
        resources.gpus = gpus


def requested_instances(resources: ComponentResources | dict | None) -> int:
    """The processes a deployment runs for ``resources`` (a ``PredictorResources`` or a
    dict with ``num_instances``): its ``num_instances``, 1 when not given."""
    if resources is None:
        return 1
    if isinstance(resources, dict):
        count = resources.get("num_instances")
    elif isinstance(resources, ComponentResources):
        count = resources._num_instances
    else:
        raise TypeError(f"give PredictorResources or a dict, not {resources!r}")
    if count is None:
        return 1
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise BadInput(
            f"num_instances={count!r}: a local deployment runs 1 or more processes (scale "
            "to zero is not offered); give a whole number from 1"
        )
    return count
