"""Words for the audit timeline: what each recorded action means, in the reader's language."""
from datetime import date, datetime

from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "lostfound.register": _l("Registered"),
    "lostfound.claim_verified": _l("Claim verified"),
    "lostfound.claim_failed": _l("Claim attempt failed"),
    "lostfound.claims_locked": _l("Claims locked"),
    "lostfound.claim_refused_locked": _l("Claim refused: locked"),
    "lostfound.claims_unlocked": _l("Claims unlocked by a manager"),
    "lostfound.hold_for_pickup": _l("Held for pickup"),
    "lostfound.agree_post": _l("Agreed to post it"),
    "lostfound.hand_over": _l("Handed over (ID checked)"),
    "lostfound.post": _l("Posted"),
    "lostfound.arrival_confirmed": _l("Arrival confirmed, reply noted"),
    "lostfound.dispose": _l("Disposed"),
    "lostfound.action_added": _l("Action point added"),
    "lostfound.action_done": _l("Action point done"),
    "lostfound.aftercare_sent": _l("Aftercare e-mail sent"),
    "lostfound.note_sent": _l("Personal note e-mailed"),
    "lostfound.mail_cancelled": _l("E-mail cancelled"),
    "lostfound.report_unlinked": _l("Match with a lost report undone"),
    "lostfound.report_lost": _l("Lost report taken"),
    "lostfound.report_matched": _l("Lost report matched"),
    "lostfound.report_closed": _l("Lost report closed"),
}

CHANGE_LABELS = {
    "category": _l("category"), "storage_location": _l("kept where"), "where_found": _l("where found"),
    "questions": _l("questions"), "photo": _l("photo"), "matched": _l("questions matched"), "of": _l("out of"),
    "results": _l("per question"),
    "channel": _l("channel"), "failed_attempts": _l("failed attempts"), "method": _l("method"),
    "disposed_on": _l("date"), "witness": _l("witness"), "posted_on": _l("date posted"), "carrier": _l("carrier"),
    "tracking": _l("tracking"), "postage_cents": _l("postage (cents)"), "kind": _l("kind"), "due_at": _l("due"),
    "owner": _l("owner"), "note": _l("with note"), "language": _l("language"), "via": _l("via"),
    "reference": _l("reference"), "item": _l("item"), "lost_on": _l("day lost"), "state": _l("e-mail"),
    "what": _l("lost report"), "subject_line": _l("subject"), "limit": _l("limit"),
}
HIDDEN_CHANGES = {"attempt", "claim", "action_point", "id_checked", "mail", "report"}
# Which questions a claimant got right: for a manager only (read out, it tells a caller the answers).
MANAGER_CHANGES = {"matched", "of", "results"}

LANGUAGES = {"nl": "Nederlands", "en": "English"}
VIA = {"smtp": _l("e-mail"), "outbox": _l("outbox (no mail server set up)")}


def change_text(key: str, value) -> str:
    """An audited change's value in the reader's language: enum values by their label, times in the
    restaurant's zone, dates written out, languages by name."""
    from ..settings import get_settings
    from .enums import ActionKind, Category, Channel, DisposalMethod
    from .models import MailState

    kinds = {"category": Category, "channel": Channel, "kind": ActionKind, "method": DisposalMethod,
             "state": MailState}
    if key in kinds and value in kinds[key]._value2member_map_:
        return str(kinds[key](value).label)
    if value is True:
        return str(_l("yes"))
    if value is False:
        return str(_l("no"))
    if key == "language" and value in LANGUAGES:
        return LANGUAGES[value]
    if key == "via" and value in VIA:
        return str(VIA[value])
    if isinstance(value, str) and key in ("due_at", "until"):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        local = moment.astimezone(get_settings().zone).replace(tzinfo=None)
        return format_datetime(local, "d MMM yyyy HH:mm", rebase=False)
    if isinstance(value, str) and key in ("posted_on", "disposed_on", "lost_on"):
        try:
            return format_date(date.fromisoformat(value), "d MMM yyyy")
        except ValueError:
            return value
    return "" if value is None else str(value)


def change_rows(changes: dict, hidden: frozenset[str] | set[str] = HIDDEN_CHANGES) -> list[tuple[str, str]]:
    """(label, value) for each change a reader should see: internal ids and empty values left out."""
    return [(str(CHANGE_LABELS.get(key, key.replace("_", " "))), change_text(key, value))
            for key, value in (changes or {}).items() if key not in hidden and value not in (None, "", False)]
