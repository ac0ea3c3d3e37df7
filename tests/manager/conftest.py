"""The known data set of the figures' tests: Friday 20 November 2026 (Amsterdam = UTC+1)."""
import pytest

from hostdesk.auth.models import Role
from hostdesk.extensions import db
from hostdesk.lostfound.models import AttemptOutcome, ItemState
from hostdesk.reservations.models import Source, State
from tests.manager import factories as f


@pytest.fixture
def hosts(make_user):
    return make_user(Role.HOST, "anna"), make_user(Role.HOST, "bram")


@pytest.fixture
def evening(app_ctx, hosts, frozen):
    a, b = hosts
    # lunch (11:30-15:00 local = 10:30-14:00 UTC)
    f.reservation(f.at(20, 11), 2, State.LEFT, greet=20, seat=300, greeter=a, seater=a)
    f.reservation(f.at(20, 11, 30), 4, State.SEATED, greet=40, seat=600, greeter=b, seater=b)
    f.reservation(f.at(20, 12), 3, State.NO_SHOW)
    # dinner (17:00-23:00 local = 16:00-22:00 UTC)
    f.reservation(f.at(20, 17), 2, State.SEATED, greet=90, seat=120, greeter=a, seater=b)
    f.reservation(f.at(20, 17, 15), 6, State.GREETED, greet=30, greeter=a)
    f.reservation(f.at(20, 17), 2, State.SEATED, source=Source.WALK_IN, created=f.at(20, 17), quoted=20,
                  called=f.at(20, 17, 15), arrived=f.at(20, 17, 15), greet=10, seat=60, greeter=b, seater=b)
    f.reservation(f.at(20, 17, 10), 3, State.GREETED, source=Source.WALK_IN, created=f.at(20, 17, 10), quoted=10,
                  called=f.at(20, 17, 30), arrived=f.at(20, 17, 30), greet=200, greeter=a)
    f.reservation(f.at(20, 18), 4, State.CANCELLED)
    f.reservation(f.at(20, 18, 30), 2, State.NO_SHOW)
    f.reservation(f.at(20, 20), 5, State.BOOKED)
    # the day before: only in the week and the trend
    f.reservation(f.at(19, 18), 2, State.LEFT, greet=1000, greeter=a)
    db.session.flush()
    return a, b


@pytest.fixture
def items(app_ctx, frozen):
    returned = f.item(f.at(15, 10), registered=f.at(20, 10), state=ItemState.RETURNED, closed=f.at(20, 12))
    f.item(f.at(20, 9), registered=f.at(20, 9, 30))
    f.item(f.at(1, 10), registered=f.at(1, 10), state=ItemState.RETURNED, closed=f.at(20, 16))
    f.item(f.at(1, 10, month=8), state=ItemState.DISPOSED, closed=f.at(20, 15))
    f.item(f.at(19, 10))  # the day before
    for outcome in (AttemptOutcome.VERIFIED, AttemptOutcome.FAILED, AttemptOutcome.FAILED,
                    AttemptOutcome.REFUSED_LOCKED):
        f.attempt(returned.id, f.at(20, 11), outcome)
    f.attempt(returned.id, f.at(19, 11), AttemptOutcome.FAILED)
    f.audit(returned.id, f.at(20, 11, 5), "lostfound.claims_locked")
    f.audit(returned.id, f.at(20, 11, 30), "lostfound.claims_unlocked")
    f.action_point(returned.id, due=f.at(20, 13), done=f.at(20, 14))  # late
    f.action_point(returned.id, due=f.at(20, 15), done=f.at(20, 14))  # on time
    f.action_point(returned.id, due=f.at(19, 13), done=f.at(19, 14))  # late, the day before
    f.action_point(returned.id, due=f.at(20, 13), done=None)
    db.session.flush()
