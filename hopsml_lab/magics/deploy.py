"""``%deploy``: deploy a registered model version from a notebook line, list the project's
deployments, stop one, or write the Kubernetes manifests that serve it on a cluster::

    %deploy iris                                   # the newest version
    %deploy iris --version 2 --instances 2
    %deploy --from-experiment last --metric accuracy
    %deploy --list
    %deploy --stop iris
    %deploy mnist --manifest kserve --storage-uri pvc://models/demo --to mnist.yaml

The work is ``deployments.launch`` (the same service hsml's ``model.deploy()`` uses) and
``deployments.manifests``; this module parses and shows.
"""

from __future__ import annotations

import argparse
import shlex
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments

from ..errors import HopsMLError, clip


def _words(line: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError as error:  # an unbalanced quote
        raise UsageError(f"{error} in: {clip(line.strip())} (close the quote)") from None


def _check(args: argparse.Namespace) -> None:
    """Refuse option sets that ask for two things at once, before anything runs."""
    if args.list or args.stop:
        given = [
            f"--{k.replace('_', '-')}"
            for k in (
                "version",
                "from_experiment",
                "metric",
                "manifest",
                "name",
                "script",
                "instances",
            )
            if getattr(args, k) is not None
        ] + (["MODEL"] if args.model else [])
        if args.list and args.stop:
            raise UsageError("%deploy: --list or --stop NAME, not both")
        if given:
            which = "--list" if args.list else "--stop"
            raise UsageError(f"%deploy {which} takes no {', '.join(given)}")
        return
    if args.version is not None and args.from_experiment is not None:
        raise UsageError(
            "%deploy: --version N deploys that version; --from-experiment picks the version "
            "the best trial saved. Give one of them, not both"
        )
    if args.from_experiment is None:
        for flag in ("metric", "direction"):
            if getattr(args, flag) is not None:
                raise UsageError(
                    f"%deploy: --{flag} chooses the best trial of --from-experiment ID|last: "
                    f"give --from-experiment too, or leave --{flag} out"
                )
        if not args.model:
            raise UsageError(
                "%deploy: name the model to deploy (%deploy MODEL [--version N]), or pick "
                "it from an experiment (--from-experiment last --metric accuracy); "
                "%deploy --list shows the deployments"
            )
    if args.version is not None and args.version < 1:
        raise UsageError(f"--version {args.version}: model versions are whole numbers from 1")
    if args.to is not None and args.manifest is None:
        raise UsageError("--to FILE writes a manifest: give --manifest kserve|tfserving too")
    manifest_only = ("storage_uri", "protocol", "image", "cpu", "memory", "gpus")
    if args.manifest is None:
        extra = [f"--{k.replace('_', '-')}" for k in manifest_only if getattr(args, k)]
        if extra:
            raise UsageError(
                f"{', '.join(extra)}: options of --manifest kserve|tfserving (a local "
                "deployment needs none)"
            )


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


@magics_class
class DeployMagics(Magics):
    @magic_arguments()
    @argument("model", nargs="?", default=None, help="The registered model's name.")
    @argument("--version", type=int, default=None, metavar="N", help="Its version (newest).")
    @argument(
        "--from-experiment",
        default=None,
        metavar="ID|last",
        help="Deploy the model the best trial of this experiment saved (an id, a name, or "
        "'last' for the newest experiment).",
    )
    @argument(
        "--metric",
        default=None,
        metavar="M",
        help="--from-experiment: the trial result that picks the best trial (the "
        "experiment's own metric unless given).",
    )
    @argument(
        "--direction",
        default=None,
        type=str.lower,
        choices=["max", "min"],
        help="--from-experiment: whether larger or smaller --metric is better (the "
        "experiment's own direction unless given).",
    )
    @argument(
        "--instances",
        type=int,
        default=None,
        metavar="K",
        help="Server processes (1, or as many as the deployment has).",
    )
    @argument("--name", default=None, help="Deployment name (the model's, letters and digits).")
    @argument(
        "--script",
        default=None,
        metavar="FILE",
        help="A Python model's predictor script (a .py file with a Predict class); with "
        "--manifest, its path inside the image.",
    )
    @argument("--list", action="store_true", help="List the project's deployments.")
    @argument("--stop", default=None, metavar="NAME", help="Stop deployment NAME.")
    @argument(
        "--manifest",
        default=None,
        choices=["kserve", "tfserving"],
        help="Print Kubernetes manifests instead of deploying here: a KServe "
        "InferenceService, or a TensorFlow Serving Deployment and Service.",
    )
    @argument("--to", default=None, metavar="FILE", help="--manifest: write the YAML there.")
    @argument(
        "--storage-uri",
        default=None,
        metavar="URI",
        help="--manifest: where the cluster reads the project's files (its hdfs:// root "
        "unless given; pvc://CLAIM/PATH, s3://BUCKET/PATH, gs://...).",
    )
    @argument("--protocol", default=None, choices=["v1", "v2"], help="--manifest kserve (v1).")
    @argument("--image", default=None, help="--manifest: the server image.")
    @argument("--cpu", default=None, help="--manifest: CPU request and limit (1).")
    @argument("--memory", default=None, help="--manifest: memory request and limit (1Gi).")
    @argument("--gpus", type=int, default=None, help="--manifest: GPUs (0).")
    @line_magic
    def deploy(self, line: str) -> None:
        """Deploy a registered model version here, and show its URLs and a curl request.

        Examples::

            %deploy iris --version 1
            %deploy --from-experiment last --metric accuracy
            %deploy --list
            %deploy --stop iris
            %deploy mnist --manifest tfserving --to mnist.yaml
        """
        words = _words(line)
        if {"-h", "--help"} & set(words):
            print(self.deploy.parser.format_help())
            return None
        args = self.deploy.parser.parse_args(words)
        _check(args)
        try:
            if args.list:
                self._list()
            elif args.stop:
                self._stop(args.stop)
            elif args.manifest:
                self._manifest(args)
            else:
                self._deploy(args)
        except (HopsMLError, OSError) as error:
            raise UsageError(str(error)) from None
        return None

    def _model(self, args: argparse.Namespace) -> Any:
        """The model version the options name (a ModelRecord)."""
        from ..deployments.launch import best_trial_model, pick_version

        if args.from_experiment is None:
            return pick_version(args.model, args.version)
        pick = best_trial_model(
            args.from_experiment, args.metric, direction=args.direction, model_name=args.model
        )
        print(
            f"best trial of experiment {pick.experiment_name} ({pick.experiment_id}) by "
            f"{pick.metric} ({pick.direction}): {pick.trial_key}, {pick.metric}="
            f"{pick.value:g}; it saved {pick.model.name} version {pick.model.version}"
        )
        return pick.model

    def _deploy(self, args: argparse.Namespace) -> None:
        from ..deployments import RUNNING, DeploymentService
        from ..deployments.launch import default_name, deploy_version, endpoints

        record = self._model(args)
        name = args.name if args.name is not None else default_name(record.name)
        before = DeploymentService.here().get(name, missing_ok=True)
        deployment = deploy_version(
            record, name=name, instances=args.instances, script_file=args.script
        )
        urls = endpoints(deployment)
        count = f"{deployment.instances} instance" + ("s" if deployment.instances != 1 else "")
        rolled = (
            f" (rolled out from version {before.model_version})"
            if before is not None
            and before.state == RUNNING
            and before.model_version != deployment.model_version
            else ""
        )
        print(
            f"deployment {urls.name} is {deployment.state.lower()}: model {urls.model_name} "
            f"version {urls.model_version}, {count}{rolled}\n"
            f"  TF Serving REST: {urls.rest_url}\n"
            f"  V2 (Open Inference Protocol): {urls.v2_url}\n"
            f"  {urls.curl}"
        )

    def _list(self) -> None:
        from ..deployments import RUNNING, DeploymentService
        from ..deployments.client import predict_url

        records = DeploymentService.here().list()
        if not records:
            print("no deployments in this project yet: %deploy MODEL deploys one")
            return
        rows = [["NAME", "STATE", "MODEL", "VERSION", "INSTANCES", "URL"]]
        for r in records:
            url = predict_url(r) if r.state == RUNNING else "-"
            up = f"{r.available_instances}/" if r.state == RUNNING else ""  # answering/asked
            instances = f"{up}{r.instances}"
            rows.append([r.name, r.state, r.model_name, str(r.model_version), instances, url])
        print(_table(rows))

    def _stop(self, name: str) -> None:
        from ..deployments import DeploymentService

        record = DeploymentService.here().stop(name)
        print(
            f"deployment {record.name} is {record.state.lower()} (model {record.model_name} "
            f"version {record.model_version}); %deploy {record.model_name} starts it again"
        )

    def _manifest(self, args: argparse.Namespace) -> None:
        from ..deployments.manifests import manifests_for, to_yaml

        given = {
            "name": args.name,
            "storage_root": args.storage_uri,
            "protocol": args.protocol,
            "instances": args.instances,
            "cpu": args.cpu,
            "memory": args.memory,
            "gpus": args.gpus,
            "image": args.image,
            "script": args.script,
        }
        options = {k: v for k, v in given.items() if v is not None}
        text = to_yaml(manifests_for(args.manifest, self._model(args), **options))
        if args.to is None:
            print(text, end="")
            return
        with open(args.to, "w") as handle:
            handle.write(text)
        print(f"wrote the {args.manifest} manifests to {args.to}")
