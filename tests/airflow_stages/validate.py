"""Stage validate: the incoming customers must pass the rules before anything uses them
(exit 1 when a rule fails, so the pipeline stops here)."""

import argparse
import sys

import pandas as pd

from hopsml_lab import validation

parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True)
parser.add_argument("--rules", required=True)
args = parser.parse_args()

report = validation.validate(pd.read_csv(args.data), args.rules)
for failed in report.failed:
    print(f"rule failed: {failed.to_dict()}", file=sys.stderr)
print(f"validated {report.row_count} rows of {args.data}: success={report.success}")
sys.exit(0 if report.success else 1)
