"""A WebHDFS protocol double: the namenode REST API over a local folder.

No HDFS namenode can be installed on the test machines, so the HDFS store backend is
tested against this double. It speaks the WebHDFS operations the `hdfs` package uses
(GETFILESTATUS, LISTSTATUS, MKDIRS, CREATE with the datanode redirect, OPEN, DELETE,
RENAME) with HDFS's own semantics (RENAME refuses an existing destination).
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

NAMENODE = "/webhdfs/v1"
DATANODE = "/datanode/v1"


def _status(path: Path, suffix: str = "") -> dict[str, Any]:
    stat = path.stat()
    return {
        "pathSuffix": suffix,
        "type": "DIRECTORY" if path.is_dir() else "FILE",
        "length": 0 if path.is_dir() else stat.st_size,
        "modificationTime": int(stat.st_mtime * 1000),
        "accessTime": int(stat.st_atime * 1000),
        "blockSize": 134217728,
        "replication": 0 if path.is_dir() else 1,
        "owner": "hopsml",
        "group": "supergroup",
        "permission": "755",
    }


class _Handler(BaseHTTPRequestHandler):
    root: Path
    requests: list[tuple[str, str, str]]

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass

    def _parse(self) -> tuple[str, str, dict[str, str], Path]:
        parsed = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        prefix = DATANODE if parsed.path.startswith(DATANODE) else NAMENODE
        hdfs_path = parsed.path[len(prefix) :] or "/"
        local = (self.root / hdfs_path.lstrip("/")).resolve()
        if local != self.root and self.root not in local.parents:
            local = self.root / "__outside__"
        op = query.get("op", "").upper()
        self.requests.append((self.command, op, hdfs_path))
        return prefix, op, query, local

    def _json(self, code: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, code: int, exception: str, message: str) -> None:
        self._json(
            code,
            {
                "RemoteException": {
                    "exception": exception,
                    "javaClassName": f"java.io.{exception}",
                    "message": message,
                }
            },
        )

    def _not_found(self, local: Path) -> None:
        self._error(404, "FileNotFoundException", f"File does not exist: {local.name}")

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self) -> None:
        prefix, op, query, local = self._parse()
        if not local.exists():
            self._not_found(local)
        elif op == "GETFILESTATUS":
            self._json(200, {"FileStatus": _status(local)})
        elif op == "LISTSTATUS":
            children = sorted(local.iterdir()) if local.is_dir() else [local]
            statuses = [_status(c, c.name if local.is_dir() else "") for c in children]
            self._json(200, {"FileStatuses": {"FileStatus": statuses}})
        elif op == "OPEN" and prefix == NAMENODE:
            self.send_response(307)
            self.send_header("Location", self._datanode_url())
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif op == "OPEN":
            offset = int(query.get("offset") or 0)
            length = query.get("length")
            data = local.read_bytes()[offset : None if length is None else offset + int(length)]
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        else:
            self._error(400, "IllegalArgumentException", f"unsupported GET op {op}")

    def _datanode_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{self.path.replace(NAMENODE, DATANODE, 1)}"

    def do_PUT(self) -> None:
        prefix, op, query, local = self._parse()
        if op == "MKDIRS":
            local.mkdir(parents=True, exist_ok=True)
            self._json(200, {"boolean": True})
        elif op == "CREATE" and prefix == NAMENODE:
            self._body()
            if local.exists() and query.get("overwrite", "false").lower() != "true":
                self._error(403, "FileAlreadyExistsException", f"{local.name} exists")
                return
            self.send_response(307)
            self.send_header("Location", self._datanode_url())
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif op == "CREATE":
            data = self._body()
            local.parent.mkdir(parents=True, exist_ok=True)
            local.write_bytes(data)
            self.send_response(201)
            self.send_header("Location", f"hdfs://double{quote(self.path)}")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif op == "RENAME":
            target = (self.root / query["destination"].lstrip("/")).resolve()
            if not local.exists() or target.exists():
                self._json(200, {"boolean": False})  # HDFS never overwrites on rename
                return
            target.parent.mkdir(parents=True, exist_ok=True)
            local.rename(target)
            self._json(200, {"boolean": True})
        else:
            self._error(400, "IllegalArgumentException", f"unsupported PUT op {op}")

    def do_DELETE(self) -> None:
        _prefix, op, query, local = self._parse()
        if op != "DELETE":
            self._error(400, "IllegalArgumentException", f"unsupported DELETE op {op}")
        elif not local.exists():
            self._json(200, {"boolean": False})
        elif local.is_dir():
            if any(local.iterdir()) and query.get("recursive", "false").lower() != "true":
                self._error(403, "PathIsNotEmptyDirectoryException", f"{local.name} is non empty")
                return
            shutil.rmtree(local)
            self._json(200, {"boolean": True})
        else:
            local.unlink()
            self._json(200, {"boolean": True})


@contextmanager
def webhdfs_double(root: Path) -> Iterator[tuple[str, list[tuple[str, str, str]]]]:
    """Serve ``root`` as an HDFS namespace; yield (http URL, log of requests)."""
    root.mkdir(parents=True, exist_ok=True)
    log: list[tuple[str, str, str]] = []
    handler = type("Handler", (_Handler,), {"root": root.resolve(), "requests": log})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", log
    finally:
        server.shutdown()
        server.server_close()
