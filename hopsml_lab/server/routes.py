"""Every route the server registers: each domain's module lists its own."""

from __future__ import annotations

from . import (
    deployments,
    experiments,
    featurestore,
    openapi,
    pipelines,
    registry,
    tensorboards,
    validation,
)
from .base import Route


def all_routes() -> list[Route]:
    return [
        *experiments.ROUTES,
        *featurestore.ROUTES,
        *validation.ROUTES,
        *registry.ROUTES,
        *deployments.ROUTES,
        *pipelines.ROUTES,
        *tensorboards.ROUTES,
        *openapi.ROUTES,
    ]
