"""The Jupyter server's extension restarts a deployment's keeper killed with SIGKILL by
itself (its periodic check), with nobody reading the deployment meanwhile."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from hopsml_lab import hopsworks
from hopsml_lab.deployments import DeploymentService
from hopsml_lab.lab import set_lab

from .rest_fixtures import hopsml_server_config, lab_of
from .serving_models import port_free, save_versions
from .test_keeper_restarts import _ask, _kill_keeper

pytestmark = [
    pytest.mark.filterwarnings("ignore::hopsml_lab.registry.errors.ProvenanceWarning"),
    pytest.mark.timeout(240),
]


@pytest.fixture
def jp_server_config(tmp_path: Path) -> dict:
    config = hopsml_server_config(tmp_path / "project")
    config["HopsMLExtension"]["deployment_check_interval"] = 0.5
    return config


async def test_the_jupyter_server_restarts_a_killed_keeper_by_itself(
    jp_serverapp: Any, tmp_path: Path
) -> None:
    lab = lab_of(jp_serverapp)
    # pytest-jupyter's server never runs ServerApp.start(), whose post-start hook this is.
    await jp_serverapp.extension_manager.start_all_extensions()
    set_lab(lab)
    try:
        mr = hopsworks.login().get_model_registry()
        folder = tmp_path / "model"
        folder.mkdir()
        script = save_versions(mr, "lin", folder, versions=1)
        service = DeploymentService(lab)
        service.create("watched", "lin", 1, "PYTHON", script_file=str(script))
        record = await asyncio.to_thread(service.start, "watched", 120)
        _kill_keeper(record.pid, record.instance_pids)
        # only the catalog's row is read here (no repair): the server's check restarts it
        deadline = time.monotonic() + 90
        while True:
            row = service.catalog.get(lab.project_id, "watched")
            if row is not None and row.state == "Running" and row.pid != record.pid:
                break
            assert time.monotonic() < deadline, f"not restarted by the server: {row}"
            await asyncio.sleep(0.1)
        assert row.port == record.port and _ask(row)["version"] == 1
        await asyncio.to_thread(service.stop, "watched")
        assert port_free(record.port)
    finally:
        DeploymentService(lab).stop_own()
        set_lab(None)
