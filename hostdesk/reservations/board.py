"""The host board: a service day's reservations sorted into the sections a host works from.

`sort_board()` is pure (reservations in, sections out) so it is tested around any frozen
"now"; `load_board()` adds the reads, a constant number of statements however busy the day.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .. import clock
from ..settings import Settings, get_settings
from . import live, queries
from .models import Reservation, ShiftNote, State
from .operations import can_undo
from .queries import Turn, turn_of


@dataclass
class Card:
    res: Reservation
    level: str = ""  # greet: ok, amber, red
    waited_seconds: int = 0  # since arrival (greet), since the quote began (waitlist)
    minutes_late: int = 0
    minutes_until: int = 0  # until the booked time (negative: late)
    deadline: datetime | None = None  # waitlist: when the quoted wait runs out
    minutes_left: int = 0  # waitlist: of the quote (negative: over it)
    undo: bool = False
    # Greet and walk cards: is the booked table free now and big enough ("ready"), "occupied"
    # (another party sits there or it is still to clear), "small", or "" (no table yet).
    table_state: str = ""
    options: list[queries.Option] = field(default_factory=list)  # free tables that fit, when not ready
    turn: Turn | None = None  # seated: the expected free time

    @property
    def id(self) -> int:
        return self.res.id

    @property
    def closed(self) -> bool:
        """A no-show or cancelled party whose card stays in its place while it can be undone."""
        return self.res.state in (State.NO_SHOW, State.CANCELLED)


@dataclass
class Board:
    SECTIONS = ("greet", "walk", "arriving", "late", "waiting", "seated", "later")  # those with a count

    day: date
    now: datetime
    greet: list[Card] = field(default_factory=list)
    walk: list[Card] = field(default_factory=list)
    arriving: list[Card] = field(default_factory=list)
    late: list[Card] = field(default_factory=list)
    waiting: list[Card] = field(default_factory=list)
    seated: list[Card] = field(default_factory=list)
    later: list[Card] = field(default_factory=list)
    done: list[Card] = field(default_factory=list)  # left, no-show, cancelled
    covers_expected: int = 0
    covers_arrived: int = 0
    covers_seated: int = 0
    floor: queries.Floor | None = None
    notes: list[ShiftNote] = field(default_factory=list)  # this service's, not dismissed, newest first
    dismissed_notes: list[ShiftNote] = field(default_factory=list)
    token: str = ""

    @property
    def attention(self) -> int:
        return len(self.greet)

    @property
    def recent(self) -> list[Card]:
        """"Just now": parties that left and can still be undone, in the order they left."""
        return [c for c in self.done if c.undo and c.res.state is State.LEFT]

    def cards(self, section: str) -> list[Card]:
        return self.recent if section == "recent" else getattr(self, section)

    def count_of(self, section: str) -> int:
        return sum(1 for c in self.cards(section) if not c.closed)

    def find(self, reservation_id: int) -> tuple[str, Card] | None:
        """The section a reservation's card stands in ("recent" before "done"), and the card."""
        return next(((name, c) for name in (*self.SECTIONS, "recent", "done") for c in self.cards(name)
                     if c.id == reservation_id), None)


EXPECTED = (State.BOOKED, State.ARRIVED, State.GREETED, State.SEATED, State.LEFT)  # their covers count
CAME = (State.ARRIVED, State.GREETED, State.SEATED, State.LEFT)
SAT = (State.SEATED, State.LEFT)


def sort_board(reservations: list[Reservation], now: datetime, day: date, s: Settings) -> Board:
    board = Board(day=day, now=now)
    window = timedelta(minutes=s.arriving_window_minutes)
    grace = timedelta(minutes=s.no_show_grace_minutes)
    for res in reservations:
        card = Card(res, undo=can_undo(res, now))
        card.minutes_until = int((res.start_at - now).total_seconds() // 60)
        state = res.state
        if state is State.ARRIVED:
            card.waited_seconds = max(0, int((now - (res.arrived_at or now)).total_seconds()))
            card.level = ("red" if card.waited_seconds >= s.greet_red_seconds
                          else "amber" if card.waited_seconds >= s.greet_amber_seconds else "ok")
            board.greet.append(card)
        elif state is State.GREETED:
            board.walk.append(card)
        elif state is State.SEATED:
            card.turn = turn_of(res, now)
            board.seated.append(card)
        elif state is State.WAITING:
            card.waited_seconds = max(0, int((now - res.created_at).total_seconds()))
            card.deadline = res.created_at + timedelta(minutes=res.quoted_wait_minutes or 0)
            card.minutes_left = int((card.deadline - now).total_seconds() // 60)
            board.waiting.append(card)
        elif state is State.BOOKED:
            if res.start_at + grace <= now:
                card.minutes_late = int((now - res.start_at).total_seconds() // 60)
                board.late.append(card)
            elif res.start_at - window <= now:
                card.minutes_late = max(0, int((now - res.start_at).total_seconds() // 60))
                board.arriving.append(card)
            else:
                board.later.append(card)
        elif card.undo and state in (State.NO_SHOW, State.CANCELLED):
            _closed_in_place(board, card, now, window, grace)
        else:
            board.done.append(card)
        here = res.party_size if res.arrived_guests is None else res.arrived_guests  # "3 of 5 here": 3
        board.covers_expected += res.party_size if state in EXPECTED else 0
        board.covers_arrived += here if state in CAME else 0
        board.covers_seated += here if state in SAT else 0
    board.greet.sort(key=lambda c: (c.res.arrived_at, -c.res.party_size, c.id))
    board.walk.sort(key=lambda c: (c.res.greeted_at, c.id))
    board.seated.sort(key=lambda c: (c.res.seated_at, c.id))
    board.waiting.sort(key=lambda c: (c.res.created_at, c.id))
    board.done.sort(key=lambda c: (c.res.changed_at or c.res.start_at, c.id))
    return board


def _closed_in_place(board: Board, card: Card, now: datetime, window: timedelta, grace: timedelta) -> None:
    """A no-show or cancelled card stays where the host tapped it, with its undo, for the undo period."""
    res = card.res
    if res.previous_state is State.WAITING:
        card.deadline = res.created_at + timedelta(minutes=res.quoted_wait_minutes or 0)
        board.waiting.append(card)
    elif res.state is State.NO_SHOW or res.start_at + grace <= now:
        board.late.append(card)
    elif res.start_at - window <= now:
        board.arriving.append(card)
    else:
        board.later.append(card)


def check_tables(board: Board) -> None:
    """Greet and walk cards name their table only when it is free now and fits; otherwise they say
    why and carry the free tables that fit."""
    views = board.floor.by_id()
    for card in board.greet + board.walk:
        res = card.res
        if not res.tables:
            card.table_state = ""
        elif any(_held(views.get(t.id), res) for t in res.tables):
            card.table_state = "occupied"
        elif res.seats < res.party_size:
            card.table_state = "small"
        else:
            card.table_state = "ready"
        if card.table_state != "ready":
            card.options = queries.seating_options(board.floor, res.party_size, res.preferred_area_id,
                                                   own_id=res.id, now=board.now, limit=3,
                                                   minutes=res.duration_minutes)[:3]


def _held(view: queries.TableView | None, res: Reservation) -> bool:
    return view is None or (view.party is not None and view.party.id != res.id) or view.state == "to_clear"


def load_board(now: datetime | None = None) -> Board:
    """Everything the board shows, in six statements: version, settings, reservations, their
    tables, all tables, the shift note."""
    token = live.token()
    s = get_settings()
    now = now or clock.utcnow()
    day = clock.service_day(now, s.zone, s.boundary)
    reservations = queries.reservations_of(day, messages=True)
    board = sort_board(reservations, now, day, s)
    board.floor = queries.floor_state(queries.all_tables(), reservations, now)
    check_tables(board)
    notes = queries.shift_notes(day)
    board.notes = [n for n in notes if n.dismissed_at is None]
    board.dismissed_notes = [n for n in notes if n.dismissed_at is not None]
    board.token = token
    return board


@dataclass
class Tally:
    """The board's numbers without its cards: the counts per section, the covers and the banner."""

    SECTIONS = Board.SECTIONS
    counts: dict[str, int] = field(default_factory=dict)
    covers_expected: int = 0
    covers_arrived: int = 0
    covers_seated: int = 0

    @property
    def attention(self) -> int:
        return self.counts.get("greet", 0)

    def count_of(self, section: str) -> int:
        return self.counts.get(section, 0)


SECTION_OF_STATE = {State.ARRIVED: "greet", State.GREETED: "walk", State.SEATED: "seated", State.WAITING: "waiting"}


def tally(now: datetime | None = None) -> Tally:
    """The same numbers as sort_board() gives (a test holds them equal), counted by the database:
    what a tap sends back besides its one card, the same few rows however busy the day."""
    s = get_settings()
    now = now or clock.utcnow()
    grace = timedelta(minutes=s.no_show_grace_minutes)
    window = timedelta(minutes=s.arriving_window_minutes)
    result = Tally()
    rows = queries.board_tally(queries.day_of(now), late_from=now - grace, arriving_from=now + window)
    for state, part, parties, people, here in rows:
        section = part or SECTION_OF_STATE.get(state)
        if section:
            result.counts[section] = result.counts.get(section, 0) + parties
        result.covers_expected += people if state in EXPECTED else 0
        result.covers_arrived += here if state in CAME else 0
        result.covers_seated += here if state in SAT else 0
    return result


WITH_MESSAGES = ("greet", "waiting")  # the sections whose cards list the messages to the guest


def card_for(res: Reservation, now: datetime | None = None) -> tuple[str | None, Card | None]:
    """The section one reservation's card now stands in and the card (sort_board of that one), or
    (None, None) when the board shows no card for it (closed for good, or not today's)."""
    now = now or clock.utcnow()
    board = sort_board([res], now, queries.day_of(now), get_settings())
    found = board.find(res.id) if res.service_day == board.day else None
    if found and found[0] in ("greet", "walk"):  # its prompt depends on the floor
        card = found[1]
        if res.tables and res.seats >= res.party_size and not queries.tables_held([t.id for t in res.tables], res.id):
            card.table_state = "ready"
        else:  # not ready: the card offers the free tables that fit, from the whole floor
            found = load_board(now).find(res.id)
    if found and found[0] in WITH_MESSAGES:
        queries.load_messages(res)
    return found if found and found[0] != "done" else (None, None)


@dataclass
class DoorAlerts:
    """What the PIN screen shows of the door: counts only, since nobody is signed in."""

    waiting: int = 0
    longest_seconds: int = 0
    red: int = 0


def door_alerts(now: datetime | None = None) -> DoorAlerts:
    """How many parties wait to be greeted, the longest wait and how many are red."""
    s = get_settings()
    now = now or clock.utcnow()
    board = sort_board(queries.reservations_of(queries.day_of(now)), now, queries.day_of(now), s)
    return DoorAlerts(waiting=len(board.greet), longest_seconds=max((c.waited_seconds for c in board.greet), default=0),
                      red=sum(1 for c in board.greet if c.level == "red"))
