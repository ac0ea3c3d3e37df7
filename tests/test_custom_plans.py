"""PostgreSQL: a statement marked CUSTOM_PLAN is never prepared, so it is planned for its values
every time (custom_plans.py); the lost-and-found log's page is such a statement."""
from __future__ import annotations

import sqlalchemy as sa

from hostdesk.custom_plans import CUSTOM_PLAN
from hostdesk.extensions import db
from hostdesk.lostfound.models import Category
from hostdesk.lostfound.queries import ItemFilter, search_values
from hostdesk.manager.log import statements

PREPARED = sa.text("SELECT statement FROM pg_prepared_statements")


def _prepared_after_runs(statement: sa.Select, runs: int = 8) -> bool:
    """Whether `statement` is among the connection's prepared statements after `runs` runs on it."""
    connection = db.session.connection()
    for _ in range(runs):
        connection.execute(statement).all()
    text = str(statement.compile(dialect=db.engine.dialect))
    return any(text in row for row in connection.execute(PREPARED).scalars())


def test_a_statement_marked_custom_plan_is_never_prepared(postgresql, app):
    marked = sa.select(sa.literal_column("'planned for its values'"))
    usual = sa.select(sa.literal_column("'prepared after five runs'"))
    with app.app_context():
        assert not _prepared_after_runs(marked.execution_options(**{CUSTOM_PLAN: True}))
        assert _prepared_after_runs(usual)  # psycopg's own threshold, so the check above can fail


def test_the_logs_page_is_planned_for_its_values(app):
    with app.app_context():
        shape, _values = search_values(ItemFilter(category=Category.CLOTHING, search="zwart"))
    assert statements(shape).page.get_execution_options()[CUSTOM_PLAN] is True
