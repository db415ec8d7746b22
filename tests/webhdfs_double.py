"""A WebHDFS protocol double: the namenode REST API over a local folder.

No HDFS namenode can be installed on the test machines, so everything that reaches HDFS
(the store backend, TensorBoard through fsspec, feature groups' Delta tables through
delta-rs's OpenDAL ``webhdfs://`` backend, Spark's ``WebHdfsFileSystem``) is tested
against this double. It speaks, with HDFS's own semantics (RENAME refuses an existing
destination, CREATE refuses one unless ``overwrite=true``):

* GETFILESTATUS, LISTSTATUS, LISTSTATUS_BATCH (OpenDAL lists with it), MKDIRS, DELETE,
  RENAME;
* CREATE, OPEN and APPEND with the namenode's 307 redirect to a datanode, or with
  ``noredirect=true`` a 200 answer whose JSON names the datanode URL (OpenDAL writes
  that way); APPEND is how fsspec's writer fills a file it created empty;
* GETFILEBLOCKLOCATIONS: one block per file, on this host (Spark asks before reading).

The double runs in a child process: delta-rs keeps the GIL during some of its I/O
(``DeltaTable.history()``), so a server on a thread of the test's own process would
never answer it. The request log is a file the child appends to; ``RequestLog`` reads it
on every look, so a test sees each request as soon as its answer came back.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlparse

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
        "fileId": stat.st_ino,
        "childrenNum": len(list(path.iterdir())) if path.is_dir() else 0,
    }


class _Handler(BaseHTTPRequestHandler):
    root: Path
    log_file: Any
    log_lock: threading.Lock

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass

    def _parse(self) -> tuple[str, str, dict[str, str], Path]:
        parsed = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        prefix = DATANODE if parsed.path.startswith(DATANODE) else NAMENODE
        hdfs_path = unquote(parsed.path[len(prefix) :]) or "/"
        local = (self.root / hdfs_path.lstrip("/")).resolve()
        if local != self.root and self.root not in local.parents:
            local = self.root / "__outside__"
        op = query.get("op", "").upper()
        with self.log_lock:
            self.log_file.write(json.dumps([self.command, op, hdfs_path]) + "\n")
            self.log_file.flush()
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
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _redirect(self, query: dict[str, str]) -> None:
        """The namenode's answer to CREATE, OPEN and APPEND: where the datanode is."""
        location = self._datanode_url()
        if query.get("noredirect", "false").lower() == "true":
            self._json(200, {"Location": location})
            return
        self.send_response(307)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _datanode_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{self.path.replace(NAMENODE, DATANODE, 1)}"

    def do_GET(self) -> None:
        prefix, op, query, local = self._parse()
        if not local.exists():
            self._not_found(local)
        elif op == "GETFILESTATUS":
            self._json(200, {"FileStatus": _status(local)})
        elif op in ("LISTSTATUS", "LISTSTATUS_BATCH"):
            children = sorted(local.iterdir()) if local.is_dir() else [local]
            statuses = [_status(c, c.name if local.is_dir() else "") for c in children]
            listing = {"FileStatuses": {"FileStatus": statuses}}
            if op == "LISTSTATUS":
                self._json(200, listing)
            else:  # one batch holds everything
                self._json(
                    200, {"DirectoryListing": {"partialListing": listing, "remainingEntries": 0}}
                )
        elif op == "GETFILEBLOCKLOCATIONS":
            self._block_locations(local)
        elif op == "OPEN" and prefix == NAMENODE:
            self._redirect(query)
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

    def _block_locations(self, local: Path) -> None:
        host, port = self.server.server_address[:2]
        size = 0 if local.is_dir() else local.stat().st_size
        block = {
            "cachedHosts": [],
            "corrupt": False,
            "hosts": [host],
            "length": size,
            "names": [f"{host}:{port}"],
            "offset": 0,
            "storageTypes": ["DISK"],
            "topologyPaths": [f"/default-rack/{host}:{port}"],
        }
        self._json(200, {"BlockLocations": {"BlockLocation": [block] if size else []}})

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
            self._redirect(query)
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

    def do_POST(self) -> None:
        prefix, op, query, local = self._parse()
        if op != "APPEND":
            self._error(400, "IllegalArgumentException", f"unsupported POST op {op}")
        elif not local.is_file():
            self._body()
            self._not_found(local)
        elif prefix == NAMENODE:
            self._body()
            self._redirect(query)
        else:
            data = self._body()
            with local.open("ab") as handle:
                handle.write(data)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

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


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512  # clients open many connections at once (Spark tasks, OpenDAL)


class RequestLog:
    """The requests the double answered so far, as ``(method, op, hdfs path)`` tuples;
    read from the child's log file on every look."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def _entries(self) -> list[tuple[str, str, str]]:
        if not self._path.exists():
            return []
        lines = self._path.read_text().splitlines()
        return [tuple(json.loads(line)) for line in lines if line.strip()]  # type: ignore[misc]

    def __iter__(self) -> Iterator[tuple[str, str, str]]:
        return iter(self._entries())

    def __contains__(self, item: object) -> bool:
        return item in self._entries()

    def __len__(self) -> int:
        return len(self._entries())

    def __getitem__(self, index: int) -> tuple[str, str, str]:
        return self._entries()[index]


def _exit_with_parent(parent: int) -> None:
    """Stop when the test process is gone (even killed): no double outlives its test."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def serve(root: Path, log_path: Path) -> None:
    """Serve ``root`` until killed or the parent process ends; print the port on stdout
    once listening."""
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    log_file = log_path.open("a", encoding="utf-8")
    handler = type(
        "Handler",
        (_Handler,),
        {"root": root.resolve(), "log_file": log_file, "log_lock": threading.Lock()},
    )
    server = _Server(("127.0.0.1", 0), handler)
    print(server.server_address[1], flush=True)
    server.serve_forever(0.05)


@contextmanager
def webhdfs_double(root: Path) -> Iterator[tuple[str, RequestLog]]:
    """Serve ``root`` as an HDFS namespace from a child process; yield (http URL, log of
    requests)."""
    root.mkdir(parents=True, exist_ok=True)
    log_path = root.parent / f".{root.name}.webhdfs-requests.jsonl"
    log_path.write_text("")
    child = subprocess.Popen(
        [sys.executable, __file__, str(root), str(log_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        port = child.stdout.readline().strip()
        if not port.isdigit():
            raise RuntimeError(f"the WebHDFS double did not start (it said {port!r})")
        yield f"http://127.0.0.1:{port}", RequestLog(log_path)
    finally:
        child.terminate()
        child.wait(timeout=10)
        if child.stdout is not None:
            child.stdout.close()


if __name__ == "__main__":
    serve(Path(sys.argv[1]), Path(sys.argv[2]))
