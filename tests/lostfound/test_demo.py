"""The demo: idempotent, and its bank card story can be played through."""
import sqlalchemy as sa

from hostdesk.demo import seed_users
from hostdesk.extensions import db
from hostdesk.lostfound import demo
from hostdesk.lostfound import operations as ops
from hostdesk.lostfound.models import ActionPoint, AttemptOutcome, Channel, FoundItem, ItemState, LostReport


def test_seed_is_idempotent_and_tells_the_story(app_ctx, frozen):
    seed_users()
    assert demo.seed() == {"found items": 4, "lost reports": 1}
    assert demo.seed() == {"found items": 0, "lost reports": 0}
    card = db.session.scalar(sa.select(FoundItem).where(FoundItem.description == demo.CARD))
    phone = db.session.scalar(sa.select(FoundItem).where(FoundItem.description == demo.PHONE))
    assert card.state is ItemState.IN_STORAGE and phone.state is ItemState.CLAIM_VERIFIED
    assert db.session.scalar(sa.select(sa.func.count(ActionPoint.id))) == 2
    assert db.session.scalar(sa.select(sa.func.count(LostReport.id))) == 1
    given = {"Welke bank?": "ing", "Kleur van de pas": "oranje", "Naam op de pas": "Remco de Waard",
             "Laatste 4 cijfers van het pasnummer": "4821"}
    attempt = ops.verify_claim(None, card, claimant_name="Remco de Waard", channel=Channel.PHONE,
                               answers={q.id: given[q.prompt] for q in card.questions})
    assert attempt.outcome is AttemptOutcome.VERIFIED
