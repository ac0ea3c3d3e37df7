"""Upgrading a database of the first release, with data in it, loses nothing."""
from __future__ import annotations

import shutil

import flask_migrate
import pytest
import sqlalchemy as sa

from hostdesk import create_app
from hostdesk.extensions import db

from .release_db import ModelsAhead, build, copy_rows, revisions, snapshot


@pytest.fixture
def scratch_url(scratch_database):
    return scratch_database("upgrade")


def test_upgrade_from_the_first_release_keeps_every_row(scratch_url, tmp_path):
    try:
        release = build(tmp_path / "first_release.db", str(tmp_path))
    except LookupError as missing:
        pytest.fail(str(missing))
    except ModelsAhead as ahead:
        pytest.skip(str(ahead))
    release_url = f"sqlite:///{release}"
    before = snapshot(release_url)
    assert sum(count for count, _ in before.values()) > 30  # a database with real data in it
    app = create_app({"SQLALCHEMY_DATABASE_URI": scratch_url, "SECRET_KEY": "x", "UPLOAD_FOLDER": str(tmp_path)})
    first, head = revisions(app)
    with app.app_context():
        if scratch_url.startswith("sqlite"):
            shutil.copyfile(release, sa.make_url(scratch_url).database)
        else:
            flask_migrate.upgrade(revision=first)
            copy_rows(release_url, scratch_url)
        flask_migrate.upgrade()
        version = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
        db.session.remove()
        db.engine.dispose()
    assert version == head
    after = snapshot(scratch_url)
    for table, (count, keys) in before.items():
        assert table in after, f"{table} is gone after the upgrade"
        assert after[table][0] == count, table
        if len(keys) and len(after[table][1]):
            assert after[table][1] == keys, table
