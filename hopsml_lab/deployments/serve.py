"""The model server process: ``python -m hopsml_lab.deployments.serve --model-dir DIR
--name NAME --version N [--script predictor.py] [--host 127.0.0.1] --port P``.

It exits as soon as the process that started it is gone (no orphans), and serves with
uvicorn; ``--workers K`` runs K processes on the one port, each with its own copy of
the model.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from starlette.applications import Starlette

from ..processes import HOST, PARENT_ENV, watch_parent
from .app import MAX_BODY_BYTES, create_app
from .loaders import WORKERS_ENV, load_model

CONFIG_ENV = "HOPSML_MODEL_SERVER"


def app_from_env() -> Starlette:
    """The app for the model named in ``CONFIG_ENV`` (uvicorn's factory, in each worker)."""
    config = json.loads(os.environ[CONFIG_ENV])
    if os.environ.get(PARENT_ENV) != str(os.getpid()):
        watch_parent()  # a worker (--workers > 1): exit with the server's main process
    script = Path(config["script"]) if config["script"] else None
    model = load_model(Path(config["model_dir"]), config["model_server"], script)
    return create_app(model, config["name"], config["version"], config["max_body_bytes"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m hopsml_lab.deployments.serve")
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--version", type=int, required=True)
    parser.add_argument("--model-server", default="PYTHON")
    parser.add_argument("--script", default=None)
    parser.add_argument("--host", default=HOST)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--max-body-bytes", type=int, default=MAX_BODY_BYTES)
    args = parser.parse_args(argv)
    watch_parent()
    os.environ[PARENT_ENV] = str(os.getpid())  # workers watch this process
    os.environ[WORKERS_ENV] = str(args.workers)
    os.environ[CONFIG_ENV] = json.dumps(
        {
            "model_dir": args.model_dir,
            "name": args.name,
            "version": args.version,
            "model_server": args.model_server,
            "script": args.script,
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
    )


if __name__ == "__main__":
    main()
