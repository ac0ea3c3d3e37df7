"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from hostdesk import create_app
from hostdesk.extensions import db


@pytest.fixture
def empty_database(scratch_database):
    return scratch_database("migrations")


def test_models_and_migrations_agree(empty_database, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "SECRET_KEY": "x", "UPLOAD_FOLDER": str(tmp_path)})
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        # ... and they run down to nothing and up again.
        flask_migrate.downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        flask_migrate.upgrade()
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        assert len(script.get_heads()) == 1
        db.engine.dispose()
