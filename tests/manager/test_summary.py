"""The daily summary e-mail: a scheduled job, after the day boundary, once per manager and day, in each
manager's language; and the address on the manager's user page."""
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from hostdesk import clock
from hostdesk.auth.models import Role, User
from hostdesk.extensions import db
from hostdesk.jobs import all_jobs, run_due
from hostdesk.lostfound.models import OutboxMail
from hostdesk.manager.summary import JOB, send_daily_summary
from hostdesk.settings import update_settings

EN = {"Accept-Language": "en"}


def summary_job():
    return [job for job in all_jobs() if job.name == JOB]


def test_the_job_runs_a_quarter_after_the_day_boundary(app_ctx, frozen):
    job = summary_job()[0]
    assert job.next_after(frozen) == datetime(2026, 11, 21, 3, 15, tzinfo=timezone.utc)  # 04:15 in Amsterdam
    update_settings(None, day_boundary="02:00")
    assert job.next_after(frozen) == datetime(2026, 11, 21, 1, 15, tzinfo=timezone.utc)


def outbox(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(m.to_address, m.subject, m.body) for m in db.session.scalars(sa.select(OutboxMail).order_by(
            OutboxMail.id))]


def setup(app_ctx, make_user, on=True):
    anna = make_user(Role.MANAGER, "mara")
    bert = make_user(Role.MANAGER, "bert")
    host = make_user(Role.HOST, "hans")
    db.session.get(User, anna).language = "nl"
    db.session.get(User, bert).language = "en"
    update_settings(None, daily_summary=on, daily_summary_addresses={
        str(anna): "mara@example.org", str(bert): "bert@example.org", str(host): "hans@example.org"})
    db.session.commit()


def test_the_summary_goes_once_to_each_manager_in_their_language(app, app_ctx, make_user, evening):
    db.session.commit()
    setup(app_ctx, make_user)
    job = summary_job()
    assert run_due(app, job) == []  # the first run: a quarter past the day boundary, 04:15 in Amsterdam
    clock.freeze(datetime(2026, 11, 21, 3, 14, tzinfo=timezone.utc))
    assert run_due(app, job) == []
    clock.freeze(datetime(2026, 11, 21, 3, 16, tzinfo=timezone.utc))
    assert run_due(app, job) == [JOB]
    mails = outbox(app)
    assert [to for to, _, _ in mails] == ["mara@example.org", "bert@example.org"]  # not the host
    (_, nl_subject, nl_body), (_, en_subject, en_body) = mails
    assert nl_subject == "De Gouden Lepel: de cijfers van vrijdag 20 november 2026"
    assert "Gezelschappen: 10" in nl_body and "Tijd tot begroeting, mediaan: 35 s" in nl_body
    assert en_subject == "De Gouden Lepel: the figures of Friday 20 November 2026"
    assert "Parties: 10" in en_body and "Greeted within 60 seconds: 67%" in en_body
    with app.app_context():
        assert send_daily_summary() == "2026-11-20: 0"  # run again (a retry): nobody gets it twice
    assert len(outbox(app)) == 2
    clock.freeze(datetime(2026, 11, 22, 3, 16, tzinfo=timezone.utc))
    assert run_due(app, job) == [JOB]
    mails = outbox(app)
    assert len(mails) == 4 and "zaterdag 21 november 2026" in mails[2][1] and "Parties: 0" in mails[3][2]


def test_no_summary_while_switched_off(app, app_ctx, make_user, frozen):
    setup(app_ctx, make_user, on=False)
    job = summary_job()
    run_due(app, job)
    clock.advance(timedelta(days=1))
    assert run_due(app, job) == [JOB]
    assert outbox(app) == []


def test_the_address_is_set_on_the_managers_page(manager_client, users):
    manager = users[Role.MANAGER]
    page = manager_client.get(f"/manager/users/{manager}", headers=EN).get_data(as_text=True)
    assert "E-mail address for the daily summary" in page
    bad = manager_client.post(f"/manager/users/{manager}/summary-address", data={"address": "not an address"})
    assert bad.status_code == 422
    good = manager_client.post(f"/manager/users/{manager}/summary-address", data={"address": "m@example.org"})
    assert good.status_code == 302
    assert 'value="m@example.org"' in manager_client.get(f"/manager/users/{manager}").get_data(as_text=True)
    host = users[Role.HOST]
    assert manager_client.post(f"/manager/users/{host}/summary-address",
                               data={"address": "h@example.org"}).status_code == 422
