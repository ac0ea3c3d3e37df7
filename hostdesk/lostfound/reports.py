"""Lost reports: a guest who lost something before it was found, and matching with found items."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import clock
from ..audit import record
from ..errors import AlreadyDone, ValidationFailed
from ..extensions import db
from ..public import new_token
from ..settings import get_settings
from .checks import card_fields, check_length
from .models import ActionKind, Category, FoundItem, ItemState, ItemWord, LostReport, ReportState
from .operations import description_words

WINDOW_BEFORE = timedelta(days=2)   # found a little before the guest thinks he lost it
WINDOW_AFTER = timedelta(days=14)


def local_today() -> date:
    """Today's calendar date in the restaurant's zone: the day lost defaults to it and may not be later."""
    return clock.utcnow().astimezone(get_settings().zone).date()


def report_lost(actor, *, category: Category, what: str, lost_on: date, where: str = "", name: str,
                phone: str = "", email: str = "", language: str = "nl", details: str = "",
                online: bool = False) -> LostReport:
    """A lost report, by staff or (actor None, `online`) by the guest on /lost: an online report gets
    the status link's token, by which the guest later hears of a match."""
    from .claims import _contact
    from .matching import refuse_card_numbers

    what = check_length(what, 200, _("What"))
    where = check_length(where, 120, _("Where"))
    details = check_length(details, 500, _("Description"))
    name = check_length(name, 120, _("Name"))
    if not what:
        raise ValidationFailed(_l("Describe what was lost."))
    if not name:
        raise ValidationFailed(_l("Type the guest's name."))
    today = local_today()
    if lost_on > today or lost_on < today - timedelta(days=366):
        raise ValidationFailed(_l("The day lost must be within the last year, not in the future."))
    category = Category(category)
    refuse_card_numbers(category in (Category.BANK_CARD, Category.ID_DOCUMENT),
                        card_fields(what=what, where=where, claimant_name=name, email=email, description=details))
    phone, email, language = _contact(None, phone, email, language)
    report = LostReport(category=category, what=what, lost_on=lost_on, where=where, name=name, phone=phone or None,
                        email=email or None, language=language, created_by_id=getattr(actor, "id", None),
                        created_at=clock.utcnow(), details=details, token=new_token() if online else None)
    db.session.add(report)
    db.session.flush()
    record(actor, "lostfound.report_lost", report, category=category, lost_on=lost_on, online=online)
    return report


def close_report(actor, report: LostReport) -> LostReport:
    if report.state is ReportState.CLOSED:
        raise AlreadyDone(_l("This lost report is already closed."))
    report.state, report.closed_at = ReportState.CLOSED, clock.utcnow()
    record(actor, "lostfound.report_closed", report)
    db.session.flush()
    return report


def unlink_report(actor, report: LostReport) -> LostReport | None:
    """A wrong match: the report is open again, its "contact the guest" point closed, the item never
    linked to it again; then it looks for matches again. Returns the report it is now matched to, if any."""
    from .actions import close_open_points

    if report.state is not ReportState.MATCHED or report.item_id is None:
        raise AlreadyDone(_l("This lost report is not linked to an item."))
    item = report.item
    stmt = (sa.update(LostReport).where(LostReport.id == report.id, LostReport.state == ReportState.MATCHED,
                                        LostReport.item_id == item.id)
            .values(state=ReportState.OPEN, item_id=None,
                    unlinked_item_ids=[*(report.unlinked_item_ids or []), item.id])
            .execution_options(synchronize_session=False))
    if db.session.execute(stmt).rowcount != 1:
        raise AlreadyDone(_l("Another tablet has just changed this lost report."))
    db.session.refresh(report)
    close_open_points(actor, item, _("Not this guest's: the match was undone"), kinds={ActionKind.CONTACT_GUEST},
                      report=report)
    record(actor, "lostfound.report_unlinked", report, item=item.reference)
    record(actor, "lostfound.report_unlinked", item, report=report.id, what=report.what)
    db.session.flush()
    return rematch_report(actor, report)


def rematch_report(actor, report: LostReport) -> LostReport | None:
    """Link an open report to the best item in storage that passes the matching rule, if any."""
    if report.state is not ReportState.OPEN:
        return None
    excluded = set(report.unlinked_item_ids or [])
    for item, _shared in db.session.execute(matching_items_query(report)):
        if item.id not in excluded and _is_match(item, report):
            _link(actor, report, item, owner=None)
            return report
    return None


def _is_match(item: FoundItem, report: LostReport) -> bool:
    """The automatic rule: same category and a shared word (or a category whose items are told apart
    without words), or two shared words whatever the category."""
    shared = description_words(item.description) & description_words(report.match_text)
    same_category = report.category is item.category
    loose = item.category in (Category.OTHER, Category.CLOTHING, Category.BAG)
    return (same_category and (bool(shared) or not loose)) or len(shared) >= 2


def _link(actor, report: LostReport, item: FoundItem, owner) -> None:
    from .actions import add_action_point

    report.state, report.item_id = ReportState.MATCHED, item.id
    record(actor, "lostfound.report_matched", report, item=item.reference)
    add_action_point(actor, ActionKind.CONTACT_GUEST, item=item, report=report, due_at=clock.utcnow(), owner=owner,
                     note=_("Lost report of %(day)s: %(what)s", day=report.lost_on.isoformat(), what=report.what))
    if report.token and report.email:  # filed online: the guest hears we may have it
        from .mail import send_report_matched

        send_report_matched(actor, report, item)


def _day_start(day: date):
    from datetime import datetime, time

    return datetime.combine(day, time(0, 0), tzinfo=get_settings().zone)


def matching_items_query(report: LostReport) -> sa.Select:
    """Found items that could be the guest's: same category (or 'other'), in the window, sharing a word."""
    start = _day_start(report.lost_on) - WINDOW_BEFORE
    end = _day_start(report.lost_on) + WINDOW_AFTER
    words = description_words(report.match_text)
    shared = (sa.select(sa.func.count()).where(ItemWord.item_id == FoundItem.id, ItemWord.word.in_(words or {""}))
              .correlate(FoundItem).scalar_subquery())
    category_ok = FoundItem.category.in_({report.category, Category.OTHER}) if report.category is not Category.OTHER \
        else sa.true()
    return (sa.select(FoundItem, shared.label("shared"))
            .where(FoundItem.state == ItemState.IN_STORAGE, FoundItem.found_at >= start, FoundItem.found_at < end,
                   FoundItem.id.not_in(report.unlinked_item_ids or []),
                   sa.or_(category_ok, shared > 0))
            .order_by(sa.desc(FoundItem.category == report.category), shared.desc(), FoundItem.found_at.desc())
            .limit(10))


def link_matching_reports(actor, item: FoundItem) -> list[LostReport]:
    """After registering an item: open reports it may answer get a "contact the guest" action point."""
    start = (item.found_at - WINDOW_AFTER).astimezone(get_settings().zone).date()
    end = (item.found_at + WINDOW_BEFORE).astimezone(get_settings().zone).date()
    candidates = db.session.scalars(sa.select(LostReport).where(
        LostReport.state == ReportState.OPEN, LostReport.lost_on >= start, LostReport.lost_on <= end))
    linked = []
    for report in candidates:
        if _is_match(item, report) and item.id not in (report.unlinked_item_ids or []):
            _link(actor, report, item, owner=None)
            linked.append(report)
    return linked


def link_report(actor, report: LostReport, item: FoundItem) -> None:
    """Staff link a report to an item by hand: the action point is theirs."""
    if report.state is not ReportState.OPEN:
        raise ValidationFailed(_l("This lost report is already linked or closed."))
    _link(actor, report, item, owner=actor)
    db.session.flush()
