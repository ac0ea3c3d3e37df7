"""What refuses a guest's booking, change or cancellation; each carries a message in the guest's language."""
from __future__ import annotations

from ..errors import DomainError


class OnlineClosed(DomainError):
    """The restaurant has switched online booking off."""

    status = 404


class PleaseCall(DomainError):
    """Too large a party, or too close to the visit, to book or change online: the guest calls."""

    status = 422


class SlotTaken(DomainError):
    """The time chosen is no longer free (another guest was first): `details["times"]` are the next free ones."""

    status = 409
