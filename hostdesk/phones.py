"""Phone numbers as the app reads them: Dutch numbering unless the number carries a country code."""
from __future__ import annotations

import phonenumbers

REGION = "NL"


def valid_number(raw: str) -> phonenumbers.PhoneNumber | None:
    """The number `raw` is, if phonenumbers finds it valid; None otherwise."""
    try:
        number = phonenumbers.parse(raw, REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None
