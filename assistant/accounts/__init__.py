"""Accounts: users with roles and argon2id passwords, API keys, app sessions and rate limits.

    store = open_store(settings)                      # accounts.sqlite3 under PLAYBOOK_DATA_DIR
    store.add_user("douya", "streamer", password)
    result = login(store, limiter, "douya", password, client=client_id)   # LoginResult, .session.token
    store.validate_session(token)                     # Session | None
    store.create_key("douya").key                     # shown once; stored as SHA-256
    store.authenticate_key(key)                       # ApiPrincipal | None
"""

from __future__ import annotations

from assistant.accounts.errors import (
    AccountError,
    AccountStoreError,
    InvalidNameError,
    InvalidPasswordError,
    InvalidRoleError,
    PasswordInputError,
    UnknownUserError,
    UserExistsError,
)
from assistant.accounts.limits import ApiRateLimiter, ApiRatePolicy, LoginLimiter, LoginPolicy
from assistant.accounts.login import LoginResult, login
from assistant.accounts.records import ApiKeyInfo, ApiPrincipal, NewApiKey, NewSession, Session, User
from assistant.accounts.store import AccountStore, SessionPolicy
from assistant.accounts.validation import ROLE_LABELS, ROLES, validate_name, validate_password, validate_role


def open_store(settings, **kwargs) -> AccountStore:
    """The account store of these settings (``settings.data_dir``)."""
    return AccountStore(settings.data_dir, **kwargs)


__all__ = [
    "ROLES",
    "ROLE_LABELS",
    "AccountError",
    "AccountStore",
    "AccountStoreError",
    "ApiKeyInfo",
    "ApiPrincipal",
    "ApiRateLimiter",
    "ApiRatePolicy",
    "InvalidNameError",
    "InvalidPasswordError",
    "InvalidRoleError",
    "LoginLimiter",
    "LoginPolicy",
    "LoginResult",
    "NewApiKey",
    "NewSession",
    "PasswordInputError",
    "Session",
    "SessionPolicy",
    "UnknownUserError",
    "User",
    "UserExistsError",
    "login",
    "open_store",
    "validate_name",
    "validate_password",
    "validate_role",
]
