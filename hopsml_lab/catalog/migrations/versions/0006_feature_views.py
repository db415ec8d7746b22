"""feature views, training datasets and the online store's rows

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feature_views",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("query", sa.JSON(), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("inference_helper_columns", sa.JSON(), nullable=False),
        sa.Column("training_helper_columns", sa.JSON(), nullable=False),
        sa.Column("transformation_functions", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "name", "version", name="uq_feature_views_name_version"),
    )
    op.create_table(
        "training_datasets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("feature_view_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("data_format", sa.String(length=32), nullable=False),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("materialized", sa.Boolean(), nullable=False),
        sa.Column("splits", sa.JSON(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=True),
        sa.Column("label", sa.JSON(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("lineage", sa.JSON(), nullable=False),
        sa.Column("transformation_statistics", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("statistics", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["feature_view_id"], ["feature_views.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "project_id", "feature_view_id", "name", "version", name="uq_training_datasets_version"
        ),
    )
    op.create_table(
        "online_rows",
        sa.Column("feature_group_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=1000), nullable=False),
        sa.Column("row", sa.JSON(), nullable=False),
        sa.Column("commit_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["feature_group_id"], ["feature_groups.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("feature_group_id", "key"),
    )


def downgrade() -> None:
    op.drop_table("online_rows")
    op.drop_table("training_datasets")
    op.drop_table("feature_views")
