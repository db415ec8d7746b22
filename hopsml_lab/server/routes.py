"""Every route the server registers: each domain's module lists its own."""

from __future__ import annotations

from . import experiments, openapi, tensorboards
from .base import Route


def all_routes() -> list[Route]:
    return [*experiments.ROUTES, *tensorboards.ROUTES, *openapi.ROUTES]
