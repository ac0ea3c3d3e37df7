"""The instance folder: private from the start (item: files readable by every user), and the
answers' key apart from the session key, carried by every backup (item: restoring breaks answers)."""
from __future__ import annotations

import io
import os
import stat
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from hostdesk import clock, create_app
from hostdesk.auth.models import Role, User
from hostdesk.auth.operations import create_user
from hostdesk.extensions import db
from hostdesk.lostfound.models import AttemptOutcome, Category, Channel, FoundItem
from tests.lostfound.conftest import card_questions, right_answers


@pytest.fixture
def fresh_instance(tmp_path, monkeypatch):
    """make(name, **config): an app on a new instance folder with its own SQLite database (as run.sh
    starts it), the answers' key not configured unless given."""
    monkeypatch.delenv("HOSTDESK_ANSWERS_KEY", raising=False)

    def make(name: str, database: str | None = None, **config):
        instance = tmp_path / name
        monkeypatch.setenv("HOSTDESK_INSTANCE_PATH", str(instance))
        app = create_app({"SQLALCHEMY_DATABASE_URI": database or f"sqlite:///{instance / 'hostdesk.db'}", **config})
        if database is None:
            with app.app_context():
                db.create_all()
        return app, instance

    return make


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(out, "JPEG")
    return out.getvalue()


def _register_card(app, photo: bytes | None = None) -> int:
    """A bank card; with a photo, a wallet with the same questions (bank cards take no photo)."""
    from hostdesk.lostfound.operations import NewItem, register_found_item

    with app.test_request_context():
        staff = create_user(None, "staff", "Daan", Role.STAFF, "staff-pass-1")
        category, description = (Category.BANK_CARD, "bank card") if photo is None else (Category.WALLET, "wallet")
        item = register_found_item(staff, NewItem(
            category=category, description=description, storage_location="safe",
            found_at=clock.utcnow() - timedelta(minutes=5), questions=card_questions(), photo=photo))
        db.session.commit()
        return item.id


def _verify(app, item_id: int) -> AttemptOutcome:
    from hostdesk.lostfound.claims import verify_claim

    with app.test_request_context():
        item = db.session.get(FoundItem, item_id)
        staff = db.session.scalar(sa.select(User).where(User.username == "staff"))
        attempt = verify_claim(staff, item, claimant_name="Remco de Waard", channel=Channel.IN_PERSON,
                               answers=right_answers(item))
        outcome = attempt.outcome
        db.session.rollback()
        return outcome


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_instance_folder_and_everything_in_it_is_private_from_the_start(fresh_instance, tmp_path):
    previous = os.umask(0o022)  # a usual login shell's umask: what run.sh got before
    try:
        app, instance = fresh_instance("instance", SECRET_KEY=None)
        _register_card(app, photo=_photo())
        backup = tmp_path / "backups" / "hostdesk-copy.db"
        result = app.test_cli_runner().invoke(args=["backup", str(backup)])
        assert result.exit_code == 0, result.output
    finally:
        os.umask(previous)
    files = {path for path in instance.rglob("*")} | {instance, backup, backup.parent,
                                                      backup.with_name(backup.name + ".answers-key")}
    names = {path.name for path in files}
    assert {"hostdesk.db", "hostdesk.db-wal", "hostdesk.db-shm", "secret_key", "answers_key", "uploads",
            "lostfound", "hostdesk-copy.db", "hostdesk-copy.db.answers-key"} <= names
    assert any(path.suffix == ".jpg" for path in files)
    for path in files:
        assert _mode(path) == (0o700 if path.is_dir() else 0o600), f"{path}: {oct(_mode(path))}"


def test_a_restored_backup_verifies_a_claim_on_a_fresh_instance_folder(fresh_instance, tmp_path):
    app, _ = fresh_instance("restaurant", SECRET_KEY="the-old-machines-session-key")
    item_id = _register_card(app)
    assert _verify(app, item_id) is AttemptOutcome.VERIFIED
    backup = tmp_path / "hostdesk-2026-11-23.db"
    assert app.test_cli_runner().invoke(args=["backup", str(backup)]).exit_code == 0
    # README's restore steps, on a new machine: the copy and its answers' key into a new instance folder.
    new_instance = tmp_path / "new-machine"
    new_instance.mkdir(mode=0o700)
    subprocess.run(["install", "-m", "600", str(backup), str(new_instance / "hostdesk.db")], check=True)
    subprocess.run(["install", "-m", "600", f"{backup}.answers-key", str(new_instance / "answers_key")], check=True)
    restored, _ = fresh_instance("new-machine", SECRET_KEY="a-new-session-key")
    assert _verify(restored, item_id) is AttemptOutcome.VERIFIED


def test_two_app_servers_on_one_database_share_the_answers_key_by_configuration(fresh_instance, app,
                                                                               database_url, users):
    first, _ = fresh_instance("server-a", database=database_url, SECRET_KEY="a", HOSTDESK_ANSWERS_KEY="shared-key")
    second, _ = fresh_instance("server-b", database=database_url, SECRET_KEY="b", HOSTDESK_ANSWERS_KEY="shared-key")
    with first.app_context():
        db.session.execute(sa.delete(User).where(User.username == "staff"))
        db.session.commit()
    item_id = _register_card(first)
    assert _verify(second, item_id) is AttemptOutcome.VERIFIED
    assert not (Path(second.instance_path) / "answers_key").exists()


def test_answers_stored_before_the_upgrade_keep_verifying(fresh_instance):
    # Before: answers were keyed with the session key, and there was no answers_key file.
    app, instance = fresh_instance("upgraded", SECRET_KEY="old-session-key", HOSTDESK_ANSWERS_KEY="old-session-key")
    item_id = _register_card(app)
    upgraded, _ = fresh_instance("upgraded", SECRET_KEY="old-session-key")
    assert _verify(upgraded, item_id) is AttemptOutcome.VERIFIED
    assert (instance / "answers_key").read_text().strip() == "old-session-key"
    # From now on the session key may change: the answers' key stays.
    rotated, _ = fresh_instance("upgraded", SECRET_KEY="a-new-session-key")
    assert _verify(rotated, item_id) is AttemptOutcome.VERIFIED
