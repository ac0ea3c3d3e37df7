import pytest
import sqlalchemy as sa

from hostdesk.audit import AuditEntry
from hostdesk.extensions import db
from hostdesk.lostfound.mail import MailFailed
from hostdesk.manager import views_settings
from hostdesk.settings import FIELDS, Settings, SettingValue, load_settings
from tests.manager.helpers import settings_form_data

NL = {"Accept-Language": "nl"}
EN = {"Accept-Language": "en"}


def stored(app) -> dict:
    with app.app_context():
        return {row.key: row.value for row in db.session.scalars(sa.select(SettingValue))}


def test_page_has_a_field_for_every_setting(manager_client):
    page = manager_client.get("/manager/settings", headers=EN).get_data(as_text=True)
    for name in FIELDS:
        if name in ("services", "durations", "pacing_limits", "retention_days"):
            assert f'name="{name}-0-' in page
        elif name == "daily_summary_addresses":
            continue  # each manager's own address is set on their user page (test_summary.py)
        else:
            assert f'name="{name}"' in page, name
    assert 'name="services-3-name"' in page  # two empty rows to add a service


def test_host_and_staff_cannot_open_settings(host_client, staff_client):
    assert host_client.get("/manager/settings").status_code == 403
    assert staff_client.post("/manager/settings", data=settings_form_data()).status_code == 403


def test_unchanged_form_stores_nothing(app, manager_client):
    response = manager_client.post("/manager/settings", data=settings_form_data())
    assert response.status_code == 302
    assert stored(app) == {}


def test_saving_changes_stores_and_audits(app, manager_client):
    data = settings_form_data(restaurant_name="Het Anker", greet_amber_seconds="20", greet_red_seconds="45",
                              timezone="Europe/London", csv_delimiter="comma", smtp_password="s3cret-pw",
                              **{"services-2-name": "brunch", "services-2-start": "09:00", "services-2-end": "11:00",
                                 "durations-0-minutes": "80", "retention_days-3-category": "keys",
                                 "retention_days-3-days": "14"})
    data.pop("smtp_tls")
    response = manager_client.post("/manager/settings", data=data)
    assert response.status_code == 302
    with app.app_context():
        s = load_settings()
        assert (s.restaurant_name, s.greet_amber_seconds, s.greet_red_seconds) == ("Het Anker", 20, 45)
        assert s.timezone == "Europe/London" and s.csv_delimiter == "," and s.smtp_tls is False
        assert s.services[-1] == {"name": "brunch", "start": "09:00", "end": "11:00"}
        assert s.durations[0] == [2, 80]
        assert s.retention_days["keys"] == 14
        assert s.smtp_password == "s3cret-pw"
        entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "settings.update")).one()
        assert entry.changes["smtp_password"] == "(changed)"
        assert entry.changes["restaurant_name"] == "Het Anker"
        assert entry.actor_name == "Manager"


def test_smtp_password_is_never_shown_and_empty_keeps_it(app, manager_client):
    manager_client.post("/manager/settings", data=settings_form_data(smtp_password="very-secret-1"))
    page = manager_client.get("/manager/settings", headers=EN).get_data(as_text=True)
    assert "very-secret-1" not in page
    assert "A password is stored." in page
    manager_client.post("/manager/settings", data=settings_form_data(smtp_password=""))
    assert stored(app)["smtp_password"] == "very-secret-1"
    manager_client.post("/manager/settings", data=settings_form_data(smtp_password_clear="y"))
    assert stored(app)["smtp_password"] == ""


BAD = [
    ({"greet_red_seconds": "30"}, "Red must come later than amber.", "Rood moet later komen dan oranje."),
    ({"timezone": "Mars/Olympus"}, "is not a time zone we know", "is geen tijdzone die we kennen"),
    ({"timezone": "../../etc/passwd"}, "is not a time zone we know", "is geen tijdzone die we kennen"),
    ({"day_boundary": "25:00"}, "Give a time as hours:minutes", "Geef een tijd als uren:minuten"),
    ({"greet_amber_seconds": "abc"}, "Give a whole number from 5 to 3600.",
     "Geef een heel getal van 5 tot en met 3600."),
    ({"max_party_size": "99999999999999999999"}, "Give a whole number from 1 to 500.",
     "Geef een heel getal van 1 tot en met 500."),
    ({"no_show_grace_minutes": "-5"}, "Give a whole number from 0 to 240.",
     "Geef een heel getal van 0 tot en met 240."),
    ({"restaurant_name": ""}, "This field is required.", "Dit veld is vereist."),
    ({"services-1-start": "12:00"}, "The services lunch and dinner overlap.",
     "De diensten lunch en dinner overlappen."),
    ({"services-0-name": "", "services-0-start": "", "services-0-end": "", "services-1-name": "",
      "services-1-start": "", "services-1-end": ""}, "Give at least one service", "Geef minstens één dienst"),
    ({"services-1-name": "Lunch"}, "Two services are called Lunch.", "Er zijn twee diensten met de naam Lunch."),
    ({"services-0-end": ""}, "Every service needs a name, a start and an end.",
     "Elke dienst heeft een naam, een begin en een einde nodig."),
    ({"durations-1-up_to": "2"}, "Each party size may appear only once.",
     "Elke groepsgrootte mag maar één keer voorkomen."),
    ({"retention_days-0-days": ""}, "Every retention row needs a category and a number of days.",
     "Elke bewaarregel heeft een soort en een aantal dagen nodig."),
    ({"retention_days-0-category": "Bank Card!"}, "Not a valid choice", "Ongeldige keuze"),
    ({"durations-0-minutes": "ninety"}, "Not a valid integer value", "Ongeldig getal"),
    ({"smtp_sender": "not an address"}, "Give an e-mail address like desk@example.com.",
     "Geef een e-mailadres zoals balie@example.com."),
    ({"smtp_host": "smtp.example.com; rm -rf"}, "Give a host name like smtp.example.com.",
     "Geef een hostnaam zoals smtp.example.com."),
    ({"csv_delimiter": "'"}, "Not a valid choice", "Ongeldige keuze"),
]


@pytest.mark.parametrize(("change", "english", "dutch"), BAD)
def test_bad_input_is_refused_in_both_languages_and_nothing_is_stored(app, manager_client, change, english, dutch):
    data = settings_form_data(**{"restaurant_name": "Changed too", **change})
    for headers, message in ((EN, english), (NL, dutch)):
        response = manager_client.post("/manager/settings", data=data, headers=headers)
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert message in page
        assert ("Nothing was saved" in page) or ("Er is niets opgeslagen" in page)
    assert stored(app) == {}


def test_htmx_returns_the_form_fragment(manager_client):
    response = manager_client.post("/manager/settings", data=settings_form_data(greet_red_seconds="1"),
                                   headers={"HX-Request": "true", **EN})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.lstrip().startswith("<form id=\"settings-form\"")
    ok = manager_client.post("/manager/settings", data=settings_form_data(restaurant_name="X"),
                             headers={"HX-Request": "true", **EN})
    assert ok.status_code == 200 and "Settings saved." in ok.get_data(as_text=True)


def test_service_past_midnight_is_allowed(app, manager_client):
    data = settings_form_data(**{"services-1-end": "01:00"})
    assert manager_client.post("/manager/settings", data=data).status_code == 302
    assert stored(app)["services"][1]["end"] == "01:00"


def test_test_email_calls_lost_and_found(manager_client, monkeypatch):
    sent = []
    monkeypatch.setattr(views_settings, "send_test_email", lambda address, actor: sent.append(address) or True)
    response = manager_client.post("/manager/settings/test-email", data={"to_address": "desk@example.com"},
                                   headers={"HX-Request": "true", **EN})
    assert response.status_code == 200
    assert sent == ["desk@example.com"]
    assert "A test e-mail was sent to desk@example.com." in response.get_data(as_text=True)


def test_test_email_without_smtp_goes_to_the_outbox(app, manager_client):
    response = manager_client.post("/manager/settings/test-email", data={"to_address": "desk@example.com"},
                                   headers={"HX-Request": "true", **EN})
    assert response.status_code == 200
    assert "put in the outbox" in response.get_data(as_text=True)
    bad = manager_client.post("/manager/settings/test-email", data={"to_address": "not an address"},
                              headers={"HX-Request": "true", **EN})
    assert bad.status_code == 422
    assert "does not look right" in bad.get_data(as_text=True)


def test_test_email_failure_is_reported(manager_client, monkeypatch):
    def refuse(address, actor):
        raise MailFailed("The e-mail could not be sent")

    monkeypatch.setattr(views_settings, "send_test_email", refuse)
    response = manager_client.post("/manager/settings/test-email", data={"to_address": "desk@example.com"}, headers=EN)
    assert response.status_code == 502
    assert "could not be sent" in response.get_data(as_text=True)


def test_default_settings_match_the_form_defaults(app):
    from hostdesk.manager.settings_form import SPECIAL, make_settings_form

    defaults = Settings()
    with app.test_request_context("/manager/settings"):
        shown = make_settings_form(defaults)
        for name in FIELDS:
            if name not in SPECIAL and name in shown._fields:
                assert shown[name].data == getattr(defaults, name), name
        assert shown.csv_delimiter.data == "semicolon"
    with app.test_request_context("/manager/settings", method="POST", data=settings_form_data()):
        posted = make_settings_form(defaults)
        assert posted.validate(), posted.errors
        changes = posted.changes()
    assert "smtp_password" not in changes and "sms_auth_token" not in changes  # empty keeps the stored secret
    different = {name: value for name, value in changes.items() if value != getattr(defaults, name)}
    assert different == {}
    assert set(changes) == set(FIELDS) - {"smtp_password", "sms_auth_token", "daily_summary_addresses"}


def test_a_setting_added_later_gets_a_plain_field(app, monkeypatch):
    import dataclasses

    from hostdesk.manager import settings_form

    @dataclasses.dataclass
    class Later(Settings):
        birthday_candles: int = 3
        welcome_text: str = "Welkom"

    monkeypatch.setattr(settings_form, "Settings", Later)
    monkeypatch.setattr(settings_form, "FIELDS", {f.name: f for f in dataclasses.fields(Later)})
    settings_form.settings_form_class.cache_clear()
    try:
        with app.test_request_context("/manager/settings", method="POST",
                                      data=settings_form_data(birthday_candles="5", welcome_text="Hallo")):
            form = settings_form.make_settings_form(Later())
            assert form.extra_names == ["birthday_candles", "welcome_text"]
            assert form.validate(), form.errors
            changes = form.changes()
            assert changes["birthday_candles"] == 5 and changes["welcome_text"] == "Hallo"
    finally:
        settings_form.settings_form_class.cache_clear()
