"""Domain errors of lost-and-found, each with a message the web layer translates."""
from ..errors import DomainError


class ClaimsLocked(DomainError):
    """Too many failed verification attempts: only a manager can unlock the item."""

    status = 423


class NotAllowed(DomainError):
    status = 403


class TooManyAttempts(DomainError):
    """Too many failed verifications by one staff member, or for one claimant, over every item."""

    status = 429
