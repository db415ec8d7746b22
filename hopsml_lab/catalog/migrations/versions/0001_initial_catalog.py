"""initial catalog

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("root", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "experiments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("user", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("metric_key", sa.String(length=200), nullable=True),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("metric_value", sa.Float(), nullable=True),
        sa.Column("best_trial", sa.String(length=64), nullable=True),
        sa.Column("logdir", sa.Text(), nullable=False),
        sa.Column("notebook", sa.Text(), nullable=True),
        sa.Column("trial_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.Column("finished_at", sa.Float(), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("experiments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_experiments_project_created", ["project_id", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_experiments_project_name", ["project_id", "name", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_experiments_project_status", ["project_id", "status", "created_at"], unique=False
        )
        batch_op.create_index("ix_experiments_updated", ["updated_at"], unique=False)

    op.create_table(
        "experiment_metrics",
        sa.Column("experiment_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["experiment_id"], ["experiments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("experiment_id", "name"),
    )
    with op.batch_alter_table("experiment_metrics", schema=None) as batch_op:
        batch_op.create_index(
            "ix_experiment_metrics_sort",
            ["project_id", "name", "value", "experiment_id"],
            unique=False,
        )

    op.create_table(
        "trials",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("experiment_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("metric_value", sa.Float(), nullable=True),
        sa.Column("logdir", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_at", sa.Float(), nullable=True),
        sa.Column("finished_at", sa.Float(), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["experiment_id"], ["experiments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("experiment_id", "key", name="uq_trials_experiment_key"),
    )
    with op.batch_alter_table("trials", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_trials_experiment_id"), ["experiment_id"], unique=False
        )

    op.create_table(
        "metric_points",
        sa.Column("trial_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("timestamp", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["trial_id"], ["trials.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("trial_id", "name", "step"),
    )
    op.create_table(
        "params",
        sa.Column("trial_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("number", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["trial_id"], ["trials.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("trial_id", "name"),
    )


def downgrade() -> None:
    op.drop_table("params")
    op.drop_table("metric_points")
    with op.batch_alter_table("trials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trials_experiment_id"))

    op.drop_table("trials")
    with op.batch_alter_table("experiment_metrics", schema=None) as batch_op:
        batch_op.drop_index("ix_experiment_metrics_sort")

    op.drop_table("experiment_metrics")
    with op.batch_alter_table("experiments", schema=None) as batch_op:
        batch_op.drop_index("ix_experiments_updated")
        batch_op.drop_index("ix_experiments_project_status")
        batch_op.drop_index("ix_experiments_project_name")
        batch_op.drop_index("ix_experiments_project_created")

    op.drop_table("experiments")
    op.drop_table("projects")
