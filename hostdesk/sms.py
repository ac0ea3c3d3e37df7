"""Text messages (SMS): a small provider interface and one provider, Twilio's Messages API.

A provider takes a number in E.164 and a text and answers with a `Delivery`: taken (with the
provider's id of the message) or refused (with the reason in a few words). The manager sets the
provider up under Manager → Settings; with none set up, no text is sent and the card says so.
Twilio: POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json with To, From and Body, HTTP
basic authentication with the account SID and auth token; 201 with the message's `sid`, or 4xx
with `code` and `message`.
"""
from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from flask_babel import gettext as _

from .settings import get_settings

TIMEOUT = 10  # seconds: the host waits for this at most, once per message
PROVIDERS = ("twilio",)


@dataclass(frozen=True)
class Delivery:
    ok: bool
    provider_id: str | None = None
    error: str | None = None


class SmsProvider(Protocol):
    name: str

    def send(self, to: str, body: str) -> Delivery: ...


class TwilioSms:
    """Twilio's Messages API over HTTPS (the base URL is a setting, so tests speak to a local stand-in)."""

    name = "twilio"

    def __init__(self, account_sid: str, auth_token: str, sender: str, api_base: str) -> None:
        self.account_sid, self.auth_token, self.sender = account_sid, auth_token, sender
        self.api_base = api_base.rstrip("/")

    def url(self) -> str:
        return f"{self.api_base}/2010-04-01/Accounts/{urllib.parse.quote(self.account_sid, safe='')}/Messages.json"

    def send(self, to: str, body: str) -> Delivery:
        url = self.url()
        if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
            return Delivery(False, error=_("The SMS provider's address is not a web address."))
        data = urllib.parse.urlencode({"To": to, "From": self.sender, "Body": body}).encode()
        credentials = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        request = urllib.request.Request(url, data=data, method="POST", headers={  # noqa: S310 (scheme checked above)
            "Authorization": f"Basic {credentials}", "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310  # nosec B310
                payload = json.loads(answer.read() or b"{}")
        except urllib.error.HTTPError as refused:
            return Delivery(False, error=_refusal(refused))
        except (urllib.error.URLError, OSError, ValueError) as error:
            return Delivery(False, error=_("The SMS provider could not be reached (%(reason)s).",
                                           reason=type(error).__name__))
        if payload.get("status") == "failed" or not payload.get("sid"):
            return Delivery(False, error=str(payload.get("error_message") or _("refused by the SMS provider"))[:200])
        return Delivery(True, provider_id=str(payload["sid"])[:64])


def _refusal(refused: urllib.error.HTTPError) -> str:
    try:
        payload = json.loads(refused.read() or b"{}")
    except ValueError:
        payload = {}
    reason = payload.get("message") or refused.reason
    code = payload.get("code")
    text = _("Refused by the SMS provider: %(reason)s", reason=reason)
    return (f"{text} ({code})" if code else text)[:200]


def provider() -> SmsProvider | None:
    """The provider the manager set up, or None when texts cannot be sent."""
    s = get_settings()
    if s.sms_provider == "twilio" and s.sms_account_sid and s.sms_auth_token and s.sms_sender:
        return TwilioSms(s.sms_account_sid, s.sms_auth_token, s.sms_sender, s.sms_api_base)
    return None
