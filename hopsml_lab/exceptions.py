"""The exceptions of Hopsworks' ``hops.exceptions``, on HopsML Lab's error bases, plus
:class:`ClusterOnly`: what a ``hops`` function that needs a Hopsworks cluster (its REST
API, Kafka, Hive, secrets, TLS material) raises here, naming what to do instead.

>>> from hopsml_lab import secret
>>> secret.get_secret("token")          # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
ClusterOnly: hops' secret.get_secret() needs a Hopsworks cluster ...
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from .errors import BadInput, Failed, NotFound, Unavailable

F = TypeVar("F", bound=Callable[..., Any])


class RestAPIError(Failed):
    """An error response from a REST API call (Hopsworks' in ``hops``)."""


class UnkownSecretStorageError(BadInput):  # sic: hops' spelling
    """An unknown secrets storage was named."""


class APIKeyFileNotFound(NotFound):
    """The file with the API key is not in the local filesystem."""


class ClusterOnly(Unavailable):
    """A ``hops`` function that needs a Hopsworks cluster, which HopsML Lab does not have;
    the message names the function and what to do in HopsML Lab instead."""


def cluster_only(instead: str) -> Callable[[F], F]:
    """Make a function with hops' name and signature raise :class:`ClusterOnly`.

    ``instead`` says what to do in HopsML Lab; the function's body is never run.
    """

    def wrap(function: F) -> F:
        module = function.__module__.rsplit(".", 1)[-1]
        name = function.__qualname__.replace(".__init__", "")

        @functools.wraps(function)
        def refuse(*args: Any, **kwargs: Any) -> NoReturn:
            raise ClusterOnly(
                f"hops' {module}.{name}() needs a Hopsworks cluster, which HopsML Lab does "
                f"not have: {instead}"
            )

        return refuse  # type: ignore[return-value]

    return wrap
