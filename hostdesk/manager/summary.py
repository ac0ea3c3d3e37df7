"""The daily summary e-mail: the figures of the service day that just ended, to every active manager with
a summary address, each in their own language. Run by the app's scheduler (jobs.all_jobs) a quarter of an
hour after the restaurant's day boundary; never twice to one manager for one day (each sending is
audited, and the audit trail is what it checks), so a retried run sends only what failed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from .. import clock
from ..audit import AuditEntry, record
from ..auth.models import Role, User
from ..errors import DomainError
from ..extensions import db
from ..jobs import Job
from ..lostfound.enums import MailKind
from ..lostfound.mail import MailFailed, queue_mail
from ..settings import Settings, get_settings
from .figures import service_figures
from .lf_figures import lost_found_figures
from .report import plain
from .stats import Period

JOB = "daily_summary"
AFTER_BOUNDARY = timedelta(minutes=15)
SENT = "manager.daily_summary_sent"
LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class AfterDayBoundary(Job):
    """A daily job at the restaurant's day boundary plus a quarter of an hour (the boundary is a setting)."""

    def next_after(self, moment: datetime) -> datetime:
        at = (datetime.combine(date(2000, 1, 1), get_settings().boundary) + AFTER_BOUNDARY).time()
        return Job(self.name, self.run, daily_at=at).next_after(moment)


def summary_job() -> Job:
    return AfterDayBoundary(JOB, send_daily_summary)


def recipients(settings: Settings) -> list[tuple[User, str]]:
    """Active managers with a summary address, and that address."""
    addresses = {int(k): v for k, v in settings.daily_summary_addresses.items() if v}
    if not addresses:
        return []
    managers = db.session.scalars(sa.select(User).where(User.id.in_(addresses), User.role == Role.MANAGER,
                                                        User.active.is_(True)).order_by(User.id))
    return [(user, addresses[user.id]) for user in managers]


def already_sent(day: date) -> set[int]:
    """The managers the summary of `day` went to (the audit trail, read by its time index)."""
    since = clock.utcnow() - timedelta(days=3)
    rows = db.session.execute(sa.select(AuditEntry.subject_id, AuditEntry.changes).where(
        AuditEntry.at >= since, AuditEntry.action == SENT))
    return {subject for subject, changes in rows if (changes or {}).get("day") == day.isoformat()}


def summary_text(day: date, settings: Settings) -> tuple[str, str]:
    """Subject and body in the current locale."""
    period = Period("day", day, day)
    total = service_figures(period, settings, detail=False).total
    lf = lost_found_figures(period, settings)
    when = format_date(day, "EEEE d MMMM yyyy")
    subject = _("%(name)s: the figures of %(day)s", name=settings.restaurant_name, day=when)
    lines = [
        _("The figures of %(day)s.", day=when), "",
        _("Parties: %(n)s", n=plain(total.parties, "count")),
        _("Covers arrived: %(n)s", n=plain(total.covers_arrived, "count")),
        _("Walk-in covers: %(n)s", n=plain(total.covers_walk_in, "count")),
        _("No-shows: %(n)s", n=plain(total.no_shows, "count")),
        _("Cancellations: %(n)s", n=plain(total.cancellations, "count")),
        _("Late arrivals: %(n)s", n=plain(total.late_arrivals, "count")),
        _("Time to greet, median: %(n)s", n=_("%(n)s s", n=plain(total.greet_median, "seconds"))
          if total.greet_median is not None else _("no data")),
        _("Greeted within %(s)d seconds: %(n)s", s=settings.greet_red_seconds,
          n=plain(total.greeted_within_target, "percent") or _("no data")),
        _("Items registered: %(n)s", n=plain(lf.registered, "count")),
        _("Items returned: %(n)s", n=plain(lf.returned, "count")),
    ]
    return subject, "\n".join(lines)


def send_daily_summary() -> str:
    """Send the summary of the service day that ended, once per manager; a short result for the job's row."""
    settings = get_settings()
    if not settings.daily_summary:
        return "off"
    now = clock.utcnow()
    day = clock.service_day(now, settings.zone, settings.boundary) - timedelta(days=1)
    done = already_sent(day)
    sent, failed = 0, []
    for user, address in recipients(settings):
        if user.id in done:
            continue
        language = user.language if user.language in LANGUAGES else settings.default_language
        with force_locale(language if language in LANGUAGES else "nl"):
            subject, body = summary_text(day, settings)
            try:
                mail = queue_mail(None, address, subject, body, language=language, kind=MailKind.SUMMARY)
            except DomainError:  # refused (no sender set, a bad address): the others still get theirs
                db.session.rollback()
                failed.append(user.username)
                continue
        record(None, SENT, user, day=day.isoformat(), state=mail.state.value, language=language)
        db.session.commit()
        sent += 1
    if failed:
        raise MailFailed(_("The daily summary could not be sent to %(names)s.", names=", ".join(failed)))
    return f"{day.isoformat()}: {sent}"
