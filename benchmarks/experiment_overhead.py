"""``%%experiment`` overhead for a trivial function: cell start to result shown.

Runs the magic in a real IPython shell on a warm local[2] Spark session; the peer is an
MLflow-tracked run of the same function on a SQLite tracking store (its own venv).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from .peers import run_peer
from .stats import Timing, measure, ratio_line

CELL = "def trivial():\n    return {'accuracy': 1.0}\n"


def run(repeat: int = 40) -> list[str]:
    from IPython.core.interactiveshell import InteractiveShell

    from hopsml_lab.lab import Lab, set_lab
    from hopsml_lab.settings import Settings

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            project_root=str(Path(folder) / "project"),
            spark_master="local[2]",
            spark_conf={"spark.ui.enabled": "false"},
        )
        lab = Lab(settings)
        set_lab(lab)
        shell = InteractiveShell.instance()
        shell.run_line_magic("load_ext", "hopsml_lab")
        shell.display_pub.publish = lambda *a, **k: None  # type: ignore[method-assign]
        ours = measure(
            "%%experiment trivial function (local[2], SQLite catalog)",
            lambda: shell.run_cell_magic("experiment", "bench --metric accuracy", CELL),
            repeat,
            warmup=3,
        )
        lab.spark.stop()
        set_lab(None)
    peer_samples = run_peer("mlflow", "tracked_run", repeat=repeat)
    peer = Timing("MLflow start_run + log_params + log_metrics (SQLite)", peer_samples)
    return [
        "experiment overhead (aim: p95 < 50 ms)",
        ours.line(),
        peer.line(),
        ratio_line(ours, peer),
    ]
