"""The model server process: ``python -m hopsml_lab.deployments.serve --model-dir DIR
--name NAME --version N [--script predictor.py] [--transformer transformer.py]
[--host 127.0.0.1] (--port P | --fd N)``.

It exits as soon as the process that started it is gone (no orphans), and serves with
uvicorn. A deployment's keeper (``keeper.py``) runs each instance with ``--fd``: the
listening socket it inherits, shared by all the deployment's instances, so that old and
new instances serve side by side during a roll-out. ``--ready-file`` is written once the
instance accepts requests. On SIGTERM an instance stops accepting, answers what its open
connections still send for up to ``--drain-seconds`` with ``Connection: close`` (so
keep-alive clients move to another instance without a failed request), then ends.
``--workers K`` (with ``--port`` only) runs K processes under uvicorn's own manager.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import socket
from pathlib import Path
from typing import Any

from ..processes import HOST, PARENT_ENV, watch_parent
from .app import MAX_BODY_BYTES, InferenceShortcut, create_app
from .loaders import WORKERS_ENV, Transformer, load_model

CONFIG_ENV = "HOPSML_MODEL_SERVER"


def app_from_env() -> InferenceShortcut:
    """The app for the model named in ``CONFIG_ENV`` (uvicorn's factory, in each worker)."""
    config = json.loads(os.environ[CONFIG_ENV])
    if os.environ.get(PARENT_ENV) != str(os.getpid()):
        watch_parent()  # a worker (--workers > 1): exit with the server's main process
    script = Path(config["script"]) if config["script"] else None
    model = load_model(Path(config["model_dir"]), config["model_server"], script)
    transformer = _transformer(config["model_dir"], config.get("transformer"))
    app = create_app(
        model, config["name"], config["version"], config["max_body_bytes"], transformer=transformer
    )
    settle_heap()
    return app


def _transformer(model_dir: str, script: str | None) -> Transformer | None:
    """The deployment's transformer (its script's ``Transformer`` class), if it has one."""
    return Transformer(Path(model_dir), Path(script)) if script else None


def settle_heap() -> None:
    """Move what loading made (TensorFlow's and Keras's ~400,000 objects) out of the
    garbage collector's sight: a full collection over them takes ~100-200 ms, a pause
    that would land on whichever request triggers it."""
    gc.collect()
    gc.freeze()


class ClosingWhenDraining:
    """ASGI wrapper: once ``draining``, every answer carries ``Connection: close``, so a
    keep-alive client opens its next connection elsewhere instead of racing a close."""

    def __init__(self, app: Any) -> None:
        self.app, self.draining = app, False

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if not self.draining or scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_closing(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"connection"]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, send_closing)


def _instance_server(app: ClosingWhenDraining, config: Any, ready: Path | None, drain: float):  # type: ignore[no-untyped-def]
    import uvicorn

    class InstanceServer(uvicorn.Server):
        """uvicorn, telling its keeper when it is ready and draining before it ends."""

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if not self.started:
                return
            # uvicorn names the address only of sockets it binds itself
            logging.getLogger("uvicorn.error").info(
                "Uvicorn running on http://%s:%d (a socket shared by the deployment's instances)",
                self.config.host,
                self.config.port,
            )
            if ready is not None:
                ready.write_text(str(os.getpid()))

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            for server in self.servers:
                server.close()  # stop accepting: the other instances take new connections
            app.draining = True
            loop = asyncio.get_running_loop()
            deadline = loop.time() + drain
            while self.server_state.connections and loop.time() < deadline:
                await asyncio.sleep(0.02)
            await super().shutdown(sockets=sockets)

    return InstanceServer(config)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m hopsml_lab.deployments.serve")
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--version", type=int, required=True)
    parser.add_argument("--model-server", default="PYTHON")
    parser.add_argument("--script", default=None)
    parser.add_argument("--transformer", default=None, help="a script with a Transformer class")
    parser.add_argument("--host", default=HOST)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--fd", type=int, default=None, help="an inherited listening socket")
    parser.add_argument("--ready-file", default=None)
    parser.add_argument("--drain-seconds", type=float, default=2.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--max-body-bytes", type=int, default=MAX_BODY_BYTES)
    args = parser.parse_args(argv)
    watch_parent()
    if args.fd is not None:
        _serve_inherited(args)
        return
    os.environ[PARENT_ENV] = str(os.getpid())  # workers watch this process
    os.environ[WORKERS_ENV] = str(args.workers)
    os.environ[CONFIG_ENV] = json.dumps(
        {
            "model_dir": args.model_dir,
            "name": args.name,
            "version": args.version,
            "model_server": args.model_server,
            "script": args.script,
            "transformer": args.transformer,
            "max_body_bytes": args.max_body_bytes,
        }
    )
    import uvicorn

    uvicorn.run(
        "hopsml_lab.deployments.serve:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers if args.workers > 1 else None,
        log_level="info",
        access_log=False,
        proxy_headers=False,  # nothing reads the client's address: skip the middleware
    )


def _serve_inherited(args: argparse.Namespace) -> None:
    """One instance on the keeper's socket (the model is loaded before it accepts)."""
    import uvicorn

    script = Path(args.script) if args.script else None
    model = load_model(Path(args.model_dir), args.model_server, script)
    transformer = _transformer(args.model_dir, args.transformer)
    served = create_app(
        model, args.name, args.version, args.max_body_bytes, transformer=transformer
    )
    app = ClosingWhenDraining(served)
    settle_heap()
    # host and port only name the socket in uvicorn's log; it serves the inherited one.
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        log_level="info",
        access_log=False,
        proxy_headers=False,
    )
    ready = Path(args.ready_file) if args.ready_file else None
    server = _instance_server(app, config, ready, args.drain_seconds)
    server.run(sockets=[socket.socket(fileno=args.fd)])


if __name__ == "__main__":
    main()
