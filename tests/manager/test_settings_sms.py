"""The manager sets up text messages (Twilio) on the settings page; the auth token is never shown."""
from __future__ import annotations

import sqlalchemy as sa

from hostdesk.audit import AuditEntry
from hostdesk.extensions import db
from hostdesk.settings import load_settings
from hostdesk.sms import TwilioSms, provider
from tests.manager.helpers import settings_form_data

EN = {"Accept-Language": "en"}
TWILIO = {"sms_provider": "twilio", "sms_account_sid": "AC0123456789abcdef", "sms_auth_token": "tok-3cr3t-123",
          "sms_sender": "+3197010000000", "sms_api_base": ""}


def test_a_manager_sets_up_twilio_and_the_token_is_kept_unseen(app, manager_client):
    assert manager_client.post("/manager/settings", data=settings_form_data(**TWILIO)).status_code == 302
    with app.test_request_context():
        s = load_settings()
        assert (s.sms_provider, s.sms_account_sid, s.sms_sender) == ("twilio", "AC0123456789abcdef", "+3197010000000")
        assert s.sms_auth_token == "tok-3cr3t-123" and s.sms_api_base == "https://api.twilio.com"
        chosen = provider()
        assert isinstance(chosen, TwilioSms)
        assert chosen.url() == "https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef/Messages.json"
        entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "settings.update")).one()
        assert entry.changes["sms_auth_token"] == "(changed)"
    page = manager_client.get("/manager/settings", headers=EN).get_data(as_text=True)
    assert "tok-3cr3t-123" not in page and "A token is stored." in page
    manager_client.post("/manager/settings", data=settings_form_data(**{**TWILIO, "sms_auth_token": ""}))
    with app.app_context():
        assert load_settings().sms_auth_token == "tok-3cr3t-123"  # empty keeps it


def test_a_bad_account_or_service_address_is_refused_with_a_message(app, manager_client):
    for field, value, message in (("sms_account_sid", "AC'; DROP", "Only letters and digits."),
                                  ("sms_api_base", "ftp://evil.example/x", "Give a web address like")):
        answer = manager_client.post("/manager/settings", headers=EN,
                                     data=settings_form_data(**{**TWILIO, field: value}))
        assert answer.status_code == 422 and message in answer.get_data(as_text=True)
    with app.app_context():
        assert load_settings().sms_provider == ""
