"""Write and read a user's display name: a change that is easy to see committed or rolled back
(the transaction tests)."""
from __future__ import annotations

import sqlalchemy as sa

from hostdesk.auth.models import User
from hostdesk.extensions import db


def rename(user_id: int, name: str, **execution_options) -> None:
    db.session.execute(sa.update(User).where(User.id == user_id).values(display_name=name),
                       execution_options=execution_options)


def stored_name(app, user_id: int) -> str:
    """The name as committed, read in an app context of its own."""
    with app.app_context():
        name = db.session.scalar(sa.select(User.display_name).where(User.id == user_id))
        db.session.remove()
        return name
