"""expectation suites of feature groups and validation reports

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "expectation_suites",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("feature_group_id", sa.Integer(), nullable=False),
        sa.Column("suite", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("run_validation", sa.Boolean(), nullable=False),
        sa.Column("validation_ingestion_policy", sa.String(length=16), nullable=False),
        sa.Column("last_expectation_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["feature_group_id"], ["feature_groups.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("feature_group_id", name="uq_expectation_suites_group"),
    )
    op.create_table(
        "validation_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("feature_group_id", sa.Integer(), nullable=True),
        sa.Column("commit_id", sa.BigInteger(), nullable=True),
        sa.Column("training_dataset_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=400), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("ingestion_result", sa.String(length=16), nullable=False),
        sa.Column("rules", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=32), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("validated_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["feature_group_id"], ["feature_groups.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["training_dataset_id"], ["training_datasets.id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("validation_reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_validation_reports_project", ["project_id", "validated_at"], unique=False
        )
        batch_op.create_index(
            "ix_validation_reports_group", ["feature_group_id", "validated_at"], unique=False
        )
        batch_op.create_index(
            "ix_validation_reports_dataset", ["training_dataset_id", "validated_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("validation_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_validation_reports_dataset")
        batch_op.drop_index("ix_validation_reports_group")
        batch_op.drop_index("ix_validation_reports_project")
    op.drop_table("validation_reports")
    op.drop_table("expectation_suites")
