"""Password and PIN hashing with Argon2id (argon2-cffi)."""
from __future__ import annotations

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)
# A hash to verify against when the user does not exist, so both answers take as long.
_DUMMY = _hasher.hash("hostdesk-no-such-user")


def use_cheap_hashing() -> None:
    """Tests only: Argon2id with the smallest parameters, so the suite stays fast."""
    global _hasher, _DUMMY
    _hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
    _DUMMY = _hasher.hash("hostdesk-no-such-user")

MIN_PASSWORD_LENGTH = 8


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def verify_secret(stored: str | None, secret: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY, secret) and stored is not None
    except (VerificationError, InvalidHashError):
        return False
