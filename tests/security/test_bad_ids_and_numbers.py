"""Ids too large to be ours and numbers too large for a float: a 404 or a form error, never a 500."""
from __future__ import annotations

import importlib
import pkgutil

import pytest
import sqlalchemy as sa
from wtforms.validators import NumberRange as WTFormsNumberRange

import hostdesk
from hostdesk import forms as shared_forms
from hostdesk.auth.models import Role
from hostdesk.extensions import db
from hostdesk.floor.models import Area, Table
from hostdesk.reservations.models import Reservation

HUGE_IDS = [2**63, 2**64 + 7, 10**30]
HUGE = "9" * 400


def _id_urls(app, ident: int) -> list[tuple[str, str]]:
    """Every rule with an id in its path, with that id, for each of its methods."""
    urls = []
    for rule in app.url_map.iter_rules():
        ids = [name for name in rule.arguments if isinstance(rule._converters[name], shared_int_converter(app))]
        if not ids:
            continue
        values = {name: ident for name in ids}
        for name in rule.arguments - set(ids):
            values[name] = sorted(rule._converters[name].items)[0]
        path = rule.build(values, append_unknown=False)[1]
        urls += [(method, path) for method in sorted(rule.methods & {"GET", "POST"})]
    return urls


def shared_int_converter(app):
    return type(app.url_map.converters["int"](app.url_map))


@pytest.mark.parametrize("ident", HUGE_IDS)
def test_every_id_route_answers_404_for_an_id_too_large(app, client_for, ident):
    manager = client_for(Role.MANAGER)
    urls = _id_urls(app, ident)
    assert len(urls) >= 30  # items, labels, photos, verify, reports, users, the log, bookings, tables...
    for method, path in urls:
        response = manager.open(path, method=method, headers={"Accept-Language": "en"})
        assert response.status_code == 404, f"{method} {path}: {response.status_code}"
        assert "does not exist" in response.get_data(as_text=True)


def _form_classes():
    for module in pkgutil.walk_packages(hostdesk.__path__, "hostdesk."):
        if module.name.endswith("forms") or module.name.endswith(("settings_form", "settings_rows")):
            importlib.import_module(module.name)
    pending, seen = [shared_forms.AppForm], []
    from wtforms import Form
    pending.append(Form)
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.append(sub)
                pending.append(sub)
    return [cls for cls in seen if cls.__module__.startswith("hostdesk.")]


def test_every_range_checked_number_uses_the_shared_rule():
    checked = 0
    for cls in _form_classes():
        for name in dir(cls):
            unbound = getattr(cls, name, None)
            for validator in getattr(unbound, "kwargs", {}).get("validators", []) or []:
                if isinstance(validator, WTFormsNumberRange):
                    assert isinstance(validator, shared_forms.NumberRange), f"{cls.__name__}.{name}"
                    checked += 1
    assert checked >= 10


def _counts():
    return [db.session.scalar(sa.select(sa.func.count()).select_from(model)) for model in (Reservation, Area, Table)]


def test_a_huge_number_in_a_range_checked_field_is_a_form_error(app, client_for):
    manager = client_for(Role.MANAGER)
    with app.app_context():
        area = Area(name="Zaal", position=0)
        db.session.add(area)
        db.session.commit()
        area_id, before = area.id, _counts()
    booking = {"name": "Jansen", "party_size": "2", "day": "2026-12-01", "time": "19:00", "source": "phone",
               "duration": "90", "high_chairs": "0"}
    posts = [("/host/bookings/new", booking, field) for field in ("party_size", "duration", "high_chairs")]
    posts += [("/host/walk-in/wait", {"party_size": "2", "quoted_wait": "10"}, field)
              for field in ("party_size", "quoted_wait")]
    posts += [("/host/floor/areas/new", {"name": "Terras", "position": "1"}, "position")]
    table = {"name": "T9", "area_id": str(area_id), "min_seats": "1", "max_seats": "2", "position": "1", "active": "y"}
    posts += [("/host/floor/tables/new", table, field) for field in ("min_seats", "max_seats", "position")]
    for path, data, field in posts:
        for value in (HUGE, "-" + HUGE):
            response = manager.post(path, data={**data, field: value}, headers={"Accept-Language": "nl"})
            assert response.status_code == 422, f"{path} {field}: {response.status_code}"
            page = response.get_data(as_text=True)
            assert "Getal moet" in page or "Geef" in page or "tussen" in page, f"{path} {field}: no Dutch message"
    with app.app_context():
        assert _counts() == before
