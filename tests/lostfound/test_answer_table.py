"""The answer table: the same answer written the way people say it matches, a different one does not.

Each row: question kind, the item's category, the answer as registered from the item, what a
claimant says, and whether it must match. The rule is written out in docs/lostfound.md.
"""
import pytest

from hostdesk.lostfound.matching import hash_expected, matches, set_answer_aliases
from hostdesk.lostfound.models import Category

MATCH, REFUSE = True, False

TABLE = [
    # names: word order, comma, initials with or without dots, first name for an initial
    ("name", "bank_card", "R. de Waard", "de Waard R", MATCH),
    ("name", "bank_card", "R. de Waard", "de Waard, R.", MATCH),
    ("name", "bank_card", "R. de Waard", "Waard, R. de", MATCH),
    ("name", "bank_card", "R. de Waard", "R de Waard", MATCH),
    ("name", "bank_card", "R. de Waard", "Remco de Waard", MATCH),
    ("name", "bank_card", "R. de Waard", "DE WAARD REMCO", MATCH),
    ("name", "bank_card", "R. de Waard", "Waard R", MATCH),
    ("name", "bank_card", "Remco de Waard", "R. de Waard", MATCH),
    ("name", "bank_card", "Remco de Waard", "de Waard, Remco", MATCH),
    ("name", "bank_card", "DE WAARD R", "Remco de Waard", MATCH),
    ("name", "bank_card", "R. de Waard", "P. de Waard", REFUSE),
    ("name", "bank_card", "R. de Waard", "de Waard P", REFUSE),
    ("name", "bank_card", "R. de Waard", "R. de Vries", REFUSE),
    ("name", "bank_card", "R. de Waard", "de Waard", REFUSE),
    ("name", "bank_card", "R. de Waard", "Remco", REFUSE),
    # particles before or after, Dutch and others
    ("name", "bank_card", "J. van der Berg", "Berg, J. van der", MATCH),
    ("name", "bank_card", "J. van der Berg", "van der Berg J", MATCH),
    ("name", "bank_card", "J. van der Berg", "J. Berg", MATCH),
    ("name", "bank_card", "J. van der Berg", "J. van den Bosch", REFUSE),
    ("name", "id_document", "A. ter Horst", "Horst, A. ter", MATCH),
    ("name", "id_document", "A. ter Horst", "Anna ter Horst", MATCH),
    ("name", "id_document", "A. ter Horst", "B. ter Horst", REFUSE),
    ("name", "id_document", "K. 't Hart", "Hart, K. 't", MATCH),
    ("name", "id_document", "K. 't Hart", "Kees ’t Hart", MATCH),
    ("name", "id_document", "K. 't Hart", "K. de Hart", MATCH),
    ("name", "id_document", "K. 't Hart", "K. Hardt", REFUSE),
    # apostrophes and hyphens
    ("name", "bank_card", "J. O'Brien", "J OBrien", MATCH),
    ("name", "bank_card", "J. O'Brien", "John O’Brien", MATCH),
    ("name", "bank_card", "J. O'Brien", "J O Brien", MATCH),
    ("name", "bank_card", "J. O'Brien", "J O'Bryan", REFUSE),
    ("name", "bank_card", "M. Smit-Jansen", "M Smit Jansen", MATCH),
    ("name", "bank_card", "M. Smit-Jansen", "Smit-Jansen, M.", MATCH),
    ("name", "bank_card", "M. Smit-Jansen", "M. Smit", REFUSE),
    # accents
    ("name", "wallet", "K. Müller", "K Muller", MATCH),
    ("name", "wallet", "K. Müller", "Klaus Mueller", MATCH),
    ("name", "wallet", "K. Mueller", "K. Müller", MATCH),
    ("name", "wallet", "K. Muller", "K. Mueller", MATCH),
    ("name", "wallet", "É. Dupré", "e dupre", MATCH),
    ("name", "wallet", "K. Müller", "K. Miller", REFUSE),
    # banks and brands: known aliases per category
    ("text", "bank_card", "ING", "ING Bank", MATCH),
    ("text", "bank_card", "ING Bank", "ing", MATCH),
    ("text", "bank_card", "ING", "Postbank", MATCH),
    ("text", "bank_card", "ABN AMRO", "ABN", MATCH),
    ("text", "bank_card", "ABN", "abn-amro", MATCH),
    ("text", "bank_card", "Rabobank", "Rabo", MATCH),
    ("text", "bank_card", "Rabo", "RABOBANK", MATCH),
    ("text", "bank_card", "ING", "Rabobank", REFUSE),
    ("text", "bank_card", "ABN AMRO", "SNS", REFUSE),
    ("text", "bank_card", "Rabobank", "Triodos", REFUSE),
    ("text", "phone", "iPhone 13", "iphone13", MATCH),
    ("text", "phone", "iPhone", "Apple iPhone", MATCH),
    ("text", "phone", "Samsung", "Apple", REFUSE),
    ("text", "id_document", "Nederlands", "Nederlandse", MATCH),
    ("text", "id_document", "Nederlandse", "Dutch", MATCH),
    ("text", "id_document", "paspoort", "passport", MATCH),
    ("text", "id_document", "rijbewijs", "driving licence", MATCH),
    ("text", "id_document", "Nederlands", "Belgisch", REFUSE),
    ("text", "id_document", "paspoort", "rijbewijs", REFUSE),
    ("text", "glasses", "Ray-Ban", "rayban", MATCH),
    ("text", "umbrella", "Knirps", "Senz", REFUSE),
    # colours: Dutch and English words and their variants
    ("choice", "bank_card", "oranje", "orange", MATCH),
    ("choice", "bank_card", "orange", "Oranje", MATCH),
    ("choice", "wallet", "donkerblauw", "dark blue", MATCH),
    ("choice", "wallet", "dark blue", "blauw", MATCH),
    ("choice", "wallet", "navy", "blue", MATCH),
    ("choice", "wallet", "grijs", "grey", MATCH),
    ("choice", "wallet", "grijs", "gray", MATCH),
    ("choice", "wallet", "lichtgrijs", "light grey", MATCH),
    ("choice", "umbrella", "zwarte", "black", MATCH),
    ("choice", "umbrella", "bordeaux", "red", MATCH),
    ("choice", "umbrella", "zilverkleurig", "silver", MATCH),
    ("choice", "phone", "groen", "green", MATCH),
    ("choice", "bank_card", "oranje", "red", REFUSE),
    ("choice", "wallet", "donkerblauw", "black", REFUSE),
    ("choice", "wallet", "grijs", "silver", REFUSE),
    ("choice", "phone", "groen", "geel", REFUSE),
    ("choice", "umbrella", "zwart", "zwart-wit", REFUSE),
    # digits
    ("digits", "bank_card", "4821", "48 21", MATCH),
    ("digits", "bank_card", "4821", "4812", REFUSE),
]


def test_the_table_is_large_and_covers_both_outcomes_in_both_languages():
    assert len(TABLE) >= 60
    assert sum(row[-1] for row in TABLE) >= 30 and sum(not row[-1] for row in TABLE) >= 20
    assert {row[0] for row in TABLE} == {"name", "text", "choice", "digits"}


@pytest.mark.parametrize("kind,category,expected,given,result", TABLE,
                         ids=[f"{row[2]}|{row[3]}" for row in TABLE])
def test_answer_table(app_ctx, kind, category, expected, given, result):
    stored = hash_expected(kind, expected, category)
    assert matches(kind, given, stored.salt, stored.answer_hash, stored.initial_hash, category) is result


def test_aliases_hold_only_in_their_category(app_ctx):
    stored = hash_expected("text", "ING", "umbrella")
    assert not matches("text", "ING Bank", stored.salt, stored.answer_hash, None, "umbrella")


def test_a_managers_own_alias_group_holds_also_for_items_registered_before_it(app_ctx, manager):
    before = hash_expected("text", "Moneyou Bank", "bank_card")
    assert not matches("text", "Moneyou", before.salt, before.answer_hash, None, "bank_card")
    set_answer_aliases(manager, Category.BANK_CARD, "Moneyou, Moneyou Bank, MoneYou NL\n")
    assert matches("text", "Moneyou", before.salt, before.answer_hash, None, "bank_card")
    assert matches("text", "Moneyou Bank", before.salt, before.answer_hash, None, "bank_card")
    after = hash_expected("text", "MoneYou NL", "bank_card")
    assert matches("text", "moneyou bank", after.salt, after.answer_hash, None, "bank_card")
    assert not matches("text", "ING", after.salt, after.answer_hash, None, "bank_card")
