"""A Dutch (or English) translation missing from any catalogue fails here; so does a stale .mo."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from i18n import CATALOGUES, missing  # noqa: E402


@pytest.mark.parametrize("catalogue", sorted(CATALOGUES))
def test_every_message_is_translated(catalogue):
    assert missing(catalogue) == []
