"""Generated data with known planted defects, shared by the validation tests: each
rule's failing rows are exactly the ``row`` numbers planted for it."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

N = 3000

PLANTED = {
    "age_null": [3, 17, 2999],
    "age_range": [10, 11, 250, 2500],  # 150 or -5: outside [0, 120]
    "age_edge": [40],  # exactly 120: passes between(0, 120), fails with strict_max
    "country_null": [5, 6],  # missing: not judged by in_set
    "country_bad": [20, 700, 1400],  # "XX"
    "email_bad": [33, 1999],  # no "@"
    "id_dup": [100, 101],  # id set to 7, so rows 7, 100, 101 repeat
    "signup_late": [44, 45],  # 2031: after 2025-12-31
}
DUP_ROWS = sorted([7, *PLANTED["id_dup"]])


def frame(n: int = N, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "row": np.arange(n, dtype="int64"),
            "id": np.arange(n, dtype="int64"),
            "age": rng.integers(0, 100, n).astype("float64"),
            "country": rng.choice(["SE", "NO", "DK"], n).astype(object),
            "email": [f"user{i}@example.com" for i in range(n)],
            "score": rng.normal(50.0, 10.0, n),
            "churned": (rng.random(n) < 0.3).astype("int64"),
            "signup": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.integers(0, 700, n), unit="D"),
        }
    )
    df.loc[PLANTED["age_null"], "age"] = np.nan
    df.loc[PLANTED["age_range"], "age"] = [150.0, 150.0, -5.0, 1000.0]
    df.loc[PLANTED["age_edge"], "age"] = 120.0
    df.loc[PLANTED["country_null"], "country"] = None
    df.loc[PLANTED["country_bad"], "country"] = "XX"
    df.loc[PLANTED["email_bad"], "email"] = "nobody.example.com"
    df.loc[PLANTED["id_dup"], "id"] = 7
    df.loc[PLANTED["signup_late"], "signup"] = pd.Timestamp(dt.datetime(2031, 5, 1))
    return df


def drifted(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its score shifted by one standard deviation and most of Denmark
    moved to Sweden."""
    out = df.copy()
    out["score"] = out["score"] + 10.0
    dk = out.index[out["country"] == "DK"]
    out.loc[dk[: int(len(dk) * 0.8)], "country"] = "SE"
    return out
