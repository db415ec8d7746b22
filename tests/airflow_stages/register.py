"""Stage register: the best threshold as model churn_threshold in the model registry."""

import json
import tempfile
from pathlib import Path

from hopsml_lab import hopsworks

best = json.loads(Path("Resources/best.json").read_text())
folder = Path(tempfile.mkdtemp())
(folder / "weights.json").write_text(json.dumps({"threshold": best["threshold"]}))
mr = hopsworks.login().get_model_registry()
model = mr.python.create_model(
    "churn_threshold", metrics={"accuracy": best["accuracy"]}, description="spend threshold"
)
model.save(str(folder))
print(f"registered {model.name} v{model.version}")
