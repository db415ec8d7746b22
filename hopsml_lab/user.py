"""Hopsworks' ``hops.user`` (creating Hopsworks users), kept by name and signature:
HopsML Lab has no users of its own, so it raises :class:`~hopsml_lab.exceptions.ClusterOnly`.
"""

from __future__ import annotations

import logging
from typing import Any

from .exceptions import cluster_only

log = logging.getLogger(__name__)


@cluster_only("HopsML Lab has no user accounts: whoever runs the Jupyter server uses it")
def create_user(new_user: Any) -> None: ...
