"""Sign-in guessing: unknown names cost what known ones cost and get the same answer; failures are
throttled per typed name and address and per address, in storage every worker shares, and never
lock an account against other addresses."""
from __future__ import annotations

import re
import statistics
import time
import uuid

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, profiles

from hostdesk import create_app
from hostdesk.audit import AuditEntry
from hostdesk.auth import passwords
from hostdesk.auth.models import Role
from hostdesk.extensions import db
from tests.conftest import PASSWORDS

ATTACKER = {"REMOTE_ADDR": "192.0.2.66"}
TABLET = {"REMOTE_ADDR": "192.0.2.10"}


def sign_in(client, username, password, environ=ATTACKER, language="en"):
    return client.post("/login", data={"username": username, "password": password}, environ_base=environ,
                       headers={"Accept-Language": language})


def _page(response) -> str:
    body = re.sub(r'"X-CSRFToken": "[^"]+"|name="csrf_token"[^>]*', "", response.get_data(as_text=True))
    return re.sub(r'value="[^"]*"', "", body)


@pytest.fixture
def real_hashing(monkeypatch, app, users):
    """Argon2id with the production parameters, and the manager's password hashed with them."""
    hasher = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)
    monkeypatch.setattr(passwords, "_hasher", hasher)
    monkeypatch.setattr(passwords, "_DUMMY", hasher.hash("hostdesk-no-such-user"))
    from hostdesk.auth.models import User
    with app.app_context():
        db.session.get(User, users[Role.MANAGER]).password_hash = hasher.hash(PASSWORDS[Role.MANAGER])
        db.session.commit()


def test_unknown_name_and_wrong_password_take_the_same_time_and_answer(app, real_hashing):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = app.config["LOGIN_MAX_FAILURES"] = 1000
    client = app.test_client()

    def ratio_of_medians(round_: int) -> float:
        known, unknown = [], []
        for attempt in range(31):
            for name, times in (("manager", known), (f"nobody{round_}x{attempt}", unknown)):
                start = time.perf_counter()
                response = sign_in(client, name, "wrong-pass-1", {"REMOTE_ADDR": f"192.0.{round_}.{attempt}"})
                elapsed = time.perf_counter() - start
                assert response.status_code == 401
                if attempt:  # the first of each warms up
                    times.append(elapsed)
        ratio = statistics.median(unknown) / statistics.median(known)
        print(f"median known {statistics.median(known) * 1000:.1f} ms, unknown "
              f"{statistics.median(unknown) * 1000:.1f} ms, ratio {ratio:.3f}")
        return ratio

    try:
        # Up to three rounds of 30, for a busy machine's noise; a leak (the dummy hash skipped: a ratio
        # near 0.06) fails every round.
        ratios = []
        for round_ in range(3):
            ratios.append(ratio_of_medians(round_))
            if 0.9 <= ratios[-1] <= 1.1:
                break
        assert 0.9 <= ratios[-1] <= 1.1, ratios
    finally:
        app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"], app.config["LOGIN_MAX_FAILURES"] = 20, 5


def test_known_and_unknown_names_get_the_same_answers_up_to_and_past_the_limit(app, users):
    client = app.test_client()
    for attempt in range(7):
        known = sign_in(client, "manager", "wrong-pass-1")
        unknown = sign_in(client, "nobodyxx", "wrong-pass-1")
        assert known.status_code == unknown.status_code == (401 if attempt < 5 else 429)
        assert _page(known).replace("manager", "") == _page(unknown).replace("nobodyxx", "")
    assert "locked until" not in _page(known) and "Too many failed attempts" in _page(known)


def test_an_attacker_elsewhere_never_locks_the_manager_out(app, users):
    attacker = app.test_client()
    answers = [sign_in(attacker, "manager", f"guess-{n}").status_code for n in range(12)]
    assert answers == [401] * 5 + [429] * 7  # slowed down after 5 failures in the window
    assert sign_in(attacker, "manager", PASSWORDS[Role.MANAGER]).status_code == 429  # this address waits
    tablet = app.test_client()
    assert sign_in(tablet, "manager", PASSWORDS[Role.MANAGER], TABLET).status_code == 302


def test_one_address_trying_many_names_is_slowed_down(app, users):
    client = app.test_client()
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    answers = [sign_in(client, f"name{n}", "wrong-pass-1").status_code for n in range(limit + 2)]
    assert answers == [401] * limit + [429] * 2
    assert sign_in(app.test_client(), "host", PASSWORDS[Role.HOST], TABLET).status_code == 302


def test_the_429_page_is_translated(app, users):
    client = app.test_client()
    for n in range(6):
        response = sign_in(client, "host", f"guess-{n}", language="nl")
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Te veel mislukte pogingen" in page and 'name="password"' in page
    assert int(response.headers["Retry-After"]) == 15 * 60


def test_two_workers_share_the_counts_through_the_database(app, users, database_url):
    workers = [create_app({"TESTING": True, "SECRET_KEY": "s", "SQLALCHEMY_DATABASE_URI": database_url,
                           "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"], "WTF_CSRF_ENABLED": False})
               for _ in range(2)]
    for worker in workers:
        assert worker.extensions["hostdesk_limiter"] is not workers[0].extensions["hostdesk_limiter"] or \
            worker is workers[0]
        assert type(worker.extensions["hostdesk_limiter"].limiter.storage).__name__ == "DatabaseStorage"
    answers = [sign_in(workers[n % 2].test_client(), "manager", f"guess-{n}").status_code for n in range(7)]
    assert answers == [401] * 5 + [429] * 2


def test_two_workers_share_the_counts_through_redis(app, users, database_url):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"hostdesk-test-{uuid.uuid4().hex}"
    workers = [create_app({"TESTING": True, "SECRET_KEY": "s", "SQLALCHEMY_DATABASE_URI": database_url,
                           "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"], "WTF_CSRF_ENABLED": False,
                           "RATELIMIT_STORAGE_URI": url, "RATELIMIT_KEY_PREFIX": prefix}) for _ in range(2)]
    assert type(workers[0].extensions["hostdesk_limiter"].limiter.storage).__name__ == "RedisStorage"
    try:
        answers = [sign_in(workers[n % 2].test_client(), "manager", f"guess-{n}").status_code for n in range(7)]
        assert answers == [401] * 5 + [429] * 2
    finally:
        client = redis.Redis.from_url(url)
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)


def test_a_failed_sign_in_keeps_no_typed_name_that_matches_no_account(app, users):
    sign_in(app.test_client(), "my-secret-password", "wrong-pass-1")
    sign_in(app.test_client(), "host", "wrong-pass-1")
    with app.app_context():
        failed = [e.changes for e in db.session.scalars(sa.select(AuditEntry)
                                                        .where(AuditEntry.action == "login.failed"))]
    assert len(failed) == 2
    assert "my-secret-password" not in repr(failed)
    assert all("username" not in changes for changes in failed)
