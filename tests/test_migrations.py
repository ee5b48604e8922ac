from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from civicnet.extensions import db


def test_migrations_build_exactly_the_schema_the_models_describe(ctx):
    """The test database was built by `flask db upgrade`; the models must not differ from it."""
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []
