"""Alembic environment: runs on the connection the catalog hands over."""

from alembic import context

from hopsml_lab.catalog import Base  # the package imports every domain's tables

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - migrations always run through Database.migrate
    raise RuntimeError("run migrations through hopsml_lab.catalog.db.Database.migrate()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
