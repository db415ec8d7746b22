"""Seeding a demo project: ``python -m hopsml_lab.demo seed DIR`` copies the example
notebooks into DIR and, once, gives the project (``$HOPSML_PROJECT_ROOT``, else DIR) a
small feature store: two feature groups with two commits each, their statistics, a
feature view and a train/test split of it, written through the hsfs API a notebook uses.
``customers`` carries an expectation suite (``CUSTOMERS_SUITE``): each insert is
validated, so it has two validation reports, one per commit; the second batch is too
small for the suite's row count and fails (ingested anyway: the policy is "always").
"""

from __future__ import annotations

import argparse
import os
import shutil
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

EXAMPLES = Path(__file__).with_name("examples")
PLANS = ["free", "pro", "team"]
COUNTRIES = ["SE", "DE", "FR", "ES", "IT"]
CUSTOMERS_SUITE = {
    "expectation_suite_name": "customers",
    "expectations": [
        {"expectation_type": "expect_column_values_to_not_be_null", "kwargs": {"column": "cust"}},
        {"expectation_type": "expect_column_values_to_be_unique", "kwargs": {"column": "cust"}},
        {
            "expectation_type": "expect_column_values_to_be_between",
            "kwargs": {"column": "age", "min_value": 18, "max_value": 100},
        },
        {
            "expectation_type": "expect_column_values_to_be_in_set",
            "kwargs": {"column": "plan", "value_set": PLANS},
        },
        {
            "expectation_type": "expect_column_values_to_not_be_null",
            "kwargs": {"column": "monthly_spend", "mostly": 0.9},
        },
        {
            "expectation_type": "expect_table_row_count_to_be_between",
            "kwargs": {"min_value": 100, "max_value": None},
            "meta": {"notes": "a load brings at least 100 customers"},
        },
    ],
    "meta": {},
}
"""The demo's suite of ``customers`` (Great Expectations 0.18 JSON, as hsfs keeps it)."""


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


def _customers(ids: range, seed: int) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    n = len(ids)
    plan = rng.choice(PLANS, n, p=[0.5, 0.35, 0.15])
    spend = rng.gamma(2.0, 20.0, n).round(2) + np.where(plan == "free", 0, 30)
    spend[rng.random(n) < 0.03] = np.nan  # a few customers never billed
    age = rng.integers(18, 80, n)
    churned = rng.random(n) < np.where(plan == "free", 0.3, 0.1) + (age < 25) * 0.1
    return pd.DataFrame(
        {
            "cust": list(ids),
            "age": age,
            "plan": plan,
            "country": rng.choice(COUNTRIES, n, p=[0.3, 0.25, 0.2, 0.15, 0.1]),
            "monthly_spend": spend,
            "churned": churned,
            "updated_at": pd.Timestamp("2024-06-01")
            + pd.to_timedelta(rng.integers(0, 30 * 24, n), unit="h"),
        }
    )


def _orders(ids: range, customers: int, seed: int) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    n = len(ids)
    return pd.DataFrame(
        {
            "order_id": list(ids),
            "cust": rng.integers(0, customers, n),
            "amount": rng.lognormal(3.5, 0.6, n).round(2),
            "items": rng.integers(1, 8, n),
            "channel": rng.choice(["web", "app", "store"], n, p=[0.5, 0.35, 0.15]),
            "ordered_at": pd.Timestamp("2024-05-01")
            + pd.to_timedelta(rng.integers(0, 60 * 24 * 60, n), unit="min"),
        }
    )


def seed_feature_store() -> list[str]:
    """The demo feature store of the current project (``hopsworks.login()``'s), made
    once: returns what it made (nothing when ``customers`` version 1 exists)."""
    from . import hopsworks
    from .featurestore.errors import VersionWarning

    fs = hopsworks.login(engine="python").get_feature_store()
    if fs.get_feature_group("customers", version=1) is not None:
        return []
    customers = fs.get_or_create_feature_group(
        "customers",
        version=1,
        description="Customers of the demo shop: one row per customer, latest state",
        primary_key=["cust"],
        event_time="updated_at",
        statistics_config={"histograms": True, "correlations": True},
        expectation_suite=CUSTOMERS_SUITE,
    )
    customers.insert(_customers(range(500), seed=1))
    # The second commit: 50 customers changed, 20 new.
    customers.insert(_customers(range(450, 520), seed=2))
    for name, text in (
        ("age", "Age in years"),
        ("plan", "Subscription plan: free, pro or team"),
        ("country", "Billing country (ISO 3166)"),
        ("monthly_spend", "Average monthly spend, EUR; empty when never billed"),
        ("churned", "Cancelled within 90 days (the label)"),
    ):
        customers.update_feature_description(name, text)

    orders = fs.get_or_create_feature_group(
        "orders",
        version=1,
        description="Orders of the demo shop",
        primary_key=["order_id"],
        event_time="ordered_at",
    )
    orders.insert(_orders(range(2000), customers=520, seed=3))
    orders.insert(_orders(range(2000, 2300), customers=520, seed=4))
    orders.update_feature_description("amount", "Order total incl. tax, EUR")
    orders.update_feature_description("channel", "Where it was ordered: web, app or store")

    query = customers.select(["cust", "age", "plan", "monthly_spend", "churned"]).join(
        orders.select(["amount", "items", "channel"]), on=["cust"]
    )
    view = fs.get_or_create_feature_view(
        "churn",
        version=1,
        query=query,
        description="Churn by plan, spend and orders",
        labels=["churned"],
    )
    with warnings.catch_warnings():  # "Incremented version to `1`": the first split
        warnings.simplefilter("ignore", VersionWarning)
        view.create_train_test_split(test_size=0.2, seed=42, description="First split")
    return [
        "customers v1",
        "orders v1",
        "churn v1 (feature view)",
        "its train/test split",
        "2 validation reports of customers v1 (the second fails)",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m hopsml_lab.demo")
    commands = parser.add_subparsers(dest="command", required=True)
    seed_parser = commands.add_parser(
        "seed", help="Copy the example notebooks into a folder; seed the feature store once."
    )
    seed_parser.add_argument("folder", type=Path)
    seed_parser.add_argument(
        "--no-feature-store", action="store_true", help="Only copy the notebooks."
    )
    args = parser.parse_args(argv)
    for path in seed(args.folder):
        print(f"wrote {path}")
    if not args.no_feature_store:
        from .featurestore import FeatureStoreException
        from .lab import Lab, set_lab
        from .settings import Settings

        root = os.environ.get("HOPSML_PROJECT_ROOT") or str(args.folder)
        set_lab(Lab(Settings.from_env(project_root=root)))
        try:
            made = seed_feature_store()
        except FeatureStoreException as error:  # e.g. an HDFS project: no demo groups
            print(f"no demo feature store: {error}")
            return
        for what in made:
            print(f"made {what}")


if __name__ == "__main__":
    main()
