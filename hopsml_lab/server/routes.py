"""Every route the server registers: each domain's module lists its own."""

from __future__ import annotations

from . import experiments, featurestore, openapi, tensorboards, validation
from .base import Route


def all_routes() -> list[Route]:
    return [
        *experiments.ROUTES,
        *featurestore.ROUTES,
        *validation.ROUTES,
        *tensorboards.ROUTES,
        *openapi.ROUTES,
    ]
