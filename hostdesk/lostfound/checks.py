"""Checks every lost-and-found change shares: text length and characters, and the labels that name a
field in the card-number guard's message. Kept apart so claims, reports and returns need not import
operations (which re-exports them)."""
from __future__ import annotations

import unicodedata

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..errors import ValidationFailed
from .models import FoundItem


def card_fields(item: FoundItem | None = None, **values: str | None) -> dict[str, str | None]:
    labels = {"description": _("Description"), "where_found": _("Where found"), "storage_location": _("Storage place"),
              "note": _("Note"), "postal_address": _("Postal address"), "carrier": _("Carrier"),
              "tracking": _("Tracking reference"), "claimant_name": _("Claimant's name"), "witness": _("Witness"),
              "email": _("E-mail"), "body": _("Message"), "what": _("What"), "where": _("Where")}
    return {labels.get(key, key): value for key, value in values.items()}


def check_length(value: str, limit: int, label) -> str:
    """Trimmed text within `limit`, without control characters (a NUL breaks PostgreSQL)."""
    value = (value or "").strip()
    if any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\n\r\t" for ch in value):
        raise ValidationFailed(_l("%(field)s contains characters that cannot be stored.", field=label))
    if len(value) > limit:
        raise ValidationFailed(_l("%(field)s is at most %(n)d characters.", field=label, n=limit))
    return value
