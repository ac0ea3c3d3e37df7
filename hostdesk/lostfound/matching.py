"""Verification answers: normalise, hash one-way, compare; and the card-number guard.

Expected answers are kept only as HMAC-SHA256 of their normalised form, keyed with the
answers' key (keys.answers_key: a pepper the database does not hold, apart from the session
key) over a random per-question salt.
The clear answer exists only on the item itself, in its bag. The rules, with examples, are in
docs/lostfound.md; tests/lostfound/test_answer_table.py holds them to it.
"""
from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import secrets
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from flask import g, has_request_context
from flask_babel import lazy_gettext as _l

from .. import cards
from ..errors import ValidationFailed
from ..extensions import db
from ..keys import answers_key

COLOURS: dict[str, tuple[str, ...]] = {
    "black": ("black", "zwart", "zwarte"),
    "white": ("white", "wit", "witte", "cream", "creme", "ivory", "ivoor", "offwhite", "gebroken wit"),
    "grey": ("grey", "gray", "grijs", "grijze", "antraciet", "anthracite", "charcoal"),
    "silver": ("silver", "silvery", "zilver", "zilveren", "zilverkleurig", "zilverkleurige", "chrome", "chroom"),
    "gold": ("gold", "golden", "goud", "gouden", "goudkleurig", "goudkleurige"),
    "red": ("red", "rood", "rode", "bordeaux", "burgundy", "wijnrood", "maroon", "scarlet"),
    "orange": ("orange", "oranje"),
    "yellow": ("yellow", "geel", "gele", "mosterd", "mustard"),
    "green": ("green", "groen", "groene", "olijf", "olijfgroen", "olive", "mint", "mintgroen", "khaki", "kaki"),
    "blue": ("blue", "blauw", "blauwe", "navy", "marine", "marineblauw", "turquoise", "turkoois",
             "teal", "petrol"),
    "purple": ("purple", "paars", "paarse", "lila", "violet", "lilac", "mauve"),
    "pink": ("pink", "roze", "rose", "fuchsia"),
    "brown": ("brown", "bruin", "bruine", "cognac", "camel", "tan", "chocolate", "chocolade"),
    "beige": ("beige", "zand", "zandkleurig", "sand", "taupe"),
    "multicoloured": ("multicoloured", "multicolored", "multicolour", "multicolor", "veelkleurig", "veelkleurige",
                      "bont", "bonte", "gekleurd", "rainbow", "regenboog", "gestreept", "striped", "geruit",
                      "checked"),
}
_COLOUR_WORDS = {word.replace(" ", ""): key for key, words in COLOURS.items() for word in words}
COLOUR_LABELS = {
    "black": _l("black"), "white": _l("white"), "grey": _l("grey"), "silver": _l("silver"), "gold": _l("gold"),
    "red": _l("red"), "orange": _l("orange"), "yellow": _l("yellow"), "green": _l("green"), "blue": _l("blue"),
    "purple": _l("purple"), "pink": _l("pink"), "brown": _l("brown"), "beige": _l("beige"),
    "multicoloured": _l("multicoloured"),
}
# Shades say nothing about the colour: "donkerblauw", "dark blue" and "blue" are one answer.
SHADES = ("donker", "licht", "dark", "light", "pale", "bright", "fel", "helder", "diep", "deep", "mat", "matte",
          "glanzend", "shiny", "metallic", "zacht", "soft", "neon", "pastel")
FILLERS = frozenset({"and", "en", "met", "with", "of", "or", "a", "an", "een", "kleur", "colour", "color", "ish",
                     "achtig", "tint", "tinted"})

# Surname particles: part of the surname, but written before or after it, or left out.
PARTICLES = frozenset({"de", "den", "der", "van", "von", "vd", "ter", "ten", "te", "het", "in", "op", "la", "le",
                       "du", "di", "da", "del", "della", "dos", "das", "al", "el", "bin", "zu", "vom", "des"})
_APOSTROPHES = "'’‘`´ʼ"
_ARTICLE_T = re.compile(rf"(?<!\w)[{_APOSTROPHES}]t(?!\w)", re.IGNORECASE)  # 't as in 't Hoen: a particle
_JOINERS = re.compile(rf"(?<=\w)[{_APOSTROPHES}\-‐‑–](?=\w)")  # O'Brien, Smit-Jansen: one word
_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("ue", "u"))  # Mueller = Müller = Muller


def fold(value: str) -> str:
    """Lower case, no accents, punctuation as space, single spaces."""
    text = unicodedata.normalize("NFKD", value or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"[^\w]+|_", " ", text)
    return " ".join(text.split())


def normalise_text(value: str) -> str:
    return fold(_JOINERS.sub("", value or "")).replace(" ", "")


def normalise_digits(value: str) -> str:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", value or ""))


def _colour_of(word: str) -> str | None:
    if word in _COLOUR_WORDS:
        return _COLOUR_WORDS[word]
    for shade in SHADES:
        if word.startswith(shade) and word[len(shade):] in _COLOUR_WORDS:
            return _COLOUR_WORDS[word[len(shade):]]
    return None


def normalise_choice(value: str) -> str:
    """A colour in Dutch or English, with or without a shade, as its key ("donkerblauw" -> "blue")."""
    folded = fold(_JOINERS.sub(" ", value or ""))
    if folded in COLOURS:
        return folded
    whole = _colour_of(folded) or _colour_of(folded.replace(" ", ""))
    if whole:
        return whole
    words = [w for w in folded.split() if w not in FILLERS and w not in SHADES]
    found = {colour for w in words if (colour := _colour_of(w))}
    if len(found) == 1:
        return found.pop()
    if len(found) > 1:
        return "multicoloured"
    return normalise_text(value)


# --- aliases: answers that mean the same, per category --------------------------------------------

ALIASES_FILE = Path(__file__).parent / "data" / "answer_aliases.json"


@cache
def builtin_aliases() -> dict[str, tuple[tuple[str, ...], ...]]:
    """The alias groups shipped with the app, per category ("bank_card": (("ING", "ING Bank"), ...))."""
    data = json.loads(ALIASES_FILE.read_text(encoding="utf-8"))
    return {category: tuple(tuple(group) for group in groups)
            for category, groups in data.items() if not category.startswith("_")}


def own_aliases(category: str) -> list[tuple[str, ...]]:
    """The managers' own groups of a category, read once per request."""
    from .models import AnswerAliasGroup

    kept = g.setdefault("lf_aliases", {}) if has_request_context() else {}
    if category not in kept:
        kept[category] = [tuple(group) for group in db.session.scalars(
            sa.select(AnswerAliasGroup.answers).where(AnswerAliasGroup.category == category)
            .order_by(AnswerAliasGroup.position))]
    return kept[category]


def alias_groups(category: str | None) -> list[tuple[str, ...]]:
    """The shipped groups of the category and the managers' own."""
    if not category:
        return []
    return [*builtin_aliases().get(category, ()), *own_aliases(category)]


def set_answer_aliases(actor, category, text: str) -> list[list[str]]:
    """Replace a category's own alias groups: one group a line, its answers separated by commas."""
    from ..audit import record
    from .models import AnswerAliasGroup

    groups = []
    for line in (text or "").splitlines():
        members = [" ".join(member.split()) for member in line.split(",")]
        members = [member for member in members if member]
        if not members:
            continue
        if len(members) < 2:
            raise ValidationFailed(_l("Each line needs at least two answers that mean the same, separated by commas: "
                                      "“%(line)s”.", line=line.strip()[:60]))
        if any(len(member) > 60 for member in members) or not all(normalise_text(m) for m in members):
            raise ValidationFailed(_l("An answer is at most 60 characters and holds letters or digits: "
                                      "“%(line)s”.", line=line.strip()[:60]))
        refuse_card_numbers(False, {_l("Answer aliases"): line})
        groups.append(members)
    if len(groups) > 200:
        raise ValidationFailed(_l("At most 200 lines per category."))
    db.session.execute(sa.delete(AnswerAliasGroup).where(AnswerAliasGroup.category == category))
    for position, members in enumerate(groups):
        db.session.add(AnswerAliasGroup(category=category, position=position, answers=members))
    db.session.flush()
    if has_request_context():
        g.pop("lf_aliases", None)
    record(actor, "lostfound.answer_aliases", None, category=category,
           groups=[", ".join(members) for members in groups])
    return groups


def text_forms(value: str, category: str | None) -> list[str]:
    """The normalised answer first, then every normalised alias of it (its group's first is its name)."""
    normalised = normalise_text(value)
    forms = [normalised]
    for group in alias_groups(category):
        members = [normalise_text(member) for member in group]
        if normalised in members:
            forms += [m for m in members if m and m not in forms]
    return forms


def canonical_text(value: str, category: str | None) -> str:
    """What an expected text answer is hashed as: its alias group's name, or itself."""
    normalised = normalise_text(value)
    for group in alias_groups(category):
        members = [normalise_text(member) for member in group]
        if normalised in members:
            return members[0]
    return normalised


# --- names -----------------------------------------------------------------------------------------

def _name_words(value: str) -> list[str]:
    """Folded words of a name; "'t" becomes the particle "het", apostrophes and hyphens join a word."""
    text = _ARTICLE_T.sub(" het ", value or "")
    text = _JOINERS.sub("", text)
    words = []
    for word in fold(text).split():
        for pair, single in _DIGRAPHS:
            word = word.replace(pair, single)
        words.append(word)
    return words


@dataclass(frozen=True)
class NameParts:
    surname: str
    initial: str


def _looks_like_initials(word: str) -> bool:
    return len(word) <= 2


def split_name(value: str) -> NameParts:
    """The expected name as written on the item: surname (no particles) and first initial.

    "Remco de Waard", "R. de Waard", "de Waard, R.", "Waard, R. de" and "de Waard R" all give
    surname "waard", initial "r".
    """
    raw = value or ""
    if "," in raw:
        surname_part, _, given_part = raw.partition(",")
        surname = [w for w in _name_words(surname_part) if w not in PARTICLES]
        given = [w for w in _name_words(given_part) if w not in PARTICLES]
        if surname:
            return NameParts("".join(surname), given[0][0] if given else "")
    words = _name_words(raw)
    core = [w for w in words if w not in PARTICLES]
    if not core:
        return NameParts("", "")
    if len(core) == 1:
        return NameParts(core[0], "")
    if words[0] in PARTICLES:  # "de Waard R": the surname comes first
        first = words.index(core[0])
        return NameParts(core[0], next((w[0] for w in words[first + 1:] if w not in PARTICLES), ""))
    particle_at = next((i for i, w in enumerate(words) if w in PARTICLES), None)
    if particle_at is not None:  # "Remco de Waard", "R. van der Berg"
        given = [w for w in words[:particle_at]]
        surname = [w for w in words[particle_at:] if w not in PARTICLES]
        if given and surname:
            return NameParts("".join(surname), given[0][0])
    if _looks_like_initials(core[-1]) and not _looks_like_initials(core[0]):  # "OBrien J"
        return NameParts(core[0], core[-1][0])
    return NameParts(core[-1], core[0][0])


def name_readings(value: str, limit: int = 8) -> list[NameParts]:
    """Every way to read a claimant's name: any stretch of its words as the surname, the first other
    word's letter as the initial. Word order, particles and a comma then do not matter."""
    core = [w for w in _name_words(value) if w not in PARTICLES][:limit]
    readings = []
    for start, end in itertools.combinations(range(len(core) + 1), 2):
        rest = core[:start] + core[end:]
        readings.append(NameParts("".join(core[start:end]), rest[0][0] if rest else ""))
    return readings


# --- hashing and matching ---------------------------------------------------------------------------

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


def hash_expected(kind: str, value: str, category: str | None = None) -> ExpectedAnswer:
    check_expected(kind, value)
    salt = secrets.token_hex(16)
    if kind == "name":
        parts = split_name(value)
        initial = _digest(salt, "initial", parts.initial) if parts.initial else None
        return ExpectedAnswer(salt, _digest(salt, "surname", parts.surname), initial)
    if kind == "text":
        return ExpectedAnswer(salt, _digest(salt, kind, canonical_text(value, category)), None)
    return ExpectedAnswer(salt, _digest(salt, kind, _normalise(kind, value)), None)


def _normalise(kind: str, value: str) -> str:
    if kind == "digits":
        return normalise_digits(value)
    if kind == "choice":
        return normalise_choice(value)
    return normalise_text(value)


def _same(salt: str, kind: str, normalised: str, stored: str) -> bool:
    return hmac.compare_digest(_digest(salt, kind, normalised), stored)


def matches(kind: str, given: str, salt: str, answer_hash: str, initial_hash: str | None = None,
            category: str | None = None) -> bool:
    """Does the claimant's answer match the stored hash? Every reading is compared in constant time.

    A name matches when one reading of it has the surname and (if one was stored) the initial; a
    text answer when it or one of its category's aliases does.
    """
    if kind == "name":
        found = False
        for reading in name_readings(given):
            if not reading.surname:
                continue
            surname_ok = _same(salt, "surname", reading.surname, answer_hash)
            initial_ok = initial_hash is None or (
                bool(reading.initial) and _same(salt, "initial", reading.initial, initial_hash))
            found |= surname_ok and initial_ok
        return found
    if kind == "text":
        forms = [form for form in text_forms(given, category) if form]
        return any([_same(salt, kind, form, answer_hash) for form in forms])
    normalised = _normalise(kind, given)
    if not normalised:
        return False
    return _same(salt, kind, normalised, answer_hash)


def gives_away(text: str, kind: str, answer: str, category: str | None = None) -> bool:
    """Does the public `text` hold the expected answer (in any of the forms that would match it)?"""
    if not (text or "").strip() or not (answer or "").strip():
        return False
    if kind == "digits":
        digits = normalise_digits(answer)
        return bool(digits) and any(digits in "".join(run) for run in cards.digit_runs(text))
    if kind == "choice":
        colour = normalise_choice(answer)
        words = fold(_JOINERS.sub(" ", text)).split()
        return any(_colour_of(word) == colour or normalise_choice(word) == colour for word in words)
    if kind == "name":
        surname = split_name(answer).surname
        words = [w for w in _name_words(text) if w not in PARTICLES]
        return bool(surname) and surname in _stretches(words)
    stretches = _stretches(fold(_JOINERS.sub("", text)).split())
    return any(form in stretches for form in text_forms(answer, category) if form)


def _stretches(words: list[str]) -> set[str]:
    """Every stretch of whole words, joined as an answer is kept: a surname or answer of any length.
    A description holds at most 200 characters, so at most some 5,000 stretches."""
    return {"".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}


# --- card numbers ----------------------------------------------------------------------------

LONG_RUN = 12  # on a card or ID item, no run this long: a card number in part, or a document number


def refuse_card_numbers(card_item: bool, fields: dict[str, str | None]) -> None:
    """Raise ValidationFailed naming the field when a value could be (part of) a card number."""
    for label, value in fields.items():
        if not value:
            continue
        if card_item and cards.longest_digit_run(value) >= LONG_RUN:
            raise ValidationFailed(_l(
                "“%(field)s” holds a run of 12 or more digits. Never write down a card number: "
                "for a bank card keep at most the last 4 digits.", field=label))
        if cards.holds_card_number(value):
            raise ValidationFailed(_l(
                "“%(field)s” holds what looks like a full card number. Card numbers are never stored: "
                "leave it out (the last 4 digits are enough).", field=label))
