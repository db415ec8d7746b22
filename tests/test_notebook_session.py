"""A kernel finds its notebook through the Jupyter sessions API when JPY_SESSION_NAME is
missing (older servers, kernels started by other front ends): a real server, a real
kernel started by it, and the lookup run inside that kernel."""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_client import BlockingKernelClient

from .services import jupyter_server as start_jupyter_server

TOKEN = "session-test-token"


@pytest.fixture
def jupyter_server(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    root, runtime = tmp_path / "notebooks", tmp_path / "runtime"
    (root / "sub").mkdir(parents=True)
    runtime.mkdir()
    env = {**os.environ, "HOPSML_PROJECT_ROOT": str(tmp_path / "project")}
    env.pop("JPY_SESSION_NAME", None)
    with start_jupyter_server(root, runtime, env, TOKEN) as (_server, url):
        yield url, root, runtime


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
            "from hopsml_lab.experiments.snapshot import notebook_path\n"
            "print(notebook_path())",
            timeout=60,
            output_hook=lambda msg: printed.append(msg["content"].get("text", "")),
        )
    finally:
        client.stop_channels()
    assert reply["content"]["status"] == "ok"
    assert "".join(printed).strip() == str(notebook)
