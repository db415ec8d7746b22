"""maggy's constants: what a training function may return, and which numbers count."""

from __future__ import annotations

import numpy as np


class USER_FCT:
    """Training-function return types (a number, or a dict holding the metric)."""

    RETURN_TYPES = (float, int, np.number, dict)
    NUMERIC_TYPES = (float, int, np.number)
