"""The process a notebook job runs as: papermill executes the notebook with its
parameters injected (typed as papermill's ``-p`` types them) and writes the executed copy;
the cells' printed output goes to this process's stdout and stderr, and a failing cell's
error, without colour codes, to stderr with exit status 1.

``python -m hopsml_lab.pipelines.notebook_runner INPUT OUTPUT PARAMS_JSON CWD``
"""

from __future__ import annotations

import json
import re
import sys

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
KERNEL = "python3"


def typed(value: str) -> object:
    """A parameter's value as papermill's ``-p`` reads it: bool, None, int, float, else
    the string."""
    if value in ("True", "true"):
        return True
    if value in ("False", "false"):
        return False
    if value == "None":
        return None
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


def main(argv: list[str]) -> int:
    source, target, params_json, cwd = argv
    import papermill
    from papermill.exceptions import PapermillExecutionError

    params = {key: typed(value) for key, value in json.loads(params_json).items()}
    try:
        papermill.execute_notebook(
            source,
            target,
            parameters=params,
            kernel_name=KERNEL,
            language="python",
            cwd=cwd,
            progress_bar=False,
            log_output=False,
            stdout_file=sys.stdout,
            stderr_file=sys.stderr,
        )
    except PapermillExecutionError as error:
        sys.stdout.flush()
        print(_ANSI.sub("", str(error)), file=sys.stderr)
        return 1
    except Exception as error:  # any other reason, said in one line
        print(f"papermill could not run {source}: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
