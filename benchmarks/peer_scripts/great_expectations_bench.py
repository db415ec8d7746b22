"""Great Expectations 1.x, in its own venv (peers.txt: great_expectations and
great_expectations_spark).

Tasks:
  validate --data FILE.parquet --suite SUITE.json
      GE's pandas engine on the file; prints one JSON line
      {"samples_ms": [...], "results": [{type, success, unexpected_count, observed}]}
      (tests/test_validation_ge.py compares ours with it).
  pandas --data FILE.parquet --suite SUITE.json [--repeat N]
      the same, timed (the parquet read outside the timing).
  spark --data DIR --suite SUITE.json [--persist true|false] [--repeat N]
      GE's Spark engine (local[2]) on a Parquet directory, timed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")


def _suite(gx, path: str):
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    with open(path) as f:
        data = json.load(f)
    expectations = [
        ExpectationConfiguration(
            type=e["type"], kwargs=e["kwargs"], meta={**(e.get("meta") or {}), "index": i}
        ).to_domain_obj()
        for i, e in enumerate(data["expectations"])
    ]
    return gx.ExpectationSuite(name=data.get("name", "suite"), expectations=expectations)


def _plain(value):
    try:
        json.dumps(value)
        return value
    except TypeError:
        if hasattr(value, "item"):
            return value.item()
        if isinstance(value, list | tuple):
            return [_plain(v) for v in value]
        if isinstance(value, dict):
            return {str(k): _plain(v) for k, v in value.items()}
        return str(value)


def _results(outcome) -> list[dict]:
    out = []
    for r in outcome.results:
        result = r.result or {}
        out.append(
            {
                "index": (r.expectation_config.meta or {}).get("index"),
                "type": r.expectation_config.type,
                "success": bool(r.success),
                "unexpected_count": result.get("unexpected_count"),
                "observed": _plain(result.get("observed_value")),
                "exception": (r.exception_info or {}).get("exception_message")
                if isinstance(r.exception_info, dict)
                else None,
            }
        )
    return sorted(out, key=lambda r: r["index"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("task", choices=["validate", "pandas", "spark"])
    parser.add_argument("--data", required=True)
    parser.add_argument("--suite", required=True)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--persist", default="false")
    args = parser.parse_args()

    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    suite = _suite(gx, args.suite)
    samples, outcome = [], None
    if args.task in ("validate", "pandas"):
        import pandas as pd

        df = pd.read_parquet(args.data)
        source = context.data_sources.add_pandas("pandas")
        batch_definition = source.add_dataframe_asset("frame").add_batch_definition_whole_dataframe(
            "whole"
        )
        for _ in range(args.repeat):
            start = time.perf_counter()
            batch = batch_definition.get_batch(batch_parameters={"dataframe": df})
            outcome = batch.validate(suite, result_format="SUMMARY")
            samples.append((time.perf_counter() - start) * 1000)
    else:
        from pyspark.sql import SparkSession

        spark = (
            SparkSession.builder.master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.memory", "4g")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        persist = args.persist.lower() == "true"
        source = context.data_sources.add_spark("spark", persist=persist)
        batch_definition = source.add_dataframe_asset("frame").add_batch_definition_whole_dataframe(
            "whole"
        )
        for _ in range(args.repeat):
            df = spark.read.parquet(args.data)
            start = time.perf_counter()
            batch = batch_definition.get_batch(batch_parameters={"dataframe": df})
            outcome = batch.validate(suite, result_format="SUMMARY")
            samples.append((time.perf_counter() - start) * 1000)
            if persist:
                df.unpersist()
        spark.stop()
    print(json.dumps({"samples_ms": samples, "results": _results(outcome)}), file=sys.stdout)


if __name__ == "__main__":
    main()
