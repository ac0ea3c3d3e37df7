"""Who may reach which route: one rule, used by the guard and by the role x route tests.

A blueprint declares the roles of its pages in BLUEPRINT_ROLES; a single view can
override with @allow(...) or be made public with @public. Managers reach everything.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app

from .models import Role

PUBLIC = "public"
ANY_USER = "any"

BLUEPRINT_ROLES: dict[str, frozenset[Role] | str] = {
    "reservations": frozenset({Role.HOST}),
    "floor": frozenset({Role.HOST}),
    "lostfound": frozenset({Role.STAFF}),
    "manager": frozenset({Role.MANAGER}),
    "online": frozenset({Role.HOST}),  # the guest's pages are @public; the rest (resend) is the host's
    "auth": ANY_USER,
    "core": ANY_USER,
    "public": PUBLIC,
}


def public(view: Callable) -> Callable:
    view.hostdesk_access = PUBLIC
    return view


def allow(*roles: Role) -> Callable[[Callable], Callable]:
    def decorate(view: Callable) -> Callable:
        view.hostdesk_access = frozenset(roles)
        return view

    return decorate


def access_for(endpoint: str | None):
    """PUBLIC, ANY_USER, or the frozenset of roles (besides manager) that may use `endpoint`."""
    if endpoint is None or endpoint == "static":
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    declared = getattr(view, "hostdesk_access", None)
    if declared is not None:
        return declared
    blueprint = endpoint.rsplit(".", 1)[0] if "." in endpoint else "core"
    return BLUEPRINT_ROLES.get(blueprint, frozenset())  # unknown blueprint: managers only


def may_access(user, endpoint: str | None) -> bool:
    rule = access_for(endpoint)
    if rule == PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if rule == ANY_USER or user.role is Role.MANAGER:
        return True
    return user.role in rule
