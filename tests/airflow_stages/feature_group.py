"""Stage feature_group: the customers into feature group customers v1, guarded by the
same rules as an expectation suite."""

import argparse

import pandas as pd

from hopsml_lab import hopsworks

parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True)
parser.add_argument("--rules", required=True)
args = parser.parse_args()

fs = hopsworks.login().get_feature_store()
fg = fs.get_or_create_feature_group(
    "customers", version=1, primary_key=["id"], expectation_suite=args.rules
)
_job, report = fg.insert(pd.read_csv(args.data))
print(f"inserted into {fg.name} v{fg.version}; validation success={report.success}")
