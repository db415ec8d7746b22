"""model registry: framework, input example, schema, lineage of models

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = [
    ("framework", sa.String(length=16)),
    ("input_example", sa.JSON()),
    ("model_schema", sa.JSON()),
    ("feature_view_name", sa.String(length=200)),
    ("feature_view_version", sa.Integer()),
    ("training_dataset_version", sa.Integer()),
    ("program", sa.Text()),
    ("user", sa.String(length=200)),
]


def upgrade() -> None:
    with op.batch_alter_table("models", schema=None) as batch_op:
        for name, kind in COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
        batch_op.create_index("ix_models_feature_view", ["feature_view_name"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("models", schema=None) as batch_op:
        batch_op.drop_index("ix_models_feature_view")
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
