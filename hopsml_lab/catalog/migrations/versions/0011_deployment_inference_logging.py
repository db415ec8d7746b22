"""deployments.inference_logging: what the model servers log (hsml's InferenceLogger
modes ALL, MODEL_INPUTS, PREDICTIONS, NONE); deployments.transformer_file: the script
whose Transformer class transforms requests and answers

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deployments") as batch:
        batch.add_column(
            sa.Column(
                "inference_logging", sa.String(length=16), nullable=False, server_default="ALL"
            )
        )
        batch.add_column(sa.Column("transformer_file", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deployments") as batch:
        batch.drop_column("transformer_file")
        batch.drop_column("inference_logging")
