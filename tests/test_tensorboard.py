"""TensorBoard for experiments: real TensorBoard processes started through the REST
API of a real Jupyter server, read through its authenticated proxy."""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from IPython.core.error import UsageError
from tornado.httpclient import HTTPClientError

from hopsml_lab import experiment
from hopsml_lab import tensorboard as tensorboard_api
from hopsml_lab.lab import Lab
from hopsml_lab.magics import tensorboard as magic_module
from hopsml_lab.magics.tensorboard import MIME_TYPE
from hopsml_lab.settings import Settings
from hopsml_lab.tensorboards import TensorBoardManager

from .services import jupyter_server
from .webhdfs_double import webhdfs_double


def _train(lr: float) -> float:
    """Logs known scalars to its TensorBoard folder, as a user's trial does."""
    import tensorflow as tf

    from hopsml_lab import tensorboard

    with tf.summary.create_file_writer(tensorboard.logdir()).as_default():
        for step in range(3):
            tf.summary.scalar("loss", lr * (3 - step), step=step)
    return lr


@pytest.fixture
def jp_server_config(project_root: Path) -> dict:
    return {
        "ServerApp": {"jpserver_extensions": {"hopsml_lab": True}},
        "HopsMLExtension": {"project_root": str(project_root), "project_name": "demo"},
    }


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead too: it only waits for its parent to reap it.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


async def _json(jp_fetch, *path: str, **kwargs) -> tuple[int, object]:
    response = await jp_fetch(*path, **kwargs)
    return response.code, json.loads(response.body) if response.body else None


async def _until(jp_fetch, path: list[str], params: dict, ready, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            _, body = await _json(jp_fetch, *path, params=params)
            if ready(body):
                return body
        except HTTPClientError as error:
            if error.code != 400:  # TensorBoard: no data for that run yet
                raise
        assert time.monotonic() < deadline, f"no data at {path} {params}"
        await asyncio.sleep(0.2)


async def test_tensorboard_through_the_proxy_shows_the_trials_scalars(
    jp_fetch, http_server_client, jp_base_url, lab: Lab
) -> None:
    experiment.grid_search(_train, {"lr": [0.1, 0.2]}, name="tb-grid")
    experiment_id = lab.queries.resolve("demo", "tb-grid")[0]

    started = time.perf_counter()
    code, board = await _json(
        jp_fetch,
        "hopsml",
        "api",
        "tensorboards",
        method="POST",
        body=json.dumps({"experiments": [experiment_id]}),
    )
    assert code == 201
    # Under the server's base URL (pytest-jupyter serves under one that needs quoting),
    # with the key that lets the panel's sandboxed iframe in.
    frame = f"{jp_base_url.rstrip('/')}/hopsml/tensorboard-frame/{board['id']}/"
    assert re.fullmatch(re.escape(frame) + "[0-9a-f]{32}/", board["url"])
    assert board["experiments"] == [experiment_id]
    proxied = ["hopsml", "tensorboard", board["id"], "data"]

    runs = await _until(jp_fetch, [*proxied, "runs"], {}, lambda body: len(body) == 2)
    assert sorted(runs) == ["lr=0.1", "lr=0.2"]  # each trial, named by its params
    scalars = await _until(
        jp_fetch,
        [*proxied, "plugin", "scalars", "scalars"],
        {"run": "lr=0.2", "tag": "loss"},
        lambda body: len(body) == 3,
    )
    assert time.perf_counter() - started < 30
    assert [step for _, step, _ in scalars] == [0, 1, 2]
    assert [value for _, _, value in scalars] == pytest.approx([0.6, 0.4, 0.2], rel=1e-6)

    # The same set again: the same TensorBoard, answered at once.
    code, again = await _json(
        jp_fetch,
        "hopsml",
        "api",
        "tensorboards",
        method="POST",
        body=json.dumps({"experiments": [experiment_id, experiment_id]}),
    )
    assert code == 200 and again["id"] == board["id"] and again["pid"] == board["pid"]
    _, listed = await _json(jp_fetch, "hopsml", "api", "tensorboards")
    assert [b["id"] for b in listed["tensorboards"]] == [board["id"]]

    # Without the token: 403 from the proxy, never TensorBoard's data or a login page.
    url = f"{jp_base_url.rstrip('/')}/hopsml/tensorboard/{board['id']}/data/runs"
    anonymous = await http_server_client.fetch(url, raise_error=False, follow_redirects=False)
    assert anonymous.code == 403 and b"lr=0.1" not in anonymous.body

    code, _ = await _json(jp_fetch, "hopsml", "api", "tensorboards", board["id"], method="DELETE")
    assert code == 204
    assert not _pid_alive(board["pid"])
    with pytest.raises(HTTPClientError) as gone:
        await jp_fetch(*proxied, "runs")
    assert gone.value.code == 404


async def test_bad_requests_say_what_to_send(jp_fetch, lab: Lab) -> None:
    cases = [
        (b"not json", 400, "JSON like"),
        (json.dumps({"experiments": []}), 400, "experiments"),
        (json.dumps({"experiments": ["no-such-experiment"]}), 404, "no-such-experiment"),
    ]
    for body, status, message in cases:
        with pytest.raises(HTTPClientError) as error:
            await jp_fetch("hopsml", "api", "tensorboards", method="POST", body=body)
        assert error.value.code == status
        assert message in json.loads(error.value.response.body)["message"]
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("hopsml", "api", "tensorboards", "0123abcd", method="DELETE")
    assert error.value.code == 404


def test_idle_tensorboards_stop_and_new_trials_appear(lab: Lab) -> None:
    experiment.launch(lambda: 1.0, name="idle")
    experiment_id = lab.queries.resolve("demo", "idle")[0]
    manager = TensorBoardManager(lab, idle_timeout=60)
    try:
        board, started = manager.ensure([experiment_id])
        board.wait_ready()
        assert started and board.runs_folder is not None
        assert [p.name for p in board.runs_folder.iterdir()] == ["trial_0"]

        # A trial recorded later (a search still running) becomes a run by itself.
        lab.recorder.start_trial(experiment_id, "trial_1", {"lr": 0.5}, str(lab.store.url("x")))
        manager.refresh()
        assert sorted(p.name for p in board.runs_folder.iterdir()) == ["lr=0.5", "trial_0"]
        with urllib.request.urlopen(f"{board.process.base_url}data/environment") as response:
            assert response.status == 200  # bound on 127.0.0.1

        assert manager.stop_idle(now=time.time() + 30) == []
        assert manager.stop_idle(now=time.time() + 61) == [board.id]
        assert not _pid_alive(board.process.pid)
        assert manager.boards() == []
    finally:
        manager.stop_all()


def test_no_tensorboard_outlives_a_killed_server(tmp_path: Path) -> None:
    project = tmp_path / "project"
    settings = Settings(project_root=str(project))
    recorder = Lab(settings).recorder
    experiment_id = recorder.create_experiment(
        recorder.ensure_project("demo", str(project)),
        name="orphans",
        kind="launch",
        user="ada",
        logdir=str(project / "Experiments" / "e"),
    )
    recorder.start_trial(experiment_id, "trial_0", {}, str(project / "Experiments" / "e" / "t"))
    root, runtime = tmp_path / "notebooks", tmp_path / "runtime"
    root.mkdir()
    runtime.mkdir()
    env = {**os.environ, "HOPSML_PROJECT_ROOT": str(project)}
    with jupyter_server(root, runtime, env, "orphan-token") as (server, url):
        request = urllib.request.Request(
            f"{url}/hopsml/api/tensorboards",
            data=json.dumps({"experiments": [experiment_id]}).encode(),
            method="POST",
            headers={"Authorization": "token orphan-token"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            pid = json.load(response)["pid"]
        assert _pid_alive(pid)
        server.kill()  # SIGKILL: no shutdown hook runs
        server.wait(timeout=30)
        deadline = time.monotonic() + 10
        while _pid_alive(pid):
            assert time.monotonic() < deadline, f"TensorBoard {pid} outlived its server"
            time.sleep(0.1)


def test_magic_prints_a_link_without_the_server_extension(ip, lab: Lab, monkeypatch) -> None:
    experiment.launch(lambda: 1.0, name="linked")
    assert lab.settings.tensorboard_proxy is None
    shell = ip
    shown: list[dict] = []
    monkeypatch.setattr(magic_module, "display", lambda bundle, raw: shown.append(bundle))
    try:
        shell.run_line_magic("tensorboard", "linked")
        url = shown[-1]["text/plain"].rsplit(" ", 1)[1]
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(f"{url}data/runs", timeout=10) as response:
            assert response.status == 200

        # Under JupyterLab with the extension: a bundle the sidebar's panel opens.
        # (the server sets HOPSML_TENSORBOARD_PROXY for the kernels it starts)
        proxied = lab.settings.with_overrides(tensorboard_proxy="/hopsml/tensorboard")
        monkeypatch.setattr(lab, "settings", proxied)
        shell.run_line_magic("tensorboard", "")  # the newest experiment
        bundle = shown[-1][MIME_TYPE]
        assert bundle["experiments"] == [lab.queries.resolve("demo", "linked")[0]]
        assert bundle["names"] == ["linked"]
        with pytest.raises(UsageError, match="no experiment 'nope'"):
            shell.run_line_magic("tensorboard", "nope")
    finally:
        tensorboard_api._stop_all()


def test_an_hdfs_project_is_read_through_webhdfs(tmp_path: Path) -> None:
    """TensorBoard reads the experiment's folder over WebHDFS (fsspec): against the
    WebHDFS protocol double, since no namenode can run here."""
    import tensorflow as tf

    with webhdfs_double(tmp_path / "namespace") as (url, requests):
        settings = Settings(
            project_root="hdfs://namenode:8020/Projects/demo",
            webhdfs_url=url,
            catalog_url=f"sqlite:///{tmp_path / 'catalog.db'}",
        )
        lab = Lab(settings)
        recorder = lab.recorder
        experiment_id = recorder.create_experiment(
            lab.project_id, name="on-hdfs", kind="launch", user="ada", logdir="x"
        )
        trial_folder = f"Experiments/{experiment_id}/trial_0"
        recorder.start_trial(experiment_id, "trial_0", {}, lab.store.url(trial_folder))
        local = tmp_path / "namespace" / "Projects" / "demo" / trial_folder
        with tf.summary.create_file_writer(str(local)).as_default():
            for step in range(3):
                tf.summary.scalar("acc", 0.5 + step / 10, step=step)
        manager = TensorBoardManager(lab)
        try:
            board, _ = manager.ensure([experiment_id])
            board.wait_ready()
            scalars = f"{board.process.base_url}data/plugin/scalars/scalars?"
            query = urllib.parse.urlencode({"run": "on-hdfs/trial_0", "tag": "acc"})
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(scalars + query, timeout=5) as response:
                        values = [value for _, _, value in json.load(response)]
                        break
                except urllib.error.HTTPError:
                    assert time.monotonic() < deadline, "no scalars read over WebHDFS"
                    time.sleep(0.2)
            assert values == pytest.approx([0.5, 0.6, 0.7])
            assert any(op == "OPEN" for _, op, _ in requests)  # read from the "namenode"
        finally:
            manager.stop_all()


# -- The proxies' defences: XSRF on the Jupyter-authenticated one, a sandboxed frame ----

TIMESERIES = "data/plugin/timeseries/timeSeries"  # one of TensorBoard's own POSTs
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SANDBOX = "sandbox allow-scripts allow-downloads allow-popups"


async def _board_without_spark(jp_serverapp, jp_fetch) -> dict:
    """A running TensorBoard of an experiment recorded straight into the catalog."""
    lab = jp_serverapp.web_app.settings["hopsml_lab"]
    recorder = lab.recorder
    experiment_id = recorder.create_experiment(
        recorder.ensure_project("demo", lab.store.url()),
        name="proxied",
        kind="launch",
        user="ada",
        logdir=lab.store.url("Experiments/proxied"),
    )
    recorder.start_trial(experiment_id, "trial_0", {}, lab.store.url("Experiments/proxied/t0"))
    code, board = await _json(
        jp_fetch,
        "hopsml",
        "api",
        "tensorboards",
        method="POST",
        body=json.dumps({"experiments": [experiment_id]}),
    )
    assert code == 201
    return board


async def _login_cookie(http_server_client, jp_base_url: str, jp_auth_header: dict) -> str:
    """The cookie a browser holds once logged in (Jupyter sets it for a token request)."""
    response = await http_server_client.fetch(
        f"{jp_base_url}hopsml/api/tensorboards", headers=jp_auth_header
    )
    cookies = [c.split(";", 1)[0] for c in response.headers.get_list("Set-Cookie")]
    login = [c for c in cookies if c.startswith("username-")]
    assert login, cookies
    return login[0]


async def test_a_cross_site_post_through_the_proxy_is_refused_even_with_the_cookie(
    jp_serverapp, jp_fetch, http_server_client, jp_base_url, jp_auth_header, jp_http_port
) -> None:
    board = await _board_without_spark(jp_serverapp, jp_fetch)
    cookie = await _login_cookie(http_server_client, jp_base_url, jp_auth_header)
    xsrf = secrets.token_hex(16)
    here = f"http://127.0.0.1:{jp_http_port}"
    url = f"{jp_base_url}hopsml/tensorboard/{board['id']}/{TIMESERIES}"

    async def post(headers: dict, cookies: str = cookie):
        return await http_server_client.fetch(
            url,
            method="POST",
            body="requests=[]",
            headers={"Cookie": cookies, **FORM, **headers},
            raise_error=False,
            follow_redirects=False,
        )

    refused = [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},  # a sandboxed frame (TensorBoard's own page) has no cookie here
        {"Sec-Fetch-Site": "cross-site"},
        {"Referer": "https://evil.example/page"},
        {},  # the cookie alone proves nothing
        {"X-XSRFToken": "not-the-cookie"},
    ]
    for headers in refused:
        response = await post(headers)
        assert response.code == 403, headers
        assert json.loads(response.body)["message"], headers
    # Even Jupyter's XSRF token does not make another site's page this server's.
    with_token = await post(
        {"Origin": "https://evil.example", "X-XSRFToken": xsrf}, f"{cookie}; _xsrf={xsrf}"
    )
    assert with_token.code == 403
    assert "https://evil.example" in json.loads(with_token.body)["message"]

    same_origin = [
        {"Origin": here},  # what a browser sends on a POST from this server's pages
        {"Sec-Fetch-Site": "same-origin"},
        {"Referer": f"{here}/lab"},
    ]
    for headers in same_origin:
        response = await post(headers)
        assert (response.code, response.body) == (200, b"[]"), headers
    with_xsrf = await post({"X-XSRFToken": xsrf}, f"{cookie}; _xsrf={xsrf}")  # JupyterLab
    assert (with_xsrf.code, with_xsrf.body) == (200, b"[]")
    _, scripted = await _json(
        jp_fetch,
        "hopsml",
        "tensorboard",
        board["id"],
        TIMESERIES,
        method="POST",
        body="requests=[]",
        headers=FORM,
    )
    assert scripted == []  # the token in the Authorization header: a script, not a page


async def test_tensorboard_is_served_sandboxed_to_a_frame_that_needs_no_cookie(
    jp_serverapp, jp_fetch, http_server_client, jp_base_url, jp_http_port
) -> None:
    board = await _board_without_spark(jp_serverapp, jp_fetch)
    frame = board["url"]

    async def fetch(url: str, **kwargs):
        return await http_server_client.fetch(
            url, raise_error=False, follow_redirects=False, **kwargs
        )

    # No cookie, no token: the key in the URL is the credential, for this board only.
    page = await fetch(frame)
    assert page.code == 200 and page.headers["Content-Type"].startswith("text/html")
    policies = page.headers.get_list("Content-Security-Policy")
    assert SANDBOX in policies and not any("allow-same-origin" in p for p in policies)
    assert page.headers["Referrer-Policy"] == "no-referrer"  # the key stays here
    assert "Set-Cookie" not in page.headers
    head = re.search(rb"<head[^>]*>(<script[^>]*>)", page.body)
    assert head and head.group(1) == f'<script src="{frame}__hopsml__/sandbox.js">'.encode()
    shim = await fetch(f"{frame}__hopsml__/sandbox.js")
    assert shim.code == 200 and b"localStorage" in shim.body

    # TensorBoard's page, now of an opaque origin, asks with Origin: null, through CORS.
    flags = "content-type,x-tensorboard-feature-flags,x-xsrf-protected"
    preflight = await fetch(
        f"{frame}{TIMESERIES}",
        method="OPTIONS",
        headers={
            "Origin": "null",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": flags,
        },
    )
    assert preflight.code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "null"
    assert preflight.headers["Access-Control-Allow-Headers"] == flags
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    headers = {"Origin": "null", "X-XSRF-Protected": "1", **FORM}
    data = await fetch(f"{frame}{TIMESERIES}", method="POST", body="requests=[]", headers=headers)
    assert (data.code, data.body) == (200, b"[]")
    assert data.headers["Access-Control-Allow-Origin"] == "null"
    assert "Access-Control-Allow-Credentials" not in data.headers
    runs = await fetch(f"{frame}data/runs", headers={"Origin": "null"})
    assert runs.code == 200 and SANDBOX in runs.headers.get_list("Content-Security-Policy")

    # Another site's page, even knowing the key, may not post; a wrong key opens nothing.
    evil = {"Origin": "https://evil.example", **FORM}
    cross = await fetch(f"{frame}{TIMESERIES}", method="POST", body="requests=[]", headers=evil)
    assert cross.code == 403 and "Access-Control-Allow-Origin" not in cross.headers
    wrong = frame[:-2] + ("0" if frame[-2] != "0" else "1") + "/"
    for method in ("GET", "POST", "OPTIONS"):
        refused = await fetch(wrong, method=method, body="" if method == "POST" else None)
        assert refused.code == 403 and b"not valid" in refused.body, method

    # The Jupyter-authenticated proxy sandboxes its answers too, and sends the page itself
    # to the frame: served there, its requests would carry no cookie.
    proxied = await jp_fetch("hopsml", "tensorboard", board["id"], "data", "runs")
    assert SANDBOX in proxied.headers.get_list("Content-Security-Policy")
    for path in (board["id"], f"{board['id']}/"):
        moved = await jp_fetch(
            "hopsml", "tensorboard", path, follow_redirects=False, raise_error=False
        )
        assert (moved.code, moved.headers["Location"]) == (302, frame), path

    # Stopped: the key dies with the process.
    await jp_fetch("hopsml", "api", "tensorboards", board["id"], method="DELETE")
    assert (await fetch(frame)).code == 403
    for path in (board["id"], f"{board['id']}/"):
        with pytest.raises(HTTPClientError) as gone:
            await jp_fetch("hopsml", "tensorboard", path, follow_redirects=False)
        assert gone.value.code == 404, path
