"""maggy's ``LagomConfig``: the name, description and heartbeat every configuration has.

The heartbeat interval is kept for compatibility; trials here stream their metrics to the
driver on their own.
"""

from __future__ import annotations

from abc import ABC


class LagomConfig(ABC):  # noqa: B024 - maggy's base has no abstract method either
    """Base class of ``experiment.lagom``'s configurations."""

    def __init__(self, name: str, description: str, hb_interval: int) -> None:
        self.name = name
        self.description = description
        self.hb_interval = hb_interval
