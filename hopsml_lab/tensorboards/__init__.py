"""TensorBoard processes for sets of experiments, started on demand on 127.0.0.1."""

from .manager import (
    BadTensorBoardRequest,
    TensorBoard,
    TensorBoardManager,
    UnknownTensorBoardError,
    board_id,
)
from .process import TensorBoardError

__all__ = [
    "BadTensorBoardRequest",
    "TensorBoard",
    "TensorBoardError",
    "TensorBoardManager",
    "UnknownTensorBoardError",
    "board_id",
]
