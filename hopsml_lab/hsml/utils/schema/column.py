"""One column of a columnar model schema."""

from __future__ import annotations

from typing import Any


class Column:
    """A column: its type, and optionally its name and description."""

    def __init__(self, type: Any, name: Any = None, description: Any = None) -> None:
        self.type = str(type)
        if name is not None:
            self.name = str(name)
        if description is not None:
            self.description = str(description)
