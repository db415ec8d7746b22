"""Hopsworks' ``hops.tls`` (the project user's X.509 key and trust stores), kept by name
and signature: HopsML Lab issues no certificates, so each function raises
:class:`~hopsml_lab.exceptions.ClusterOnly`, saying to point clients at your own files.
"""

from __future__ import annotations

from .exceptions import cluster_only

_INSTEAD = (
    "HopsML Lab issues no project certificates; give TLS clients the paths and "
    "passwords of your own key and trust stores"
)


@cluster_only(_INSTEAD)
def get_key_store() -> str: ...


@cluster_only(_INSTEAD)
def get_trust_store() -> str: ...


@cluster_only(_INSTEAD)
def get_key_store_cert() -> bytes: ...


@cluster_only(_INSTEAD)
def get_key_store_pwd() -> str: ...


@cluster_only(_INSTEAD)
def get_trust_store_pwd() -> str: ...


@cluster_only(_INSTEAD)
def get_client_certificate_location() -> str: ...


@cluster_only(_INSTEAD)
def get_client_key_location() -> str: ...


@cluster_only(_INSTEAD)
def get_ca_chain_location() -> str: ...


@cluster_only(_INSTEAD)
def pems_dir(pem: str) -> str: ...
