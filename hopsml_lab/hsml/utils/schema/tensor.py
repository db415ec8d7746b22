"""One tensor of a tensor model schema."""

from __future__ import annotations

from typing import Any


class Tensor:
    """A tensor: its type and shape, and optionally its name and description."""

    def __init__(
        self,
        type: Any,
        shape: Any,
        name: Any = None,
        description: Any = None,
    ) -> None:
        self.type = str(type)
        self.shape = str(shape)
        if name is not None:
            self.name = str(name)
        if description is not None:
            self.description = str(description)
