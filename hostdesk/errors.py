"""Domain errors: raised by operations, turned into a translated message by the web layer.

Every feature's errors subclass DomainError and carry a lazily translated message, so the
view (or the shared error handler) never needs to know the rule that was broken.
"""
from __future__ import annotations


class DomainError(Exception):
    """A rule refused the change. `status` is the HTTP answer the web layer gives."""

    status = 409

    def __init__(self, message, **details):
        super().__init__(str(message))
        self.message = message  # a lazy_gettext string, rendered in the user's language
        self.details = details


class InvalidTransition(DomainError):
    status = 409


class AlreadyDone(DomainError):
    """A second tap or a second tablet: nothing changed, and the user is told why."""

    status = 409


class NotFound(DomainError):
    status = 404


class ValidationFailed(DomainError):
    status = 422
