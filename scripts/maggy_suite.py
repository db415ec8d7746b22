"""maggy 1.1.2's own test suite, run against the real maggy and against ``hopsml_lab.maggy``.

Nothing of maggy is kept in this repository: at run time maggy's sdist is fetched from
the package registry (``pip download --no-deps maggy==1.1.2``) into a temporary folder
and its ``maggy/tests`` extracted twice:

* unmodified, run by pytest in the ``maggy`` peer's venv (``benchmarks/peers.txt``:
  Python 3.8, maggy's own pins, pyspark 3.5, whose ``HiveContext`` the conftest imports);
* with only import lines rewritten, run by pytest in our venv: ``maggy`` becomes
  ``hopsml_lab.maggy``, and ``from pyspark import HiveContext`` (removed in Spark 4,
  SPARK-46171; no test uses the fixture built from it) imports pyspark's ``SQLContext``
  under that name. The conftest's ``findspark`` is installed into the temporary folder.

Both runs get ``--spark-master local[2]`` (maggy's conftest demands one). Prints one row
per test with both outcomes::

    .venv/bin/python scripts/maggy_suite.py
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.peers import peer_env, peer_python  # noqa: E402

VERSION = "1.1.2"
SUITE = "maggy_tests"  # the folder the tests land in (not ``tests``: ours is a package too)
SPARK_MASTER = "local[2]"
_IMPORT = re.compile(r"^(\s*)(from|import)\s+maggy(?=[\s.])")
_HIVE = re.compile(r"^(\s*)from pyspark import HiveContext(?=\s*$)")


@dataclass(frozen=True)
class Row:
    test: str  # "test_searchspace.py::test_searchspace_init"
    real: str  # passed, failed, error, skipped
    ours: str
    real_reason: str = ""
    ours_reason: str = ""


def download(into: Path) -> Path:
    """maggy's sdist from the package registry; its path."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps",
         f"maggy=={VERSION}", "-d", str(into)],
        check=True,
    )  # fmt: skip
    found = sorted(into.glob(f"maggy-{VERSION}.tar.gz"))
    if not found:
        raise FileNotFoundError(f"pip download left no maggy-{VERSION}.tar.gz in {into}")
    return found[0]


def extract_tests(sdist: Path, into: Path) -> dict[str, str]:
    """``{file name: text}`` of the sdist's ``maggy/tests``."""
    prefix = f"maggy-{VERSION}/maggy/tests/"
    files: dict[str, str] = {}
    with tarfile.open(sdist) as tar:
        for member in tar.getmembers():
            if member.isfile() and member.name.startswith(prefix) and member.name.endswith(".py"):
                name = member.name[len(prefix) :]
                if "/" not in name:
                    data = tar.extractfile(member)
                    assert data is not None
                    files[name] = data.read().decode("utf-8")
    if "conftest.py" not in files:
        raise FileNotFoundError(f"{sdist} has no maggy/tests/conftest.py")
    return files


def rewrite_imports(text: str) -> str:
    """Only import lines change: ``maggy`` -> ``hopsml_lab.maggy``; pyspark's removed
    ``HiveContext`` -> its ``SQLContext`` under that name."""
    lines = []
    for line in text.splitlines(keepends=True):
        line = _IMPORT.sub(r"\1\2 hopsml_lab.maggy", line)
        line = _HIVE.sub(r"\1from pyspark.sql import SQLContext as HiveContext", line)
        lines.append(line)
    return "".join(lines)


def write_suite(files: dict[str, str], root: Path, rewrite: bool) -> Path:
    suite = root / SUITE
    suite.mkdir(parents=True)
    for name, text in files.items():
        (suite / name).write_text(rewrite_imports(text) if rewrite else text)
    return suite


def test_names(files: dict[str, str]) -> list[str]:
    """Every ``test_*`` function of the suite's modules, in file order."""
    names = []
    for name in sorted(files):
        if name.startswith("test_"):
            tree = ast.parse(files[name])
            names += [
                f"{name}::{node.name}"
                for node in tree.body
                if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
            ]
    return names


def run_pytest(python: str, root: Path, report: Path, env: dict[str, str], timeout: int) -> str:
    """pytest over the suite in ``root``; its output (the JUnit XML lands in ``report``)."""
    args = [python, "-m", "pytest", SUITE, "-q", "-p", "no:cacheprovider", "-rA",
            "--continue-on-collection-errors", "--spark-master", SPARK_MASTER,
            f"--junitxml={report}"]  # fmt: skip
    done = subprocess.run(
        args, cwd=root, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    return done.stdout + done.stderr


def outcomes(report: Path) -> dict[str, tuple[str, str]]:
    """``{"file.py::test" or "file.py": (outcome, reason)}`` from a JUnit report; a module
    that failed to import is keyed by its file name."""
    found: dict[str, tuple[str, str]] = {}
    if not report.exists():
        return found
    for case in ET.parse(report).getroot().iter("testcase"):
        module = (case.get("classname") or case.get("name") or "").split(".")[-1]
        key = f"{module}.py"
        if case.get("classname"):
            key += f"::{case.get('name')}"
        outcome, reason = "passed", ""
        for kind in ("failure", "error", "skipped"):
            node = case.find(kind)
            if node is not None:
                outcome = {"failure": "failed"}.get(kind, kind)
                reason = _reason(node)
                break
        found[key] = (outcome, reason)
    return found


def _reason(node: ET.Element) -> str:
    """The last line of the traceback that names an exception, else the message."""
    text = (node.text or "").strip().splitlines()
    errors = [line[2:].strip() for line in text if line.startswith("E ")]
    last = errors[-1] if errors else (node.get("message") or "")
    return last[:160]


def _outcome(found: dict[str, tuple[str, str]], test: str) -> tuple[str, str]:
    if test in found:
        return found[test]
    module = test.split("::")[0]
    if module in found:  # the module did not import: none of its tests ran
        return "error", found[module][1]
    return "not run", ""


def compare(timeout: int = 900) -> list[Row]:
    """Run the suite on real maggy and on ours; one row per test."""
    with tempfile.TemporaryDirectory(prefix="maggy_suite_") as tmp:
        work = Path(tmp)
        files = extract_tests(download(work / "sdist"), work)
        write_suite(files, work / "real", rewrite=False)
        write_suite(files, work / "ours", rewrite=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--target", str(work / "site"),
             "findspark"],
            check=True,
        )  # fmt: skip
        real_env = peer_env()
        ours_env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(work / "site"), str(REPO)]),
            "HOPSML_PROJECT_ROOT": str(work / "project"),
            "TF_CPP_MIN_LOG_LEVEL": "2",
        }
        real_python = str(peer_python("maggy"))
        run_pytest(real_python, work / "real", work / "real.xml", real_env, timeout)
        run_pytest(sys.executable, work / "ours", work / "ours.xml", ours_env, timeout)
        real, ours = outcomes(work / "real.xml"), outcomes(work / "ours.xml")
        rows = []
        for test in test_names(files):
            (r, r_why), (o, o_why) = _outcome(real, test), _outcome(ours, test)
            rows.append(Row(test, r, o, r_why, o_why))
        return rows


def table(rows: list[Row]) -> str:
    width = max(len(r.test) for r in rows)
    lines = [f"{'test':<{width}}  {'maggy 1.1.2':<11}  hopsml_lab.maggy"]
    for r in rows:
        lines.append(f"{r.test:<{width}}  {r.real:<11}  {r.ours}")
        for who, why in (("maggy", r.real_reason), ("ours", r.ours_reason)):
            if why:
                lines.append(f"{'':<{width}}    {who}: {why}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(compare()))
