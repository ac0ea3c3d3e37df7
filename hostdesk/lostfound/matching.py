"""Verification answers: normalise, hash one-way, compare; and the card-number guard.

Expected answers are kept only as HMAC-SHA256 of their normalised form, keyed with the
answers' key (keys.answers_key: a pepper the database does not hold, apart from the session
key) over a random per-question salt.
The clear answer exists only on the item itself, in its bag.

Normalisation ignores case, accents, spacing and punctuation:
- text:   " Jan  de Vries " and "jan de vries" both become "jandevries";
- choice: colour words in Dutch or English map to one key ("ZWART" and "black" -> "black");
- digits: only the digits count ("12 34" -> "1234");
- name:   surname (without particles such as "de", "van der") and first initial, hashed apart,
          so "R. de Waard" matches "Remco de Waard".
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..errors import ValidationFailed
from ..keys import answers_key
from ..security import holds_card_number

COLOURS: dict[str, tuple[str, ...]] = {
    "black": ("black", "zwart"),
    "white": ("white", "wit"),
    "grey": ("grey", "gray", "grijs"),
    "silver": ("silver", "zilver", "zilverkleurig"),
    "gold": ("gold", "goud", "goudkleurig", "golden"),
    "red": ("red", "rood"),
    "orange": ("orange", "oranje"),
    "yellow": ("yellow", "geel"),
    "green": ("green", "groen"),
    "blue": ("blue", "blauw", "navy", "donkerblauw", "lichtblauw"),
    "purple": ("purple", "paars", "lila", "violet"),
    "pink": ("pink", "roze"),
    "brown": ("brown", "bruin"),
    "beige": ("beige",),
    "multicoloured": ("multicoloured", "multicolored", "veelkleurig", "bont", "gekleurd"),
}
COLOUR_LABELS = {
    "black": _l("black"), "white": _l("white"), "grey": _l("grey"), "silver": _l("silver"), "gold": _l("gold"),
    "red": _l("red"), "orange": _l("orange"), "yellow": _l("yellow"), "green": _l("green"), "blue": _l("blue"),
    "purple": _l("purple"), "pink": _l("pink"), "brown": _l("brown"), "beige": _l("beige"),
    "multicoloured": _l("multicoloured"),
}
_COLOUR_WORDS = {word: key for key, words in COLOURS.items() for word in words}

# Dutch, German, French... surname particles: part of the surname, but often left out.
PARTICLES = frozenset({"de", "den", "der", "van", "von", "vd", "ter", "ten", "te", "t", "het", "in", "op", "la", "le",
                       "du", "di", "da", "del", "della", "dos", "das", "al", "el", "bin", "mc"})


def fold(value: str) -> str:
    """Lower case, no accents, punctuation as space, single spaces."""
    text = unicodedata.normalize("NFKD", value or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"[^\w]+|_", " ", text)
    return " ".join(text.split())


def normalise_text(value: str) -> str:
    return fold(value).replace(" ", "")


def normalise_digits(value: str) -> str:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", value or ""))


def normalise_choice(value: str) -> str:
    folded = fold(value)
    if folded in COLOURS:
        return folded
    return _COLOUR_WORDS.get(folded, _COLOUR_WORDS.get(folded.replace(" ", ""), normalise_text(value)))


@dataclass(frozen=True)
class NameParts:
    surname: str
    initial: str


def split_name(value: str) -> NameParts:
    """'Remco de Waard', 'R. de Waard', 'de Waard, R.' -> surname 'waard', initial 'r'."""
    raw = value or ""
    if "," in raw:
        surname_part, _, given_part = raw.partition(",")
        surname_words = fold(surname_part).split()
        given_words = fold(given_part).split()
    else:
        words = fold(raw).split()
        if not words:
            return NameParts("", "")
        start = 0 if words[0] in PARTICLES else len(words) - 1
        for index, word in enumerate(words[1:], start=1):
            if start and word in PARTICLES:
                start = index
                break
        if len(words) == 1:
            start = 0
        given_words, surname_words = words[:start], words[start:]
    core = [w for w in surname_words if w not in PARTICLES] or surname_words
    initial = given_words[0][0] if given_words else ""
    return NameParts("".join(core), initial)


def _digest(salt: str, kind: str, normalised: str) -> str:
    return hmac.new(answers_key(), f"{salt}\x1f{kind}\x1f{normalised}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ExpectedAnswer:
    salt: str
    answer_hash: str
    initial_hash: str | None


def check_expected(kind: str, value: str) -> None:
    """Refuse an expected answer that cannot be matched later (empty after normalising, bad digits)."""
    if kind == "digits":
        if not re.fullmatch(r"[\d\s.-]*", value or "") or len(normalise_digits(value)) != 4:
            raise ValidationFailed(_l("A digits question takes exactly 4 digits, for example the last 4 of a card."))
    elif kind == "name":
        if not split_name(value).surname:
            raise ValidationFailed(_l("Type the name as it is written on the item, for example “R. de Waard”."))
    elif kind == "choice":
        if normalise_choice(value) not in COLOURS:
            raise ValidationFailed(_l("Choose one of the colours."))
    elif not normalise_text(value):
        raise ValidationFailed(_l("Each question needs an expected answer."))


def hash_expected(kind: str, value: str) -> ExpectedAnswer:
    check_expected(kind, value)
    salt = secrets.token_hex(16)
    if kind == "name":
        parts = split_name(value)
        initial = _digest(salt, "initial", parts.initial) if parts.initial else None
        return ExpectedAnswer(salt, _digest(salt, "surname", parts.surname), initial)
    return ExpectedAnswer(salt, _digest(salt, kind, _normalise(kind, value)), None)


def _normalise(kind: str, value: str) -> str:
    if kind == "digits":
        return normalise_digits(value)
    if kind == "choice":
        return normalise_choice(value)
    return normalise_text(value)


def matches(kind: str, given: str, salt: str, answer_hash: str, initial_hash: str | None = None) -> bool:
    """Does the claimant's answer match the stored hash? Constant-time comparison."""
    if kind == "name":
        parts = split_name(given)
        if not parts.surname:
            return False
        surname_ok = hmac.compare_digest(_digest(salt, "surname", parts.surname), answer_hash)
        if initial_hash is None:
            return surname_ok
        initial_ok = bool(parts.initial) and hmac.compare_digest(_digest(salt, "initial", parts.initial), initial_hash)
        return surname_ok and initial_ok
    normalised = _normalise(kind, given)
    if not normalised:
        return False
    return hmac.compare_digest(_digest(salt, kind, normalised), answer_hash)


# --- card numbers ----------------------------------------------------------------------------

_DIGIT_RUN = re.compile(r"\d(?:[ .\-/]?\d)+")


def _runs(value: str) -> list[str]:
    return [normalise_digits(m.group()) for m in _DIGIT_RUN.finditer(unicodedata.normalize("NFKC", value or ""))]


def has_long_digit_run(value: str, limit: int = 12) -> bool:
    return any(len(run) >= limit for run in _runs(value))


def refuse_card_numbers(card_item: bool, fields: dict[str, str | None]) -> None:
    """Raise ValidationFailed naming the field when a value could be (part of) a card number."""
    for label, value in fields.items():
        if not value:
            continue
        if card_item and has_long_digit_run(value):
            raise ValidationFailed(_l(
                "“%(field)s” holds a run of 12 or more digits. Never write down a card number: "
                "for a bank card keep at most the last 4 digits.", field=label))
        if holds_card_number(value):
            raise ValidationFailed(_l(
                "“%(field)s” holds what looks like a full card number. Card numbers are never stored: "
                "leave it out (the last 4 digits are enough).", field=label))
