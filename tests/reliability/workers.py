"""Code run in child processes (spawned: a fresh interpreter, no inherited connections)."""
from __future__ import annotations

import logging


def waitlist_writer(database_url: str, upload_folder: str, process: int, writes: int, direct: bool = False) -> dict:
    """One process: its own app and connection pool, `writes` walk-ins added through HTTP POSTs, or
    (direct) as a job outside any request would: the operation inside write_intent(), then commit."""
    from hostdesk import create_app
    from hostdesk.auth.passwords import use_cheap_hashing
    from tests.conftest import PASSWORDS, login

    use_cheap_hashing()
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url,
                      "UPLOAD_FOLDER": upload_folder, "WTF_CSRF_ENABLED": False})
    errors: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            if record.levelno >= logging.ERROR:
                errors.append(record.getMessage() + (str(record.exc_info[1]) if record.exc_info else ""))

    app.logger.addHandler(Collect())
    from hostdesk.auth.models import Role

    if direct:
        return _direct_writes(app, process, writes, errors)
    client = app.test_client()
    assert login(client, "host", PASSWORDS[Role.HOST]).status_code == 302
    statuses: dict[int, int] = {}
    for n in range(writes):
        data = {"party_size": 2, "quoted_wait": 10, "name": f"p{process}-{n}"}
        response = client.post("/host/walk-in/wait", data=data)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code != 302:
            errors.append(response.get_data(as_text=True)[:300])
    return {"statuses": statuses, "errors": errors}


def _direct_writes(app, process: int, writes: int, errors: list[str]) -> dict:
    import sqlalchemy as sa
    from sqlalchemy.exc import OperationalError

    from hostdesk.auth.models import Role, User
    from hostdesk.database import write_intent
    from hostdesk.extensions import db
    from hostdesk.reservations import walkins

    done = 0
    with app.test_request_context():  # a GET context: only write_intent() makes it BEGIN IMMEDIATE
        host = db.session.scalar(sa.select(User).where(User.role == Role.HOST))
        host_id = host.id
        db.session.rollback()
        for n in range(writes):
            try:
                with write_intent():
                    walkins.add_to_waitlist(db.session.get(User, host_id), 2, 10, name=f"p{process}-{n}")
                    db.session.commit()
                done += 1
            except OperationalError as error:
                db.session.rollback()
                errors.append(str(error)[:300])
    return {"statuses": {302: done}, "errors": errors}


def seat_rounds(base: str, password: str, rounds: list[tuple[int, int]], barrier, results, index: int) -> None:
    """One process of the gunicorn race: per round, wait for the others, then seat its party."""
    from tests.reliability.http import Client

    client = Client(base, "en").login("host", password, "/host/")
    answers = []
    for party_id, table_id in rounds:
        barrier.wait(timeout=60)
        answer = client.post(f"/host/reservations/{party_id}/seat", {"table_ids": str(table_id)})
        answers.append((answer.status, answer.body[:400]))
    results.put((index, answers))
