"""Monitoring of a deployment from its inference log (``Logs/<deployment>/``, every
server process's files, rotated ones too): request and error rates, latency
percentiles, a timeline in buckets, the most recent requests, and the drift of the
inputs against the training dataset of the deployed model.

>>> from hopsml_lab.deployments.monitoring import summarize
>>> summary = summarize("churn", window_s=600)                     # doctest: +SKIP
>>> summary.request_rate, summary.latency_ms.p99                  # doctest: +SKIP
>>> [d.feature for d in summary.drift if d.drifted]               # doctest: +SKIP
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from ..errors import BadInput
from ..lab import Lab, get_lab
from .inference_log import log_files
from .input_drift import DriftRow, FeatureReference, drift_rows, training_reference

COLUMNS = [
    "ts",
    "model_version",
    "protocol",
    "route",
    "status",
    "latency_ms",
    "request",
    "request_truncated",
    "response",
    "response_truncated",
    "error",
    "pid",
]
MAX_BUCKETS = 10_000


class LatencyPercentiles(BaseModel):
    p50: float | None
    p90: float | None
    p99: float | None
    max: float | None


class TimelineBucket(BaseModel):
    t: float = Field(description="The bucket's start (epoch seconds).")
    requests: int
    errors: int
    p50_ms: float | None
    p99_ms: float | None


class InferenceLogEntry(BaseModel):
    ts: float
    model_version: str
    route: str
    status: int
    latency_ms: float
    request: str | None = Field(description="The request's JSON, cut at the log's limit.")
    request_truncated: bool = False
    response: str | None
    response_truncated: bool = False
    error: str | None


class MonitoringSummary(BaseModel):
    deployment: str
    window_s: float
    requests: int
    errors: int = Field(description="Requests answered with a 4xx or 5xx status.")
    request_rate: float = Field(description="Requests per second over the window.")
    error_rate: float = Field(description="Errors / requests (0 when none).")
    latency_ms: LatencyPercentiles
    timeline: list[TimelineBucket]
    recent: list[InferenceLogEntry]
    drift: list[DriftRow]
    drift_reason: str | None = Field(None, description="Why drift is empty, when it is.")
    log_folder: str


def read_log(folder: Path, since: float, until: float) -> pd.DataFrame:
    """The entries of ``folder``'s log files with ``since <= ts < until``, oldest first
    (a file last written before ``since`` is not read; a line being written is skipped)."""
    records = []
    for path in log_files(folder):
        try:
            if path.stat().st_mtime < since:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:  # rotated away while listing
            continue
        for line in text.splitlines():
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    frame = frame.astype({"ts": float, "status": int, "latency_ms": float})
    frame = frame[(frame["ts"] >= since) & (frame["ts"] < until)]
    return frame.sort_values("ts", kind="stable").reset_index(drop=True)


def _percentile(values: np.ndarray, q: float) -> float | None:
    return float(np.percentile(values, q)) if len(values) else None


def _timeline(
    frame: pd.DataFrame, start: float, window_s: float, bucket_s: float
) -> list[TimelineBucket]:
    buckets = math.ceil(window_s / bucket_s)
    index = ((frame["ts"] - start) // bucket_s).astype(int).clip(0, buckets - 1)
    grouped = frame.assign(bucket=index, failed=frame["status"] >= 400).groupby("bucket")
    counts = grouped.agg(requests=("ts", "size"), errors=("failed", "sum"))
    quantiles = grouped["latency_ms"].quantile([0.5, 0.99]).unstack()
    table = counts.join(quantiles).reindex(range(buckets))
    table[["requests", "errors"]] = table[["requests", "errors"]].fillna(0)
    missing = pd.Series(np.nan, index=table.index)
    return [
        TimelineBucket(
            t=start + k * bucket_s,
            requests=int(requests),
            errors=int(errors),
            p50_ms=None if pd.isna(p50) else float(p50),
            p99_ms=None if pd.isna(p99) else float(p99),
        )
        for k, requests, errors, p50, p99 in zip(
            range(buckets),
            table["requests"],
            table["errors"],
            table.get(0.5, missing),
            table.get(0.99, missing),
            strict=True,
        )
    ]


def summarize_folder(
    folder: Path,
    deployment: str,
    *,
    window_s: float = 300.0,
    bucket_s: float = 10.0,
    recent: int = 20,
    references: list[FeatureReference] | None = None,
    reference_reason: str | None = None,
    now: float | None = None,
) -> MonitoringSummary:
    """The summary of the log in ``folder`` over the ``window_s`` seconds before ``now``;
    drift against ``references`` (none: ``reference_reason`` says why)."""
    if not (window_s > 0 and bucket_s > 0) or window_s / bucket_s > MAX_BUCKETS:
        raise BadInput(
            f"window_s={window_s!r}, bucket_s={bucket_s!r}: give positive seconds, with at "
            f"most {MAX_BUCKETS} buckets in the window"
        )
    if isinstance(recent, bool) or not isinstance(recent, int) or recent < 0:
        raise BadInput(f"recent={recent!r}: give how many recent entries to show (0 or more)")
    until = time.time() if now is None else now
    start = until - window_s
    frame = read_log(folder, start, until)
    latency = frame["latency_ms"].to_numpy(dtype=float)
    errors = int((frame["status"] >= 400).sum())
    ok = frame[frame["status"] < 400]
    if references:
        drift, reason = drift_rows(references, zip(ok["protocol"], ok["request"], strict=True))
    else:
        drift, reason = [], reference_reason or "no training statistics to compare with"
    tail = frame.tail(recent).iloc[::-1] if recent else frame.iloc[0:0]
    return MonitoringSummary(
        deployment=deployment,
        window_s=window_s,
        requests=len(frame),
        errors=errors,
        request_rate=len(frame) / window_s,
        error_rate=errors / len(frame) if len(frame) else 0.0,
        latency_ms=LatencyPercentiles(
            p50=_percentile(latency, 50),
            p90=_percentile(latency, 90),
            p99=_percentile(latency, 99),
            max=float(latency.max()) if len(latency) else None,
        ),
        timeline=_timeline(frame, start, window_s, bucket_s),
        recent=[
            InferenceLogEntry(**{k: v for k, v in e.items() if k in InferenceLogEntry.model_fields})
            for e in tail.astype(object).where(tail.notna(), None).to_dict("records")
        ],
        drift=drift,
        drift_reason=None if drift else reason,
        log_folder=str(folder),
    )


def summarize(
    name: str,
    *,
    window_s: float = 300.0,
    bucket_s: float = 10.0,
    recent: int = 20,
    lab: Lab | None = None,
) -> MonitoringSummary:
    """Monitoring of deployment ``name`` of ``lab``'s project (default: this process's)
    over the last ``window_s`` seconds, with a timeline in ``bucket_s`` buckets and the
    ``recent`` latest requests; its inputs' drift is measured against the statistics of
    the training dataset the deployed model version was trained on. The REST route
    passes the Jupyter server's Lab, so a notebook and the sidebar read one summary."""
    from .service import DeploymentService

    if lab is None:
        lab, service = get_lab(), DeploymentService.here()
    else:
        service = DeploymentService(lab)
    record = service.require(name)
    model = service.registry.require(record.model_name, record.model_version)
    references, reason = training_reference(lab, model)
    return summarize_folder(
        service.inference_log_dir(name),
        name,
        window_s=window_s,
        bucket_s=bucket_s,
        recent=recent,
        references=references,
        reference_reason=reason,
    )
