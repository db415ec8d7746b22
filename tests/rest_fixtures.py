"""Set-up shared by the REST tests that run a real Jupyter server with the hopsml_lab
extension (pytest-jupyter's jp_serverapp): the server's configuration for a project
folder, the server's own Lab, and the check that every route of a module refuses
requests without Jupyter's token."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from hopsml_lab.lab import Lab


def hopsml_server_config(project_root: Path) -> dict[str, Any]:
    """jp_server_config for a server with the extension on, serving ``project_root`` as
    project "demo" and looking for changes every 0.1 s."""
    return {
        "ServerApp": {"jpserver_extensions": {"hopsml_lab": True}},
        "HopsMLExtension": {
            "project_root": str(project_root),
            "project_name": "demo",
            "change_check_interval": 0.1,
        },
    }


def lab_of(jp_serverapp: Any) -> Lab:
    """The server's own Lab: what is written here, the routes read."""
    return jp_serverapp.web_app.settings["hopsml_lab"]


async def assert_routes_need_authentication(
    http_server_client: Any,
    jp_base_url: str,
    routes: Iterable[Any],
    values: Mapping[str, str],
    hidden: Iterable[bytes],
) -> None:
    """GET, POST and DELETE on each route (its ``{name}`` parts filled from ``values``)
    without a token answer 403, and no answer holds any of the ``hidden`` bytes."""
    base = jp_base_url.rstrip("/")
    secrets = list(hidden)
    for route in routes:
        path = re.sub(r"\{([a-z_]+)\}", lambda m: values[m.group(1)], route.path)
        for method in ("GET", "POST", "DELETE"):
            response = await http_server_client.fetch(
                base + path,
                method=method,
                raise_error=False,
                allow_nonstandard_methods=True,
                body=b"{}" if method == "POST" else None,
            )
            assert response.code == 403, (method, path, response.code)
            for secret in secrets:
                assert secret not in response.body, (method, path, secret)
