"""pandera's pyspark backend, in its own venv (peers.txt: pandera).

Task:
  spark --data DIR --rules RULES.json [--repeat N]
      validates a Parquet directory on local[2] with a DataFrameSchema built from the
      rules (not_null -> nullable=False, between -> Check.in_range, in_set ->
      Check.isin; pandera has no built-in row-count check, so that rule is left out);
      prints {"samples_ms": [...], "failed": [...]}.
"""

from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("PANDERA_VALIDATION_DEPTH", "SCHEMA_AND_DATA")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("task", choices=["spark"])
    parser.add_argument("--data", required=True)
    parser.add_argument("--rules", required=True)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    import pandera.pyspark as pa
    from pyspark.sql import SparkSession

    with open(args.rules) as f:
        rules = json.load(f)
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    df = spark.read.parquet(args.data)
    types = {f.name: f.dataType for f in df.schema.fields}
    columns: dict[str, dict] = {}
    for rule in rules:
        if rule["column"] is None:
            continue
        spec = columns.setdefault(rule["column"], {"nullable": True, "checks": []})
        if rule["kind"] == "not_null":
            spec["nullable"] = False
        elif rule["kind"] == "between":
            p = rule["params"]
            spec["checks"].append(pa.Check.in_range(p["min"], p["max"]))
        elif rule["kind"] == "in_set":
            spec["checks"].append(pa.Check.isin(rule["params"]["values"]))
    schema = pa.DataFrameSchema(
        {
            name: pa.Column(types[name], checks=spec["checks"], nullable=spec["nullable"])
            for name, spec in columns.items()
        }
    )
    samples, failed = [], []
    for _ in range(args.repeat):
        df = spark.read.parquet(args.data)
        start = time.perf_counter()
        checked = schema.validate(df)
        errors = dict(checked.pandera.errors)
        samples.append((time.perf_counter() - start) * 1000)
        failed = sorted(
            {
                f"{e.get('column')}:{e.get('check')}"
                for kinds in errors.values()
                for reasons in kinds.values()
                for e in reasons
            }
        )
    spark.stop()
    print(json.dumps({"samples_ms": samples, "failed": failed}))


if __name__ == "__main__":
    main()
