"""maggy's median early-stopping rule (kept at maggy's module path)."""

from ..early_stopping import MedianStoppingRule

__all__ = ["MedianStoppingRule"]
