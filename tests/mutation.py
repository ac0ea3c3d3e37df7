"""Which test files answer for which rule module under mutation testing (docs/testing.md).

mutmut runs the union of these files once, to learn which tests reach which function; each mutant then
runs only the tests of its own module's files that reach it, the quickest files first (tests/conftest.py).
"""
from __future__ import annotations

TESTS_BY_MODULE = {
    "hostdesk.cards": ["tests/test_cards.py", "tests/security/test_card_guard_phones.py"],
    "hostdesk.auth.access": ["tests/auth/test_access_rule.py", "tests/test_access.py"],
    "hostdesk.auth.policy": ["tests/auth/test_secret_policy.py"],
    "hostdesk.auth.operations": [
        "tests/auth/test_operations.py", "tests/auth/test_operations_rules.py", "tests/auth/test_operations_rules_2.py",
        "tests/auth/test_operations_rules_3.py",
        "tests/auth/test_pin_lock.py", "tests/auth/test_pin_switch.py", "tests/auth/test_login.py",
        "tests/auth/test_secret_policy.py", "tests/auth/test_login_throttle.py", "tests/auth/test_first_run.py",
        "tests/manager/test_users.py"],
    "hostdesk.lostfound.claims": [
        "tests/lostfound/test_operations.py", "tests/lostfound/test_attempt_limits.py",
        "tests/lostfound/test_trust.py", "tests/lostfound/test_concurrency.py",
        "tests/lostfound/test_claims_rules.py", "tests/lostfound/test_claims_rules_2.py"],
    "hostdesk.lostfound.matching": [
        "tests/lostfound/test_matching.py", "tests/lostfound/test_answer_table.py",
        "tests/lostfound/test_operations.py", "tests/lostfound/test_matching_rules.py",
        "tests/lostfound/test_matching_rules_2.py"],
    "hostdesk.lostfound.operations": [
        "tests/lostfound/test_operations.py", "tests/lostfound/test_trust.py",
        "tests/lostfound/test_concurrency.py", "tests/lostfound/test_operations_rules.py",
        "tests/lostfound/test_operations_rules_2.py", "tests/lostfound/test_operations_rules_3.py",
        "tests/lostfound/test_operations_rules_4.py"],
    "hostdesk.reservations.operations": [
        "tests/reservations/test_operations.py", "tests/reservations/test_steps.py",
        "tests/reservations/test_seating.py", "tests/reservations/test_walkins.py",
        "tests/reservations/test_bookings.py", "tests/reservations/test_door.py",
        "tests/reservations/test_concurrency.py", "tests/reservations/test_operations_rules.py",
        "tests/reservations/test_operations_rules_2.py"],
    "hostdesk.floor.operations": ["tests/floor/test_floor.py", "tests/floor/test_floor_rules.py"],
    "hostdesk.online.operations": [
        "tests/online/test_operations.py", "tests/online/test_operations_rules.py", "tests/online/test_views.py"],
    "hostdesk.manager.operations": ["tests/manager/test_users.py", "tests/manager/test_own_account.py"],
}


def files_for_mutant(mutant: str) -> list[str] | None:
    """The test files for a mutant named like hostdesk.cards.x_luhn_valid__mutmut_3; None: not a mutant."""
    if "__mutmut_" not in mutant:
        return None
    module = max((m for m in TESTS_BY_MODULE if mutant.startswith(m + ".")), key=len, default=None)
    return TESTS_BY_MODULE.get(module, [])


def every_test_file() -> list[str]:
    return sorted({path for paths in TESTS_BY_MODULE.values() for path in paths})
