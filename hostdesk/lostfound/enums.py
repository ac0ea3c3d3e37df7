"""The words of lost-and-found: categories, states, kinds, with their translated labels."""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Category(enum.StrEnum):
    BANK_CARD = "bank_card"
    ID_DOCUMENT = "id_document"
    PHONE = "phone"
    KEYS = "keys"
    WALLET = "wallet"
    BAG = "bag"
    CLOTHING = "clothing"
    JEWELLERY = "jewellery"
    GLASSES = "glasses"
    UMBRELLA = "umbrella"
    OTHER = "other"

    @property
    def label(self):
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    Category.BANK_CARD: _l("Bank card"), Category.ID_DOCUMENT: _l("ID or passport"), Category.PHONE: _l("Phone"),
    Category.KEYS: _l("Keys"), Category.WALLET: _l("Wallet or purse"), Category.BAG: _l("Bag"),
    Category.CLOTHING: _l("Clothing"), Category.JEWELLERY: _l("Jewellery"), Category.GLASSES: _l("Glasses"),
    Category.UMBRELLA: _l("Umbrella"), Category.OTHER: _l("Other"),
}


class ItemState(enum.StrEnum):
    IN_STORAGE = "in_storage"
    CLAIM_VERIFIED = "claim_verified"
    AWAITING_PICKUP = "awaiting_pickup"
    POSTED = "posted"
    RETURNED = "returned"
    DISPOSED = "disposed"

    @property
    def label(self):
        return STATE_LABELS[self]


STATE_LABELS = {
    ItemState.IN_STORAGE: _l("In storage"), ItemState.CLAIM_VERIFIED: _l("Claim verified"),
    ItemState.AWAITING_PICKUP: _l("Awaiting pickup"), ItemState.POSTED: _l("Posted"),
    ItemState.RETURNED: _l("Returned"), ItemState.DISPOSED: _l("Disposed"),
}
CLOSED_STATES = frozenset({ItemState.RETURNED, ItemState.DISPOSED})


class QuestionKind(enum.StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    DIGITS = "digits"
    NAME = "name"

    @property
    def label(self):
        return {QuestionKind.TEXT: _l("Free text"), QuestionKind.CHOICE: _l("Colour"),
                QuestionKind.DIGITS: _l("4 digits"), QuestionKind.NAME: _l("Name")}[self]


class Channel(enum.StrEnum):
    PHONE = "phone"
    IN_PERSON = "in_person"
    EMAIL = "email"

    @property
    def label(self):
        return {Channel.PHONE: _l("Phone"), Channel.IN_PERSON: _l("In person"), Channel.EMAIL: _l("E-mail")}[self]


class AttemptOutcome(enum.StrEnum):
    VERIFIED = "verified"
    FAILED = "failed"
    REFUSED_LOCKED = "refused_locked"


class ReturnMethod(enum.StrEnum):
    PICKUP = "pickup"
    POST = "post"


class DisposalMethod(enum.StrEnum):
    DESTROYED = "destroyed"
    DONATED = "donated"
    TO_BANK = "to_bank"
    TO_POLICE = "to_police"

    @property
    def label(self):
        return {DisposalMethod.DESTROYED: _l("Destroyed"), DisposalMethod.DONATED: _l("Donated"),
                DisposalMethod.TO_BANK: _l("Handed to the bank"),
                DisposalMethod.TO_POLICE: _l("Handed to the police")}[self]


class ActionKind(enum.StrEnum):
    CALLBACK = "callback"
    POST_ITEM = "post_item"
    ARRIVAL_CHECK = "arrival_check"
    CONTACT_GUEST = "contact_guest"

    @property
    def label(self):
        return {ActionKind.CALLBACK: _l("Call back"), ActionKind.POST_ITEM: _l("Post the item"),
                ActionKind.ARRIVAL_CHECK: _l("Ask whether it arrived"),
                ActionKind.CONTACT_GUEST: _l("Contact the guest whose lost report matches")}[self]


class ReportState(enum.StrEnum):
    OPEN = "open"
    MATCHED = "matched"
    CLOSED = "closed"


class MailState(enum.StrEnum):
    QUEUED = "queued"          # waiting for its first try (or for a mail server to be set up)
    RETRYING = "retrying"      # a try failed; the next one is at next_attempt_at
    SENT = "sent"
    CANCELLED = "cancelled"    # a person stopped it
    NOT_SENT = "not_sent"      # a test e-mail while no mail server was set up: kept to show, never sent

    @property
    def label(self):
        return {MailState.QUEUED: _l("Waiting to be sent"), MailState.RETRYING: _l("Not sent yet: trying again"),
                MailState.SENT: _l("Sent"), MailState.CANCELLED: _l("Cancelled"),
                MailState.NOT_SENT: _l("Not sent: no mail server")}[self]


class MailKind(enum.StrEnum):
    AFTERCARE = "aftercare"
    NOTE = "note"
    TEST = "test"
    SUMMARY = "summary"  # the managers' daily summary (manager/summary.py)
    BOOKING = "booking"  # an online booking's confirmation (online/mail.py)
    REMINDER = "reminder"  # the day before a booking
    REPORT = "report"  # to a guest who reported a loss online: we may have it
    WAITLIST = "waitlist"  # to a waitlist guest (reservations/messages.py)
