"""PostgreSQL: a statement whose best plan depends on the values it is given is planned for them.

psycopg prepares a statement once it has run five times on a connection; PostgreSQL then plans it
for those values five times more and may settle on one generic plan for any value. For the board's
and the tap's statements (a row by its key, a day's rows) that saves planning every time. For the
lost-and-found log's page (the 50 newest ids of a search, chosen from the indexes with a LIMIT,
then their rows) the generic plan was slower: 1.5-1.7 ms against 1.05 ms planned each time for
the bench's search (issue 7; docs/performance.md, eleventh pass). A statement with the execution
option CUSTOM_PLAN is sent unprepared, so PostgreSQL plans it for its values every time.
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine

CUSTOM_PLAN = "hostdesk_custom_plan"


def install(engine: Engine) -> None:
    if engine.dialect.driver != "psycopg":
        return

    @event.listens_for(engine, "do_execute")
    def _unprepared(cursor, statement, parameters, context):
        if not context.execution_options.get(CUSTOM_PLAN):
            return None  # SQLAlchemy executes it as usual
        cursor.execute(statement, parameters, prepare=False)
        return True
