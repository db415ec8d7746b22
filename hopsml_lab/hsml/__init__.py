"""hsml, the Hopsworks model registry client (hopsworks 5.2.1's ``hsml`` package), on the
local project: ``project.get_model_registry()`` gives a ``ModelRegistry`` whose models
live under ``Models/<name>/<version>/`` and in the catalog, the same registry hops'
``model`` module uses. ``project.get_model_serving()`` and ``Model.deploy`` run registered
models as model servers on 127.0.0.1 (TensorFlow Serving's REST API and the Open Inference
Protocol V2; see ``hopsml_lab/deployments``).
"""

from .connection import connection

__all__ = ["connection"]
