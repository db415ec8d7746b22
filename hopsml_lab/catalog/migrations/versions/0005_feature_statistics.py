"""feature group statistics: a config per group, descriptive statistics per commit

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "feature_groups",
        sa.Column("statistics_config", sa.JSON(none_as_null=True), nullable=True),
    )
    op.add_column(
        "feature_group_commits",
        sa.Column("statistics", sa.JSON(none_as_null=True), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("feature_group_commits") as batch:
        batch.drop_column("statistics")
    with op.batch_alter_table("feature_groups") as batch:
        batch.drop_column("statistics_config")
