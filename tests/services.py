"""Real services the tests start: a throwaway PostgreSQL server, a Jupyter server."""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError(
            "PostgreSQL is not installed: run `make test` (it installs Debian's postgresql)"
        )
    return Path(found[-1]).parent


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start Debian's PostgreSQL on 127.0.0.1 with a temporary data folder; yield its URL."""
    bin_dir = postgres_bin()
    base = Path(tempfile.mkdtemp(prefix="hopsml-pg-"))
    data, sockets = base / "data", base / "sock"
    sockets.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        shutil.chown(base, "postgres")
        shutil.chown(sockets, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()

    def run(*args: str) -> None:
        subprocess.run([*as_user, *args], check=True, capture_output=True, cwd=base)

    run(str(bin_dir / "initdb"), "-D", str(data), "-U", "hopsml", "--auth=trust", "-E", "UTF8")
    run(
        str(bin_dir / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(base / "server.log"),
        "-w",
        "-o",
        f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={sockets}"
        " -c fsync=off -c full_page_writes=off",
        "start",
    )
    try:
        run(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "hopsml", "hopsml")
        yield f"postgresql://hopsml@127.0.0.1:{port}/hopsml"
    finally:
        subprocess.run(
            [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            cwd=base,
        )
        shutil.rmtree(base, ignore_errors=True)


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


@contextmanager
def jupyter_server(
    root: Path, runtime: Path, env: dict[str, str], token: str
) -> Iterator[tuple[subprocess.Popen, str]]:
    """A real ``jupyter server`` on 127.0.0.1 (with the extensions installed here),
    yielded once it answers HTTP; its output goes to ``runtime/server.log``."""
    port = free_port()
    log = open(runtime / "server.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter_server",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--ServerApp.root_dir={root}",
            f"--IdentityProvider.token={token}",
            "--ServerApp.open_browser=False",
            "--allow-root",
        ],
        env={**env, "JUPYTER_RUNTIME_DIR": str(runtime)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        # The server's own word for its port (it moves on when the one asked for is
        # taken), then an answer on it.
        while (url := _answering(runtime)) is None:
            tail = (runtime / "server.log").read_text(errors="replace")[-2000:]
            assert server.poll() is None, f"jupyter server exited at start:\n{tail}"
            assert time.monotonic() < deadline, f"jupyter server did not start:\n{tail}"
            time.sleep(0.1)
        yield server, url
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=30)
        log.close()


def _answering(runtime: Path) -> str | None:
    info = _server_info(runtime)
    if info is None:
        return None
    url = f"http://127.0.0.1:{info['port']}"
    try:
        with urllib.request.urlopen(f"{url}/api", timeout=5):
            return url
    except OSError:
        return None


def _server_info(runtime: Path) -> dict | None:
    for path in runtime.glob("jpserver-*.json"):
        try:
            return json.loads(path.read_text())
        except ValueError:  # being written
            return None
    return None
