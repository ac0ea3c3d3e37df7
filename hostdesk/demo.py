"""The demo restaurant, for a first start and for trying things out.

Each feature seeds its own part (its `demo.seed()`); each step checks what is there first,
so running the command twice adds nothing twice.
"""
from __future__ import annotations

import functools

import sqlalchemy as sa

from .auth.models import Role, User
from .auth.operations import create_user
from .auth.passwords import verify_secret
from .extensions import db

DEMO_USERS = [
    ("host", "Sanne (host)", Role.HOST, "demo-host", "1111"),
    ("staff", "Daan (staff)", Role.STAFF, "demo-staff", "2222"),
    ("manager", "Mila (manager)", Role.MANAGER, "demo-manager", "3333"),
]


_DEMO_PASSWORDS = {username: password for username, _name, _role, password, _pin in DEMO_USERS}


def seed_users() -> int:
    added = 0
    for username, name, role, password, pin in DEMO_USERS:
        if db.session.scalar(sa.select(User.id).where(User.username == username)) is None:
            create_user(None, username, name, role, password, pin=pin, vetted=False)
            added += 1
    return added


@functools.lru_cache(maxsize=64)
def _demo_password(password_hash: str, password: str) -> bool:
    """Whether this stored hash is of the published demo password (a hash never changes its answer)."""
    return verify_secret(password_hash, password)


def demo_logins() -> list[str]:
    """The demo users that can still sign in with README's published passwords (the demo band, and
    run.sh's refusal to serve them on the network)."""
    rows = db.session.execute(sa.select(User.username, User.password_hash).where(
        User.username.in_(_DEMO_PASSWORDS), User.active.is_(True)).order_by(User.username))
    return [username for username, stored in rows if _demo_password(stored, _DEMO_PASSWORDS[username])]


def seed_demo() -> dict[str, int]:
    from .floor import demo as floor_demo
    from .lostfound import demo as lostfound_demo
    from .reservations import demo as reservations_demo

    added = {"users": seed_users()}
    db.session.flush()
    for feature in (floor_demo, reservations_demo, lostfound_demo):
        added.update(feature.seed())
        db.session.flush()
    if added["users"]:  # a new demo shows the guests' booking page too; a manager may turn it off
        from .settings import update_settings

        update_settings(None, online_booking=True, restaurant_phone="030 123 45 67")
    return added
