"""Kubernetes manifests for serving a registered model version on a cluster: a KServe
``InferenceService`` (serving.kserve.io/v1beta1), or a TensorFlow Serving ``Deployment``
and ``Service``; as dicts and as YAML. Nothing here talks to a cluster.

Where the model's files are: ``<storage root>/Models/<name>/<version>/Files`` (or the
version folder itself for hops ``model.export`` versions). The storage root is the
project's own ``hdfs://`` root when the project is on HDFS; a project on a local folder
needs the URI its ``Models`` folder is copied to (``pvc://CLAIM/PATH``, ``s3://BUCKET/PATH``,
``gs://...``).

- TensorFlow models: KServe's ``tensorflow`` model format (TF Serving for protocol v1,
  Triton for v2), or the ``tensorflow/serving`` image (REST on 8501, gRPC on 8500). TF
  Serving reads ``<base path>/<version>/saved_model.pb``, so an init container (KServe's
  storage initializer, which reads hdfs, s3, gs and local paths) copies the version's
  files to ``/mnt/models/<version>`` first.
- Other models: a custom KServe predictor running this package's model server,
  ``python -m hopsml_lab.deployments.serve`` (TF Serving REST and V2 on one port, 8080),
  its files put in ``/mnt/models`` by KServe from ``STORAGE_URI``. Python models also
  need their predictor script inside the image (``script=``).

>>> print(render("kserve", "mnist", 1, storage_root="pvc://models/demo"))  # doctest: +SKIP
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
...
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

import yaml

from .. import __version__
from ..catalog import ModelRecord
from ..errors import BadInput, clip
from ..lab import get_lab
from ..registry import Registry
from .launch import default_name, pick_version

KINDS = ("kserve", "tfserving")
PROTOCOLS = ("v1", "v2")
SCHEMES = ("hdfs://", "webhdfs://", "pvc://", "s3://", "gs://")
MODEL_SERVER_IMAGE = f"hopsml-lab:{__version__}"
"""An image with this package installed (``pip install hopsml-lab``); give your own."""
TF_SERVING_IMAGE = "tensorflow/serving:2.16.1"
STORAGE_INITIALIZER_IMAGE = "kserve/storage-initializer:v0.15.2"
REST_PORT, GRPC_PORT, SERVER_PORT = 8501, 8500, 8080
MODELS_MOUNT, PVC_MOUNT = "/mnt/models", "/mnt/pvc"
SERVER_MODULE = f"{__package__}.serve"  # the model server's module, run in the container
_K8S_NAME = re.compile(r"[a-z]([-a-z0-9]{0,43}[a-z0-9])?")


def model_uri(record: ModelRecord, storage_root: str | None = None) -> str:
    """The URI of the version's model files as a cluster reads them."""
    lab = get_lab()
    root = storage_root if storage_root is not None else lab.store.url("")
    if not root.startswith(SCHEMES):
        raise BadInput(
            f"the project's files are at {clip(root)}, which a cluster cannot read: give the "
            f"storage root its Models folder is copied to, starting with one of {SCHEMES} "
            "(storage_root=..., --storage-uri URI), e.g. pvc://models/demo"
        )
    folder = Registry(lab.store, lab).files_folder(record)
    return f"{root.rstrip('/')}/{folder}"


def _name(record: ModelRecord, name: str | None) -> str:
    chosen = name if name is not None else default_name(record.name).lower()
    if not _K8S_NAME.fullmatch(chosen):
        raise BadInput(
            f"name {clip(chosen)!r}: Kubernetes names are lowercase letters, digits and '-', "
            "starting with a letter, at most 45 characters (e.g. "
            f"{default_name(record.name).lower()[:45] or 'model'!r})"
        )
    return chosen


def _resources(cpu: str, memory: str, gpus: int) -> dict[str, Any]:
    if isinstance(gpus, bool) or not isinstance(gpus, int) or gpus < 0:
        raise BadInput(f"gpus={clip(repr(gpus))}: give a whole number, 0 or more")
    requests: dict[str, Any] = {"cpu": str(cpu), "memory": str(memory)}
    limits = dict(requests)
    if gpus:
        limits["nvidia.com/gpu"] = gpus
    return {"requests": requests, "limits": limits}


def _labels(record: ModelRecord, name: str) -> dict[str, str]:
    return {
        "app": name,
        "hopsml.io/model": default_name(record.name).lower() or "model",
        "hopsml.io/model-version": str(record.version),
    }


def _is_tensorflow(record: ModelRecord) -> bool:
    return record.framework == "TENSORFLOW"


def _copy_in(uri: str, target: str, volume: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """An init container copying ``uri`` to ``target`` on ``volume``, and the volumes it
    needs beyond that one (a claim, for a ``pvc://`` URI)."""
    mounts = [{"name": volume, "mountPath": MODELS_MOUNT}]
    volumes: list[dict[str, Any]] = []
    source = uri
    if uri.startswith("pvc://"):
        claim, _, path = uri[len("pvc://") :].partition("/")
        source = posixpath.join(PVC_MOUNT, path)
        mounts.append({"name": "model-claim", "mountPath": PVC_MOUNT, "readOnly": True})
        volumes.append(
            {"name": "model-claim", "persistentVolumeClaim": {"claimName": claim, "readOnly": True}}
        )
    init = {
        "name": "model-download",
        "image": STORAGE_INITIALIZER_IMAGE,
        "args": [source, target],
        "volumeMounts": mounts,
    }
    return init, volumes


def kserve_inference_service(
    record: ModelRecord,
    *,
    name: str | None = None,
    storage_root: str | None = None,
    protocol: str = "v1",
    instances: int = 1,
    cpu: str = "1",
    memory: str = "1Gi",
    gpus: int = 0,
    namespace: str | None = None,
    image: str = MODEL_SERVER_IMAGE,
    script: str | None = None,
) -> dict[str, Any]:
    """A KServe ``InferenceService`` serving model version ``record``."""
    if protocol not in PROTOCOLS:
        raise BadInput(f"protocol={clip(protocol)!r}: use one of {PROTOCOLS}")
    _check_instances(instances)
    name = _name(record, name)
    uri = model_uri(record, storage_root)
    resources = _resources(cpu, memory, gpus)
    metadata: dict[str, Any] = {"name": name, "labels": _labels(record, name)}
    if namespace:
        metadata["namespace"] = namespace
    predictor: dict[str, Any] = {"minReplicas": instances, "maxReplicas": instances}
    if _is_tensorflow(record):
        init, volumes = _copy_in(uri, f"{MODELS_MOUNT}/{record.version}", "model-files")
        predictor["initContainers"] = [init]
        predictor["volumes"] = [{"name": "model-files", "emptyDir": {}}, *volumes]
        predictor["model"] = {
            "modelFormat": {"name": "tensorflow"},
            "protocolVersion": protocol,
            "resources": resources,
            "volumeMounts": [{"name": "model-files", "mountPath": MODELS_MOUNT}],
        }
        metadata["annotations"] = {"hopsml.io/storage-uri": uri}
    else:
        predictor["containers"] = [
            _model_server(record, name, uri, protocol, instances, resources, image, script)
        ]
    return {
        "apiVersion": "serving.kserve.io/v1beta1",
        "kind": "InferenceService",
        "metadata": metadata,
        "spec": {"predictor": predictor},
    }


def _model_server(
    record: ModelRecord,
    name: str,
    uri: str,
    protocol: str,
    instances: int,
    resources: dict[str, Any],
    image: str,
    script: str | None,
) -> dict[str, Any]:
    """KServe's custom predictor container running our model server on /mnt/models."""
    if record.framework == "PYTHON" and not script:
        raise BadInput(
            f"model {record.name} is a Python model: its predictor script must be in the "
            "image; give its path there (script='/app/predictor.py', --script PATH)"
        )
    args = ["--model-dir", MODELS_MOUNT, "--name", name, "--version", str(record.version)]
    args += ["--model-server", "PYTHON", "--host", "0.0.0.0", "--port", str(SERVER_PORT)]
    args += ["--script", script] if script else []
    ready = "/v2/health/ready" if protocol == "v2" else f"/v1/models/{name}"
    return {
        "name": "kserve-container",
        "image": image,
        "command": ["python", "-m", SERVER_MODULE],
        "args": args,
        "env": [
            {"name": "STORAGE_URI", "value": uri},  # KServe copies it to /mnt/models
            {"name": "DEPLOYMENT_NAME", "value": name},
        ],
        "ports": [{"containerPort": SERVER_PORT, "protocol": "TCP"}],
        "readinessProbe": {"httpGet": {"path": ready, "port": SERVER_PORT}},
        "resources": resources,
    }


def tfserving_manifests(
    record: ModelRecord,
    *,
    name: str | None = None,
    storage_root: str | None = None,
    instances: int = 1,
    cpu: str = "1",
    memory: str = "1Gi",
    gpus: int = 0,
    namespace: str | None = None,
    image: str = TF_SERVING_IMAGE,
) -> list[dict[str, Any]]:
    """A Kubernetes ``Deployment`` of TensorFlow Serving for TF model version ``record``
    and the ``Service`` in front of it (REST on 8501, gRPC on 8500)."""
    if not _is_tensorflow(record):
        raise BadInput(
            f"model {record.name} version {record.version} is a {record.framework or 'plain'} "
            "model; TensorFlow Serving serves TensorFlow SavedModels only: make a KServe "
            "manifest (kind 'kserve', --manifest kserve), which runs our model server"
        )
    _check_instances(instances)
    name = _name(record, name)
    uri = model_uri(record, storage_root)
    base = f"{MODELS_MOUNT}/{name}"
    init, volumes = _copy_in(uri, f"{base}/{record.version}", "model-files")
    labels = _labels(record, name)
    metadata: dict[str, Any] = {"name": name, "labels": labels}
    if namespace:
        metadata["namespace"] = namespace
    server = {
        "name": "tensorflow-serving",
        "image": image,
        "args": [
            f"--port={GRPC_PORT}",
            f"--rest_api_port={REST_PORT}",
            f"--model_name={name}",
            f"--model_base_path={base}",
        ],
        "ports": [
            {"name": "rest", "containerPort": REST_PORT},
            {"name": "grpc", "containerPort": GRPC_PORT},
        ],
        "readinessProbe": {"httpGet": {"path": f"/v1/models/{name}", "port": REST_PORT}},
        "resources": _resources(cpu, memory, gpus),
        "volumeMounts": [{"name": "model-files", "mountPath": MODELS_MOUNT, "readOnly": True}],
    }
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata,
        "spec": {
            "replicas": instances,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": labels, "annotations": {"hopsml.io/storage-uri": uri}},
                "spec": {
                    "initContainers": [init],
                    "containers": [server],
                    "volumes": [{"name": "model-files", "emptyDir": {}}, *volumes],
                },
            },
        },
    }
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": dict(metadata),
        "spec": {
            "selector": {"app": name},
            "ports": [
                {"name": "rest", "port": REST_PORT, "targetPort": REST_PORT},
                {"name": "grpc", "port": GRPC_PORT, "targetPort": GRPC_PORT},
            ],
        },
    }
    return [deployment, service]


def _check_instances(instances: int) -> None:
    if isinstance(instances, bool) or not isinstance(instances, int) or instances < 1:
        raise BadInput(f"instances={clip(repr(instances))}: give a whole number, 1 or more")


def to_yaml(documents: dict[str, Any] | list[dict[str, Any]]) -> str:
    """The manifests as YAML documents, separated by ``---`` (``kubectl apply -f``)."""
    items = [documents] if isinstance(documents, dict) else documents
    return yaml.safe_dump_all(items, sort_keys=False, default_flow_style=False)


def manifests(
    kind: str, model_name: str, version: int | None = None, **options: Any
) -> list[dict[str, Any]]:
    """The manifests of ``kind`` (``"kserve"`` or ``"tfserving"``) for version ``version``
    (default: the newest) of ``model_name``; ``options`` go to
    :func:`kserve_inference_service` or :func:`tfserving_manifests`."""
    return manifests_for(kind, pick_version(model_name, version), **options)


def manifests_for(kind: str, record: ModelRecord, **options: Any) -> list[dict[str, Any]]:
    if kind == "kserve":
        return [kserve_inference_service(record, **options)]
    if kind == "tfserving":
        if options.pop("protocol", "v1") != "v1":
            raise BadInput("TensorFlow Serving answers protocol v1 (and gRPC): leave v2 out")
        options.pop("script", None)
        return tfserving_manifests(record, **options)
    raise BadInput(f"manifest kind {clip(kind)!r}: use one of {KINDS}")


def render(
    kind: str,
    model_name: str,
    version: int | None = None,
    *,
    to: str | Path | None = None,
    **options: Any,
) -> str:
    """The manifests as YAML text; with ``to``, also written to that file."""
    text = to_yaml(manifests(kind, model_name, version, **options))
    if to is not None:
        Path(to).expanduser().write_text(text)
    return text
