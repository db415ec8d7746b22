"""Seeding a demo project: ``python -m hopsml_lab.demo seed DIR``."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

EXAMPLES = Path(__file__).with_name("examples")


def seed(folder: Path) -> list[Path]:
    """Copy the example notebooks into ``folder``, leaving the user's own copies alone."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for notebook in sorted(EXAMPLES.glob("*.ipynb")):
        target = folder / notebook.name
        if not target.exists():
            shutil.copyfile(notebook, target)
            written.append(target)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m hopsml_lab.demo")
    commands = parser.add_subparsers(dest="command", required=True)
    seed_parser = commands.add_parser("seed", help="Copy the example notebooks into a folder.")
    seed_parser.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    for path in seed(args.folder):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
