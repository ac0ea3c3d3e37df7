"""Guests, reservations (bookings, walk-ins, the waitlist), table assignments, the shift note
and the board version that every tablet polls."""
from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..auth.models import User
from ..database import UtcDateTime, enum_type
from ..extensions import db
from ..floor.models import Area, Table


class State(enum.StrEnum):
    BOOKED = "booked"
    WAITING = "waiting"
    ARRIVED = "arrived"
    GREETED = "greeted"
    SEATED = "seated"
    LEFT = "left"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


# Parties expected or present (not finished): they hold their tables.
ACTIVE = (State.BOOKED, State.WAITING, State.ARRIVED, State.GREETED, State.SEATED)
# The order of the visit, for undo: stepping back clears everything after the earlier state.
PROGRESS = {State.BOOKED: 0, State.WAITING: 0, State.NO_SHOW: 0, State.CANCELLED: 0,
            State.ARRIVED: 1, State.GREETED: 2, State.SEATED: 3, State.LEFT: 4}


class Source(enum.StrEnum):
    PHONE = "phone"
    WALK_IN = "walk_in"
    ONLINE = "online"


class Occasion(enum.StrEnum):
    BIRTHDAY = "birthday"
    ANNIVERSARY = "anniversary"
    BUSINESS = "business"
    OTHER = "other"


class Guest(db.Model):
    """A guest recognised across visits by phone (E.164) or e-mail (lower case)."""

    __tablename__ = "guests"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    phone: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    visits: Mapped[int] = mapped_column(default=0)  # visits seated so far
    last_visit_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_visit_note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.utcnow)


class Assignment(db.Model):
    """A table given to a reservation; `occupied` while the party sits there.

    The partial unique index lets at most one occupied row exist per table: of two tablets
    seating two parties at one table, exactly one insert/update succeeds, on SQLite and PostgreSQL.
    """

    __tablename__ = "reservation_tables"
    __table_args__ = (
        sa.Index("uq_reservation_tables_occupied", "table_id", unique=True,
                 sqlite_where=sa.text("occupied"), postgresql_where=sa.text("occupied")),
    )

    reservation_id: Mapped[int] = mapped_column(sa.ForeignKey("reservations.id", ondelete="CASCADE"), primary_key=True)
    table_id: Mapped[int] = mapped_column(sa.ForeignKey("tables.id"), primary_key=True, index=True)
    occupied: Mapped[bool] = mapped_column(default=False)

    table: Mapped[Table] = relationship(lazy="joined", innerjoin=True)
    reservation: Mapped[Reservation] = relationship(back_populates="assignments")


class Reservation(db.Model):
    __tablename__ = "reservations"
    __table_args__ = (
        sa.Index("ix_reservations_day_state", "service_day", "state"),
        sa.CheckConstraint("party_size >= 1", name="party_size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guest_id: Mapped[int | None] = mapped_column(sa.ForeignKey("guests.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80), default="")
    party_size: Mapped[int]
    start_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    service_day: Mapped[date] = mapped_column(sa.Date)
    duration_minutes: Mapped[int]
    source: Mapped[Source] = mapped_column(enum_type(Source), default=Source.PHONE)
    state: Mapped[State] = mapped_column(enum_type(State), default=State.BOOKED)
    notes: Mapped[str] = mapped_column(sa.String(500), default="")
    allergy: Mapped[str] = mapped_column(sa.String(120), default="")  # "with what"; empty = none
    vip: Mapped[bool] = mapped_column(default=False)
    occasion: Mapped[Occasion | None] = mapped_column(enum_type(Occasion))
    high_chairs: Mapped[int] = mapped_column(default=0)
    wheelchair: Mapped[bool] = mapped_column(default=False)
    regular: Mapped[bool] = mapped_column(default=False)
    preferred_area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("areas.id", ondelete="SET NULL"))
    quoted_wait_minutes: Mapped[int | None]
    computed_wait_minutes: Mapped[int | None]  # the app's own quote; differs from the quoted one when overridden
    # Partial arrival: how many of the party are here; None when the whole party is (or nobody yet).
    arrived_guests: Mapped[int | None]

    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    arrived_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    arrived_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    greeted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    greeted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    seated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    seated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    left_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    left_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    called_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # waitlist: "table ready"
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # no-show or cancelled
    # The last transition, so a mistaken tap can be stepped back for a short while.
    previous_state: Mapped[State | None] = mapped_column(enum_type(State))
    changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # The tables before the last move or release of a seated party, so that too can be undone.
    previous_table_ids: Mapped[list[int] | None] = mapped_column(sa.JSON)
    # Waitlist: the guest's own live page (hostdesk/public tokens) and the language of their messages.
    guest_token: Mapped[str | None] = mapped_column(sa.String(32), unique=True, index=True)
    guest_language: Mapped[str | None] = mapped_column(sa.String(5))
    # Booked online: the guest's manage link carries this random token (the only key to the booking
    # outside the restaurant); when the reminder went out. Their e-mails' language: guest_language.
    manage_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True, index=True)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    guest: Mapped[Guest | None] = relationship(lazy="joined")
    preferred_area: Mapped[Area | None] = relationship(lazy="joined")
    arrived_by: Mapped[User | None] = relationship(foreign_keys=[arrived_by_id], lazy="joined")
    greeted_by: Mapped[User | None] = relationship(foreign_keys=[greeted_by_id], lazy="joined")
    seated_by: Mapped[User | None] = relationship(foreign_keys=[seated_by_id], lazy="joined")
    left_by: Mapped[User | None] = relationship(foreign_keys=[left_by_id], lazy="joined")
    assignments: Mapped[list[Assignment]] = relationship(back_populates="reservation", cascade="all, delete-orphan",
                                                         lazy="selectin")
    # Read only where a card shows them (queries.reservations_of(..., messages=True)), not on every load.
    messages: Mapped[list[GuestMessage]] = relationship(back_populates="reservation", cascade="all, delete-orphan",
                                                        order_by="GuestMessage.id", lazy="select")

    @property
    def tables(self) -> list[Table]:
        return sorted((a.table for a in self.assignments), key=lambda t: (t.position, t.name))

    @property
    def table_names(self) -> str:
        return " + ".join(t.name for t in self.tables)

    @property
    def tables_label(self) -> str:
        """ "12 (window)", or "1 + 2 (window)" for tables pushed together."""
        tables = self.tables
        return f"{self.table_names} ({tables[0].area.name})" if tables else ""

    @property
    def seats(self) -> int:
        """The seats of all its tables together."""
        return sum(t.max_seats for t in self.tables)

    @property
    def partly_arrived(self) -> bool:
        return self.arrived_guests is not None and self.arrived_guests < self.party_size

    @property
    def end_at(self) -> datetime:
        return self.start_at + timedelta(minutes=self.duration_minutes)

    @property
    def visit_number(self) -> int:
        """This visit's number for the guest: 1 for a first visit, 4 for the "4th visit"."""
        if self.guest is None:
            return 1
        done = self.state in (State.SEATED, State.LEFT) and self.seated_at is not None
        return self.guest.visits + (0 if done else 1)

    @property
    def display_name(self) -> str:
        return self.name or f"#{self.id}"

    def __repr__(self) -> str:
        return f"<Reservation {self.id} {self.name} {self.party_size} {self.state.value}>"


class MessageChannel(enum.StrEnum):
    SMS = "sms"
    EMAIL = "email"


class MessageKind(enum.StrEnum):
    JOINED = "joined"  # on the waitlist, with the link to the live page
    READY = "ready"  # the host called: the table is ready


class MessageState(enum.StrEnum):
    SENDING = "sending"
    SENT = "sent"  # taken by the SMS provider or the mail server
    QUEUED = "queued"  # e-mail waiting in the outbox (no mail server, or it will be tried again)
    FAILED = "failed"


class GuestMessage(db.Model):
    """A message to a waitlist guest: its text as sent, when, to whom and how delivery went.
    E-mail goes through the lost-and-found outbox (`outbox_id`); its state there is the truth."""

    __tablename__ = "guest_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    reservation_id: Mapped[int] = mapped_column(sa.ForeignKey("reservations.id", ondelete="CASCADE"), index=True)
    channel: Mapped[MessageChannel] = mapped_column(enum_type(MessageChannel))
    kind: Mapped[MessageKind] = mapped_column(enum_type(MessageKind))
    to_address: Mapped[str | None] = mapped_column(sa.String(254))
    body: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.utcnow, index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[MessageState] = mapped_column(enum_type(MessageState), default=MessageState.SENDING)
    provider_id: Mapped[str | None] = mapped_column(sa.String(64))  # the SMS provider's id of the message
    error: Mapped[str | None] = mapped_column(sa.String(200))
    outbox_id: Mapped[int | None] = mapped_column(sa.ForeignKey("lf_outbox.id", ondelete="SET NULL"))
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    reservation: Mapped[Reservation] = relationship(back_populates="messages")
    outbox: Mapped[OutboxMail | None] = relationship(lazy="joined")  # noqa: F821  (lostfound's model)

    @property
    def delivery(self) -> MessageState:
        """How it went: an e-mail's state in the outbox as it is now (the outbox job may have sent it)."""
        if self.outbox is None:
            return self.state
        mail_state = self.outbox.state.value
        if mail_state == "sent":
            return MessageState.SENT
        if mail_state in ("queued", "retrying"):
            return MessageState.QUEUED if not self.outbox.last_error else MessageState.FAILED
        return MessageState.FAILED

    @property
    def problem(self) -> str | None:
        return self.error or (self.outbox.last_error if self.outbox is not None else None)


class ShiftNote(db.Model):
    """A host's or manager's note for a service, at the top of the board until someone dismisses it."""

    __tablename__ = "shift_notes"
    __table_args__ = (sa.Index("ix_shift_notes_day", "service_day", "dismissed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_day: Mapped[date] = mapped_column(sa.Date)
    text: Mapped[str] = mapped_column(sa.String(1000))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    dismissed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    dismissed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id], lazy="joined")


class BoardVersion(db.Model):
    """One row whose number goes up with every change a tablet should see (the poll reads it)."""

    __tablename__ = "board_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class TurnTime(db.Model):
    """A learned turn time: the median minutes seated for a service and party-size band, and the
    visits it rests on (written by the scheduled job, see turntimes.py)."""

    __tablename__ = "turn_times"

    service: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    band: Mapped[int] = mapped_column(primary_key=True)
    minutes: Mapped[int]
    visits: Mapped[int]
    learned_at: Mapped[datetime] = mapped_column(UtcDateTime)
