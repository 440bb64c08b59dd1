"""Password hashing (argon2id via argon2-cffi) and random tokens (API keys, session tokens).

Passwords are low-entropy, so they get a memory-hard KDF with a per-hash salt. API keys and session
tokens are 256-bit random strings: guessing one, or inverting a leaked hash of one, is infeasible
whatever the hash speed, so a plain SHA-256 is enough. It is deterministic, which lets each request
find its key with one indexed lookup, and costs microseconds instead of the tens of milliseconds (and
64 MiB) an argon2 check would add to every API call.
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

KEY_PREFIX = "pb-"
KEY_BYTES = 32
TOKEN_BYTES = 32
SHOWN_PREFIX_CHARS = 8            # characters of a key kept in clear for listing


def default_hasher() -> PasswordHasher:
    """argon2-cffi's defaults (argon2id, RFC 9106 low-memory profile: t=3, m=64 MiB, p=4)."""
    return PasswordHasher()


def hash_password(hasher: PasswordHasher, password: str) -> str:
    return hasher.hash(password)


def password_matches(hasher: PasswordHasher, stored_hash: str, password: str) -> bool:
    """Constant-time check (inside argon2); False for a wrong password or an unreadable hash."""
    try:
        return hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(hasher: PasswordHasher, stored_hash: str) -> bool:
    try:
        return hasher.check_needs_rehash(stored_hash)
    except (InvalidHashError, ValueError):
        return True


def new_api_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(KEY_BYTES)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(secret: str) -> str:
    """The stored form of an API key or session token (hex SHA-256)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def looks_like_key(text: str) -> bool:
    return isinstance(text, str) and text.startswith(KEY_PREFIX) and 20 <= len(text) <= 200
