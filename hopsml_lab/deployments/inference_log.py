"""The model server's inference log: one JSON line per inference request (TF Serving's
``:predict`` / ``:classify`` / ``:regress`` and V2's ``/infer``), with its time, the
deployment and model version, the route, the HTTP status, the latency, the request and
the response (each cut at ``FIELD_LIMIT`` characters, and then flagged ``*_truncated``)
and the error message of a failed request.

A request only appends a tuple to a buffer in memory; a background thread, every 50 ms,
encodes what is buffered and writes it in one write to ``inference-<pid>.jsonl``,
rotated by size as the stdlib's ``RotatingFileHandler`` does (16 MB, then ``.1`` ...
``.5``; one file set per server process, so ``--workers K`` never share a file), and,
when a Kafka broker is configured, sends the same lines to a topic with kafka-python.
(A ``QueueHandler`` into a ``RotatingFileHandler`` wakes a thread and writes once per
request: about 10% of a small model's throughput; batching makes it a few percent.)

Set by the deployment service, read here once at start:

- ``HOPSML_INFERENCE_LOG_DIR``: the folder (``<project>/Logs/<deployment>``, as
  ``DeploymentService.inference_log_dir`` names it); unset: no log;
- ``HOPSML_INFERENCE_LOG_MODE``: hsml's ``InferenceLogger`` modes: ``ALL`` (default),
  ``MODEL_INPUTS`` (requests only), ``PREDICTIONS`` (responses only), ``NONE``;
- ``HOPSML_INFERENCE_LOG_MAX_BYTES`` / ``HOPSML_INFERENCE_LOG_BACKUPS``: the rotation;
- ``HOPSML_KAFKA_BOOTSTRAP`` (``host:port,...``) and ``HOPSML_KAFKA_TOPIC`` (default
  ``<deployment>_inference_logs``): also send each line to Kafka (needs kafka-python).

>>> log = InferenceLog(Path("Logs/churn"), "churn", 1)             # doctest: +SKIP
>>> log.record("v2", "/v2/models/churn/infer", 200, 1.2, b"{...}", b"{...}")  # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import BadInput

LOG_DIR_ENV = "HOPSML_INFERENCE_LOG_DIR"
LOG_MODE_ENV = "HOPSML_INFERENCE_LOG_MODE"
MAX_BYTES_ENV = "HOPSML_INFERENCE_LOG_MAX_BYTES"
BACKUPS_ENV = "HOPSML_INFERENCE_LOG_BACKUPS"
KAFKA_BOOTSTRAP_ENV = "HOPSML_KAFKA_BOOTSTRAP"
KAFKA_TOPIC_ENV = "HOPSML_KAFKA_TOPIC"

FILE_PREFIX = "inference-"
FILE_SUFFIX = ".jsonl"
MAX_BYTES = 16 * 1024 * 1024
BACKUPS = 5
FIELD_LIMIT = 64 * 1024  # characters of a request or response kept in a line
MODES = ("ALL", "MODEL_INPUTS", "PREDICTIONS", "NONE")  # hsml's INFERENCE_LOGGER modes

log = logging.getLogger(__name__)
# One encoder for every line: json.dumps with options builds a new one per call.
_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def log_files(folder: Path) -> list[Path]:
    """Every inference log file in ``folder``: all server processes, rotated ones too."""
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{FILE_PREFIX}*{FILE_SUFFIX}*"))


def _cut(body: bytes | None) -> tuple[str | None, bool]:
    if body is None:
        return None, False
    text = body[: FIELD_LIMIT * 4].decode("utf-8", errors="replace")
    if len(text) > FIELD_LIMIT:
        return text[:FIELD_LIMIT], True
    return text, False


def entry_line(entry: Mapping[str, Any]) -> str:
    """One log line (also the Kafka message's value, UTF-8) of a queued entry."""
    request, request_cut = _cut(entry.get("request"))
    response, response_cut = _cut(entry.get("response"))
    error = entry.get("error")
    if error is None and entry["status"] >= 400 and response is not None:
        try:  # the server's error answers are {"error": "..."}
            error = json.loads(response).get("error")
        except (ValueError, AttributeError):
            error = response[:500]
    line = {
        "ts": entry["ts"],
        "deployment": entry["deployment"],
        "model_version": entry["model_version"],
        "protocol": entry["protocol"],
        "route": entry["route"],
        "status": entry["status"],
        "latency_ms": round(entry["latency_ms"], 3),
        "request": request,
        "request_truncated": request_cut,
        "response": response,
        "response_truncated": response_cut,
        "error": error,
        "pid": entry["pid"],
    }
    return _encode(line)


class RotatingLines:
    """Appends lines to ``path``; past ``max_bytes`` the file moves to ``path.1`` (and
    ``.1`` to ``.2``..., the oldest past ``backups`` deleted), as the stdlib's
    ``RotatingFileHandler`` names them, but a batch of lines is one write."""

    def __init__(self, path: Path, max_bytes: int, backups: int) -> None:
        self.path, self.max_bytes, self.backups = path, max_bytes, backups
        self._file = path.open("ab")
        self._size = self._file.tell()

    def write(self, lines: list[bytes]) -> None:
        chunk: list[bytes] = []
        for line in lines:
            if chunk and self._size + len(line) > self.max_bytes:
                self._file.write(b"".join(chunk))
                chunk = []
                self._rotate()
            elif not chunk and self._size and self._size + len(line) > self.max_bytes:
                self._rotate()
            chunk.append(line)
            self._size += len(line)
        if chunk:
            self._file.write(b"".join(chunk))
        self._file.flush()

    def _rotate(self) -> None:
        self._file.close()
        if self.backups > 0:
            for k in range(self.backups - 1, 0, -1):
                older = self.path.with_name(f"{self.path.name}.{k}")
                if older.exists():
                    older.replace(self.path.with_name(f"{self.path.name}.{k + 1}"))
            self.path.replace(self.path.with_name(f"{self.path.name}.1"))
        self._file = self.path.open("wb")
        self._size = 0

    def close(self) -> None:
        self._file.close()


class KafkaLines:
    """Sends each line to a Kafka topic with kafka-python (which batches the sends)."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        from kafka import KafkaProducer  # optional: pip install kafka-python

        self.topic = topic
        self.producer = KafkaProducer(
            bootstrap_servers=[b.strip() for b in bootstrap.split(",") if b.strip()]
        )

    def write(self, lines: list[bytes]) -> None:
        for line in lines:
            self.producer.send(self.topic, line.rstrip(b"\n"))

    def close(self) -> None:
        self.producer.flush(timeout=5)
        self.producer.close(timeout=5)


def kafka_sender(bootstrap: str | None, topic: str) -> KafkaLines | None:
    """The Kafka sender when a broker is configured, reachable, and kafka-python is
    installed; else None (said once in the server's log: the files are written anyway)."""
    if not bootstrap:
        return None
    try:
        return KafkaLines(bootstrap, topic)
    except ImportError:
        log.warning(
            "%s is set but kafka-python is not installed: pip install kafka-python to "
            "send inference logs to Kafka; writing files only",
            KAFKA_BOOTSTRAP_ENV,
        )
    except Exception as error:  # no broker there
        log.warning("cannot reach Kafka at %s (%s); writing files only", bootstrap, error)
    return None


class InferenceLog:
    """A server process's inference log: ``record`` appends to a buffer in memory; a
    thread writes what is buffered every ``FLUSH_S`` seconds, as one write (a wake-up
    and a write per request would cost the server a measurable share of its time)."""

    FLUSH_S = 0.05
    MAX_PENDING = 100_000  # entries buffered at most; past it the oldest are dropped
    CHUNK = 32  # lines encoded at a time (~0.3 ms holding the GIL away from requests)

    def __init__(
        self,
        folder: Path,
        deployment: str,
        model_version: int | str,
        *,
        mode: str = "ALL",
        max_bytes: int = MAX_BYTES,
        backups: int = BACKUPS,
        kafka: KafkaLines | None = None,
    ) -> None:
        if mode not in MODES:
            raise BadInput(f"inference log mode {mode!r}: use one of {', '.join(MODES)}")
        if max_bytes < 1 or backups < 0:
            raise BadInput(
                f"inference log rotation {max_bytes} bytes x {backups} files: give a "
                "positive size and 0 or more backups"
            )
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{FILE_PREFIX}{os.getpid()}{FILE_SUFFIX}"
        self.deployment, self.model_version, self.mode = deployment, str(model_version), mode
        self._sinks: list[RotatingLines | KafkaLines] = [
            RotatingLines(self.path, max_bytes, backups),
            *([kafka] if kafka else []),
        ]
        self._pending: deque[tuple[Any, ...]] = deque(maxlen=self.MAX_PENDING)
        self._stop = threading.Event()
        self._writer = threading.Thread(target=self._run, name="inference-log", daemon=True)
        self._writer.start()

    @classmethod
    def from_env(
        cls, deployment: str, model_version: int | str, env: Mapping[str, str] | None = None
    ) -> InferenceLog | None:
        """The log ``env`` (the process's environment) asks for, or None."""
        env = os.environ if env is None else env
        folder = env.get(LOG_DIR_ENV)
        mode = env.get(LOG_MODE_ENV) or "ALL"
        if not folder or mode == "NONE":
            return None
        topic = env.get(KAFKA_TOPIC_ENV) or f"{deployment}_inference_logs"
        return cls(
            Path(folder),
            deployment,
            model_version,
            mode=mode,
            max_bytes=int(env.get(MAX_BYTES_ENV) or MAX_BYTES),
            backups=int(env.get(BACKUPS_ENV) or BACKUPS),
            kafka=kafka_sender(env.get(KAFKA_BOOTSTRAP_ENV), topic),
        )

    def record(
        self,
        protocol: str,
        route: str,
        status: int,
        latency_ms: float,
        request: bytes | None,
        response: bytes | None,
        error: str | None = None,
    ) -> None:
        """Buffer one request's entry (cheap: the writer thread encodes it)."""
        self._pending.append(
            (time.time(), protocol, route, status, latency_ms, request, response, error)
        )

    def _lines(self, batch: list[tuple[Any, ...]]) -> list[bytes]:
        keep_request, keep_response = self.mode != "PREDICTIONS", self.mode != "MODEL_INPUTS"
        pid = os.getpid()
        return [
            (
                entry_line(
                    {
                        "ts": ts,
                        "deployment": self.deployment,
                        "model_version": self.model_version,
                        "protocol": protocol,
                        "route": route,
                        "status": status,
                        "latency_ms": latency_ms,
                        "request": request if keep_request else None,
                        "response": response if keep_response or status >= 400 else None,
                        "error": error,
                        "pid": pid,
                    }
                )
                + "\n"
            ).encode("utf-8")
            for ts, protocol, route, status, latency_ms, request, response, error in batch
        ]

    def flush(self) -> None:
        """Write what is buffered (the writer thread calls it; so does ``close``)."""
        batch = []
        while self._pending:
            batch.append(self._pending.popleft())
        if not batch:
            return
        lines: list[bytes] = []
        for start in range(0, len(batch), self.CHUNK):
            if start:  # let the event loop's thread take the GIL between chunks
                time.sleep(0)
            lines += self._lines(batch[start : start + self.CHUNK])
        for sink in self._sinks:
            try:
                sink.write(lines)
            except Exception:  # a full disk or a broker gone: say so, keep serving
                log.exception("writing the inference log to %s failed", type(sink).__name__)

    def _run(self) -> None:
        while not self._stop.wait(self.FLUSH_S):
            self.flush()

    def close(self) -> None:
        """Write what is buffered and close the files (at server shutdown)."""
        self._stop.set()
        self._writer.join(timeout=10)
        self.flush()
        for sink in self._sinks:
            sink.close()
