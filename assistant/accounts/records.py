"""Frozen records of the accounts package. None of them carries a password hash or a key hash; the
two that carry a secret once (a new API key, a new session token) keep it out of ``repr``."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str                      # streamer | operator | maintainer
    created_at: str                # ISO 8601, UTC

    @property
    def is_maintainer(self) -> bool:
        return self.role == "maintainer"

    def to_json(self) -> dict:
        """The shape of ``users list --json``."""
        return {"name": self.name, "role": self.role, "created_at": self.created_at}


@dataclass(frozen=True)
class ApiKeyInfo:
    """A stored key, as listed: only its first characters are kept in clear."""

    id: int
    user: str
    prefix: str                    # e.g. "pb-Xy3k9q"; enough to tell keys apart, useless to call with
    created_at: str
    last_used_at: str = ""


@dataclass(frozen=True)
class NewApiKey:
    """A key just created: ``key`` is shown to its owner once and never stored."""

    key: str = field(repr=False)
    user: str = ""
    prefix: str = ""


@dataclass(frozen=True)
class ApiPrincipal:
    """Who is calling the API: the user and the id of the key used (the rate limit is per key)."""

    user: User
    key_id: int


@dataclass(frozen=True)
class Session:
    """A valid app session of ``user``."""

    user: User
    created: float                 # epoch seconds
    expires_at: float              # epoch seconds: the earlier of the idle and the absolute limit


@dataclass(frozen=True)
class NewSession:
    """A session just created: ``token`` goes into the browser's cookie and is stored only hashed."""

    token: str = field(repr=False)
    user: User | None = None
    expires_at: float = 0.0
