"""Drift against a reference: the reference's profile (quantile bin edges and the share
of its values in each bin for numbers; each value's share for categories), and the
distance of the current data's distribution from it.

- ``psi``, population stability index over the reference's quantile bins:
  ``sum((q - p) * ln(q / p))``, shares under 1e-4 taken as 1e-4 (an empty bin would
  make it infinite);
- ``js``, Jensen-Shannon divergence over the same bins, base 2 (0 the same, 1 disjoint);
- ``linf``, L-infinity distance of value shares: the largest difference of one value's
  share, over the values of either side (a value missing on one side has share 0).

Bins are ``(-inf, e1], (e1, e2], ..., (ek, inf)`` with ``e1..ek`` the distinct
reference quantiles at ``1/bins ... (bins-1)/bins``; missing values are left out on both
sides. A profile is plain data (``to_dict``/``from_dict``) and can be kept instead of
the reference data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import BadInput

PSI_FLOOR = 1e-4


@dataclass
class Profile:
    """The reference distribution of one column."""

    column: str
    kind: str  # "numeric" or "categorical"
    count: int  # non-missing reference values
    edges: list[float] = field(default_factory=list)  # numeric: interior bin edges
    counts: list[Any] = field(default_factory=list)  # numeric: per bin; else [value, n]

    def shares(self) -> list[float] | dict[str, float]:
        if self.kind == "numeric":
            return [c / self.count for c in self.counts]
        return {str(v): c / self.count for v, c in self.counts}

    def to_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "kind": self.kind,
            "count": self.count,
            "edges": self.edges,
            "counts": self.counts,
        }

    @classmethod
    def from_dict(cls, value: Mapping[str, Any]) -> Profile:
        try:
            return cls(
                column=str(value["column"]),
                kind=str(value["kind"]),
                count=int(value["count"]),
                edges=[float(e) for e in value.get("edges") or []],
                counts=list(value.get("counts") or []),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise BadInput(f"not a drift profile ({error}): {dict(value)!r:.200}") from None


def edges_of(quantiles: list[Any] | None) -> list[float]:
    """The distinct, finite quantiles, in order: the interior bin edges."""
    out: list[float] = []
    for q in quantiles or []:
        if q is None:
            continue
        q = float(q)
        if math.isfinite(q) and (not out or q > out[-1]):
            out.append(q)
    return out


def quantile_probs(bins: int) -> list[float]:
    return [k / bins for k in range(1, bins)]


def distance(
    profile: Profile, current: list[int] | dict[str, int], method: str
) -> tuple[float | None, dict[str, Any]]:
    """The distance of ``current`` (per-bin counts, or value counts) from the profile,
    and details to report."""
    if profile.kind == "numeric" and method != "linf":
        assert isinstance(current, list)
        total = sum(current)
        if not total:
            return None, {"reason": "no current values"}
        p = profile.shares()
        q = [c / total for c in current]
        assert isinstance(p, list)
        if method == "psi":
            value = sum(
                (max(qi, PSI_FLOOR) - max(pi, PSI_FLOOR))
                * math.log(max(qi, PSI_FLOOR) / max(pi, PSI_FLOOR))
                for pi, qi in zip(p, q, strict=True)
            )
        else:
            value = _js(p, q)
        return value, {"edges": profile.edges, "reference": p, "current": q}
    counts = {str(k): v for k, v in dict(current).items()}
    total = sum(counts.values())
    if not total:
        return None, {"reason": "no current values"}
    p_map = profile.shares()
    assert isinstance(p_map, dict)
    q_map = {k: c / total for k, c in counts.items()}
    keys = set(p_map) | set(q_map)
    worst = max(keys, key=lambda k: (abs(p_map.get(k, 0.0) - q_map.get(k, 0.0)), k))
    value = abs(p_map.get(worst, 0.0) - q_map.get(worst, 0.0))
    return value, {
        "largest_difference": {
            "value": worst,
            "reference": p_map.get(worst, 0.0),
            "current": q_map.get(worst, 0.0),
        }
    }


def _js(p: list[float], q: list[float]) -> float:
    def kl(a: list[float], m: list[float]) -> float:
        return sum(ai * math.log2(ai / mi) for ai, mi in zip(a, m, strict=True) if ai > 0)

    m = [(a + b) / 2 for a, b in zip(p, q, strict=True)]
    return max(0.0, 0.5 * kl(p, m) + 0.5 * kl(q, m))
