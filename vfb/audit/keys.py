"""The audit chain's keys: each signs the rows from its first row number until the next key's, so
a key retired by a rotation cannot sign the rows after it.

A key is written as hex or base64 of at least 32 random bytes; a keyring as entries
`FIRST_ROW:KEY` (one per line, or separated by commas), oldest first; the first entry may be a
bare `KEY` (it signs every keyed row up to the next entry).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

MIN_KEY_BYTES = 32
_HEX = re.compile(r"[0-9a-fA-F]+")


class KeyProblem(ValueError):
    """A key or keyring written wrongly, in words an operator can act on."""


def parse_secret(written: str) -> bytes:
    """The key's bytes from its hex or base64 form; refuses one too short to resist guessing."""
    value = written.strip()
    if not value:
        raise KeyProblem("the audit key is empty")
    secret: bytes | None = None
    if _HEX.fullmatch(value) and len(value) % 2 == 0:
        secret = bytes.fromhex(value)
    else:
        try:
            padded = value + "=" * (-len(value) % 4)
            secret = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            raise KeyProblem(
                "the audit key must be written as hex or base64 "
                "(make one with: openssl rand -hex 32)"
            ) from None
    if len(secret) < MIN_KEY_BYTES:
        raise KeyProblem(
            f"the audit key is {len(secret)} bytes long; it must be at least {MIN_KEY_BYTES} "
            "random bytes (64 hex digits or 44 base64 characters; openssl rand -hex 32 makes one)"
        )
    return secret


def new_secret() -> bytes:
    return secrets.token_bytes(MIN_KEY_BYTES)


@dataclass(frozen=True)
class AuditKey:
    """One key and the first row it signs (0: from the first keyed row)."""

    first_seq: int
    secret: bytes

    @property
    def id(self) -> str:
        """A name for the key that gives nothing of it away: stored beside each row it signs."""
        return hmac.new(self.secret, b"vfb audit key id", hashlib.sha256).hexdigest()[:16]

    def written(self) -> str:
        return f"{self.first_seq}:{self.secret.hex()}"


@dataclass(frozen=True)
class Keyring:
    """Every key the chain has used, oldest first; the last one signs new rows."""

    keys: tuple[AuditKey, ...]

    def __post_init__(self) -> None:
        firsts = [k.first_seq for k in self.keys]
        if firsts != sorted(set(firsts)):
            raise KeyProblem("the audit keys must be listed oldest first, each from a later row")

    @property
    def current(self) -> AuditKey | None:
        return self.keys[-1] if self.keys else None

    @property
    def first_keyed_seq(self) -> int:
        """Rows before this were written by the old unkeyed rule, if at all (0: not known)."""
        return self.keys[0].first_seq if self.keys else 0

    def for_seq(self, seq: int) -> AuditKey | None:
        """The key that signs row `seq`."""
        found = None
        for key in self.keys:
            if key.first_seq <= seq:
                found = key
        return found

    def by_id(self, key_id: str) -> AuditKey | None:
        return next((k for k in self.keys if k.id == key_id), None)

    def rows_of(self, key: AuditKey) -> tuple[int, int | None]:
        """The first and last row (None: no end yet) `key` may sign."""
        later = [k.first_seq for k in self.keys if k.first_seq > key.first_seq]
        return key.first_seq, (min(later) - 1 if later else None)

    def with_key(self, key: AuditKey) -> Keyring:
        return Keyring((*self.keys, key))

    def written(self) -> str:
        return "".join(k.written() + "\n" for k in self.keys)


def parse_keyring(written: str) -> Keyring:
    """A keyring from its written form (see the module's docstring); '#' starts a comment."""
    keys: list[AuditKey] = []
    entries = [
        part.strip()
        for line in written.splitlines()
        for part in line.split("#", 1)[0].split(",")
        if part.strip()
    ]
    for number, entry in enumerate(entries):
        first, colon, key = entry.rpartition(":")
        if not colon:
            if number:
                raise KeyProblem(
                    "each audit key after the first must say the row it starts at (FIRST_ROW:KEY)"
                )
            first, key = "0", entry
        if not first.isdigit():
            raise KeyProblem(f"{first!r} is not a row number (write FIRST_ROW:KEY)")
        keys.append(AuditKey(int(first), parse_secret(key)))
    return Keyring(tuple(keys))
