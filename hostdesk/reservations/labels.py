"""Words for states, sources and occasions, shown on cards and in messages."""
from flask_babel import lazy_gettext as _l

from .models import Occasion, Source, State

STATE_LABELS = {
    State.BOOKED: _l("booked"),
    State.WAITING: _l("on the waitlist"),
    State.ARRIVED: _l("arrived"),
    State.GREETED: _l("greeted"),
    State.SEATED: _l("seated"),
    State.LEFT: _l("left"),
    State.NO_SHOW: _l("no-show"),
    State.CANCELLED: _l("cancelled"),
}

SOURCE_LABELS = {Source.PHONE: _l("phone"), Source.WALK_IN: _l("walk-in"), Source.ONLINE: _l("online")}

OCCASION_LABELS = {
    Occasion.BIRTHDAY: _l("birthday"),
    Occasion.ANNIVERSARY: _l("anniversary"),
    Occasion.BUSINESS: _l("business"),
    Occasion.OTHER: _l("special occasion"),
}


def ordinal(n: int, language: str) -> str:
    """4 -> "4th" in English, "4e" in Dutch."""
    if language.startswith("nl"):
        return f"{n}e"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
