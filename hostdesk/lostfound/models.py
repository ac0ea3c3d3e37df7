"""Found items, their verification questions, claims, action points, lost reports, mail.

Expected answers are stored only as salted one-way hashes (see matching.py). Personal data
of claimants and lost reports sits in the columns marked "personal data" below, which
`purge_personal_data()` empties after the erasure period, leaving an anonymised record.
The enums (categories, states...) live in enums.py and are importable from here too.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..auth.models import User
from ..database import UtcDateTime, enum_type
from ..extensions import db
from .enums import (  # noqa: F401  (re-exported: callers import them from models)
    CATEGORY_LABELS,
    CLOSED_STATES,
    STATE_LABELS,
    ActionKind,
    AttemptOutcome,
    Category,
    Channel,
    DisposalMethod,
    ItemState,
    MailKind,
    MailState,
    QuestionKind,
    ReportState,
    ReturnMethod,
)


class ReferenceCounter(db.Model):
    """One row per year; the UPDATE that takes the next number locks the row (race-safe)."""

    __tablename__ = "lf_reference_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class FoundItem(db.Model):
    __tablename__ = "lf_items"
    audit_type = "lf_item"
    __table_args__ = (
        # with the id: the log's count and page choose their ids from these alone
        sa.Index("ix_lf_items_state_found", "state", "found_at", "id"),
        sa.Index("ix_lf_items_category_found", "category", "found_at", "id"),
        sa.Index("ix_lf_items_found_at", "found_at"),
        sa.Index("ix_lf_items_storage", "storage_location"),
        sa.Index("ix_lf_items_dispose_after", "state", "dispose_after"),
        sa.Index("ix_lf_items_locked", "locked_at"),
        sa.Index("ix_lf_items_closed", "closed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    category: Mapped[Category] = mapped_column(enum_type(Category))
    description: Mapped[str] = mapped_column(sa.String(200))
    where_found: Mapped[str] = mapped_column(sa.String(120), default="")
    # The floor's table when "where found" names one (the text stays, also if the table goes).
    table_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tables.id", ondelete="SET NULL"), index=True)
    found_at: Mapped[datetime] = mapped_column(UtcDateTime)
    found_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    storage_location: Mapped[str] = mapped_column(sa.String(80))
    photo_name: Mapped[str | None] = mapped_column(sa.String(64))
    state: Mapped[ItemState] = mapped_column(enum_type(ItemState), default=ItemState.IN_STORAGE)
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.utcnow, index=True)
    dispose_after: Mapped[datetime] = mapped_column(UtcDateTime)
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    disposal_method: Mapped[DisposalMethod | None] = mapped_column(enum_type(DisposalMethod))
    disposed_on: Mapped[date | None] = mapped_column(sa.Date)
    disposal_witness: Mapped[str | None] = mapped_column(sa.String(80))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    found_by: Mapped[User | None] = relationship(foreign_keys=[found_by_id])
    questions: Mapped[list[Question]] = relationship(back_populates="item", order_by="Question.position",
                                                     cascade="all, delete-orphan")
    claim: Mapped[Claim | None] = relationship(back_populates="item", uselist=False)

    @property
    def claims_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def is_card(self) -> bool:
        return self.category in (Category.BANK_CARD, Category.ID_DOCUMENT)

    @property
    def is_closed(self) -> bool:
        return self.state in CLOSED_STATES


class ItemWord(db.Model):
    """Words of an item's description, for indexed search and lost-report matching."""

    __tablename__ = "lf_item_words"
    # An item's words straight from the index: the log's word check is one probe per item (queries.py).
    __table_args__ = (sa.Index("ix_lf_item_words_item_word", "item_id", "word"),)

    word: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("lf_items.id", ondelete="CASCADE"), primary_key=True)


class Question(db.Model):
    """A verification question of one item; the expected answer only as hashes."""

    __tablename__ = "lf_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("lf_items.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    prompt: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[QuestionKind] = mapped_column(enum_type(QuestionKind))
    required: Mapped[bool] = mapped_column(default=True)
    salt: Mapped[str] = mapped_column(sa.String(32))
    answer_hash: Mapped[str] = mapped_column(sa.String(64))
    initial_hash: Mapped[str | None] = mapped_column(sa.String(64))

    item: Mapped[FoundItem] = relationship(back_populates="questions")


class DefaultQuestion(db.Model):
    """A manager's default question for a category (when a category has none, built-ins apply)."""

    __tablename__ = "lf_default_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[Category] = mapped_column(enum_type(Category), index=True)
    position: Mapped[int] = mapped_column(default=0)
    prompt: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[QuestionKind] = mapped_column(enum_type(QuestionKind))
    required: Mapped[bool] = mapped_column(default=True)


class AnswerAliasGroup(db.Model):
    """A manager's own group of answers that mean the same, for text questions of one category
    (beside the groups shipped in data/answer_aliases.json)."""

    __tablename__ = "lf_answer_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[Category] = mapped_column(enum_type(Category), index=True)
    position: Mapped[int] = mapped_column(default=0)
    answers: Mapped[list[str]] = mapped_column(sa.JSON)


class ClaimAttempt(db.Model):
    """One try at verification: who asked, how, who took it, which questions matched (never the answers)."""

    __tablename__ = "lf_claim_attempts"
    audit_type = "lf_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("lf_items.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.utcnow, index=True)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel))
    claimant_name: Mapped[str | None] = mapped_column(sa.String(120))
    taken_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    outcome: Mapped[AttemptOutcome] = mapped_column(enum_type(AttemptOutcome))
    matched: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)  # {question id: true/false}
    matched_count: Mapped[int] = mapped_column(default=0)
    question_count: Mapped[int] = mapped_column(default=0)

    taken_by: Mapped[User | None] = relationship()


class Claim(db.Model):
    """The verified claimant of an item and how it goes back: pickup or post."""

    __tablename__ = "lf_claims"
    audit_type = "lf_claim"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("lf_items.id", ondelete="CASCADE"), unique=True)
    attempt_id: Mapped[int | None] = mapped_column(sa.ForeignKey("lf_claim_attempts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.utcnow)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel))
    # personal data (erased by purge_personal_data)
    claimant_name: Mapped[str | None] = mapped_column(sa.String(120))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    postal_address: Mapped[str | None] = mapped_column(sa.Text)
    reply_note: Mapped[str | None] = mapped_column(sa.Text)
    # the return
    language: Mapped[str] = mapped_column(sa.String(5), default="nl")
    method: Mapped[ReturnMethod | None] = mapped_column(enum_type(ReturnMethod))
    pickup_code: Mapped[str | None] = mapped_column(sa.String(12))
    posted_on: Mapped[date | None] = mapped_column(sa.Date)
    carrier: Mapped[str | None] = mapped_column(sa.String(60))
    tracking: Mapped[str | None] = mapped_column(sa.String(60))
    postage_cents: Mapped[int | None] = mapped_column()
    id_checked: Mapped[bool] = mapped_column(default=False)
    handed_over_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    handed_over_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    aftercare_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reply_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)

    item: Mapped[FoundItem] = relationship(back_populates="claim")
    handed_over_by: Mapped[User | None] = relationship(foreign_keys=[handed_over_by_id])


class LostReport(db.Model):
    """A guest who lost something before it was found: what, when, where, how to reach them."""

    __tablename__ = "lf_lost_reports"
    audit_type = "lf_report"
    __table_args__ = (sa.Index("ix_lf_reports_state_lost", "state", "lost_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[Category] = mapped_column(enum_type(Category))
    what: Mapped[str] = mapped_column(sa.String(200))
    lost_on: Mapped[date] = mapped_column(sa.Date)
    where: Mapped[str] = mapped_column(sa.String(120), default="")
    # personal data (erased by purge_personal_data)
    name: Mapped[str | None] = mapped_column(sa.String(120))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    language: Mapped[str] = mapped_column(sa.String(5), default="nl")
    state: Mapped[ReportState] = mapped_column(enum_type(ReportState), default=ReportState.OPEN)
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("lf_items.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    # Items staff unlinked as a wrong match: never suggested or linked to this report again.
    unlinked_item_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    # Filed by the guest on the public /lost form: more words of theirs, and their status link's token.
    details: Mapped[str] = mapped_column(sa.String(500), default="")
    token: Mapped[str | None] = mapped_column(sa.String(32), unique=True, index=True)

    item: Mapped[FoundItem | None] = relationship()

    @property
    def reference(self) -> str:
        """What the guest quotes when they call: "V-" and the report's number."""
        return f"V-{self.id:05d}"

    @property
    def match_text(self) -> str:
        """The words matching compares with found items' descriptions."""
        return f"{self.what} {self.details or ''}".strip()


class ActionPoint(db.Model):
    """Something to do about an item or a report, by a time, by someone."""

    __tablename__ = "lf_action_points"
    audit_type = "lf_action"
    __table_args__ = (sa.Index("ix_lf_actions_open_due", "done_at", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("lf_items.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("lf_lost_reports.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ActionKind] = mapped_column(enum_type(ActionKind))
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    done_note: Mapped[str | None] = mapped_column(sa.String(300))

    item: Mapped[FoundItem | None] = relationship()
    report: Mapped[LostReport | None] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])


class OutboxMail(db.Model):
    """Every e-mail the app sends: its text as sent, to whom, in which language, and its state.

    A message that could not be sent waits here and is tried again with growing pauses (mail.py)
    until it is sent or a person cancels it; the item's timeline shows its messages.
    """

    __tablename__ = "lf_outbox"
    __table_args__ = (sa.Index("ix_lf_outbox_state_next", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("lf_items.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    to_address: Mapped[str | None] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str | None] = mapped_column(sa.Text)
    sent: Mapped[bool] = mapped_column(default=False)
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    kind: Mapped[MailKind] = mapped_column(enum_type(MailKind), default=MailKind.AFTERCARE)
    language: Mapped[str | None] = mapped_column(sa.String(5))
    state: Mapped[MailState] = mapped_column(enum_type(MailState), default=MailState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.String(200))
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # A booking's confirmation or reminder: the guest's calendar file (.ics text) sent with it.
    reservation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("reservations.id", ondelete="SET NULL"),
                                                       index=True)
    attachment: Mapped[str | None] = mapped_column(sa.Text)

    item: Mapped[FoundItem | None] = relationship()
