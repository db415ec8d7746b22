"""Finding the function a ``%%experiment`` cell defines."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from ..errors import BadInput


class CellFunctionError(BadInput):
    """The cell does not define exactly the function the magic needs."""


def define_cell_function(cell: str, namespace: dict[str, Any]) -> Callable[..., Any]:
    """Run the cell in the notebook's namespace and return the function it defines.

    The cell may hold imports and helpers too; the last top-level ``def`` is the one
    to run. Nothing runs when the cell is not valid Python.
    """
    try:
        tree = ast.parse(cell)
    except SyntaxError as error:
        raise CellFunctionError(f"the cell is not valid Python: {error}") from error
    names = [
        node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    if not names:
        raise CellFunctionError(
            "the cell defines no function: write 'def train(...):' and return the metrics"
        )
    exec(compile(tree, "<experiment cell>", "exec"), namespace)
    return namespace[names[-1]]
