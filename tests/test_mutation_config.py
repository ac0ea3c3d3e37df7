"""mutmut's configuration and tests/mutation.py agree: every rule module has test files that exist, and
mutmut's first run covers every one of them."""
from __future__ import annotations

import tomllib
from pathlib import Path

from tests.mutation import TESTS_BY_MODULE, every_test_file, files_for_mutant

ROOT = Path(__file__).resolve().parent.parent


def test_the_mutated_modules_and_their_test_files_agree_with_pyproject():
    mutmut = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    assert sorted(mutmut["only_mutate"]) == sorted(m.replace(".", "/") + ".py" for m in TESTS_BY_MODULE)
    assert mutmut["pytest_add_cli_args_test_selection"] == every_test_file()
    assert all((ROOT / path).is_file() for path in every_test_file())


def test_a_mutant_gets_its_own_modules_files():
    assert files_for_mutant("hostdesk.cards.x_luhn_valid__mutmut_3") == TESTS_BY_MODULE["hostdesk.cards"]
    assert files_for_mutant("hostdesk.auth.operations.x_set_active__mutmut_1") == TESTS_BY_MODULE[
        "hostdesk.auth.operations"]
    assert files_for_mutant("stats") is None and files_for_mutant("") is None
