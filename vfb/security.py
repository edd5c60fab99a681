"""Password hashing (argon2) and session tokens (random, stored only as a keyed hash)."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from typing import Literal

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

# How hard a stored password is to guess, as `VFB_PASSWORD_HASH_COST` names it. "standard" is
# argon2's RFC 9106 low-memory profile (64 MiB, 3 passes); "test" is the cheapest argon2 there is,
# for the test suite only: a stolen database would give its passwords up at once.
PasswordCost = Literal["standard", "test"]
_PROFILES = {"standard": profiles.RFC_9106_LOW_MEMORY, "test": profiles.CHEAPEST}


class Passwords:
    """Hashing and checking passwords at one cost. A password is checked at the cost it was
    stored with (argon2 writes it into the hash); `cost` decides new hashes and the stand-in an
    unknown username is checked against."""

    def __init__(self, cost: PasswordCost) -> None:
        self.cost = cost
        self._hasher = PasswordHasher.from_parameters(_PROFILES[cost])
        # Checked against when the username does not exist, so both paths take the same time.
        self._dummy_hash = self._hasher.hash("vfb-no-such-user-" + secrets.token_hex(8))

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            matches = self._hasher.verify(password_hash or self._dummy_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        return matches and password_hash is not None


@functools.cache
def passwords(cost: PasswordCost = "standard") -> Passwords:
    """The hashing at `cost`, made once a process (its stand-in hash is made then, not at
    import)."""
    return Passwords(cost)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_id(token: str, key: str) -> str:
    """What is stored for a token: a stolen database does not yield usable tokens."""
    return hmac.new(key.encode(), b"session:" + token.encode(), hashlib.sha256).hexdigest()


def csrf_token(session_token: str, key: str) -> str:
    return hmac.new(key.encode(), b"csrf:" + session_token.encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
