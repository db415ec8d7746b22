"""A kernel finds its notebook through the Jupyter sessions API when JPY_SESSION_NAME is
missing (older servers, kernels started by other front ends): a real server, a real
kernel started by it, and the lookup run inside that kernel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_client import BlockingKernelClient

from .services import free_port

TOKEN = "session-test-token"


@pytest.fixture
def jupyter_server(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    root, runtime = tmp_path / "notebooks", tmp_path / "runtime"
    (root / "sub").mkdir(parents=True)
    runtime.mkdir()
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "HOPSML_PROJECT_ROOT": str(tmp_path / "project"),
    }
    env.pop("JPY_SESSION_NAME", None)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter_server",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--ServerApp.root_dir={root}",
            f"--IdentityProvider.token={TOKEN}",
            "--ServerApp.open_browser=False",
            "--allow-root",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not list(runtime.glob("jpserver-*.json")):
            assert server.poll() is None, "jupyter server exited at start"
            assert time.monotonic() < deadline, "jupyter server did not start"
            time.sleep(0.1)
        yield url, root, runtime
    finally:
        server.terminate()
        server.wait(timeout=30)


def _api(url: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"{url}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        method="POST" if body is not None else "GET",
        headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def test_a_kernel_without_jpy_session_name_finds_its_notebook(jupyter_server) -> None:
    url, root, runtime = jupyter_server
    notebook = root / "sub" / "churn.ipynb"
    notebook.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    session = _api(
        url,
        "/api/sessions",
        {"path": "sub/churn.ipynb", "type": "notebook", "kernel": {"name": "python3"}},
    )
    client = BlockingKernelClient(
        connection_file=str(runtime / f"kernel-{session['kernel']['id']}.json")
    )
    client.load_connection_file()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        printed: list[str] = []
        reply = client.execute_interactive(
            "import os; os.environ.pop('JPY_SESSION_NAME', None)\n"
            "from hopsml_lab.snapshot import notebook_path\n"
            "print(notebook_path())",
            timeout=60,
            output_hook=lambda msg: printed.append(msg["content"].get("text", "")),
        )
    finally:
        client.stop_channels()
    assert reply["content"]["status"] == "ok"
    assert "".join(printed).strip() == str(notebook)
