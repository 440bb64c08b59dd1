"""Errors of the accounts package. ``str(exc)`` is a Chinese message fit for a person (never a secret);
``exit_code`` is what a command exits with (2 bad usage / invalid input, 1 runtime failure)."""

from __future__ import annotations

from assistant.errors import AssistantError


class AccountError(AssistantError):
    """Base class of account errors."""

    exit_code = 1


class InvalidNameError(AccountError, ValueError):
    """A user name that breaks the naming rule."""

    exit_code = 2


class InvalidPasswordError(AccountError, ValueError):
    """A password that is too short, too long or otherwise unusable."""

    exit_code = 2


class InvalidRoleError(AccountError, ValueError):
    exit_code = 2


class UnknownUserError(AccountError, LookupError):
    exit_code = 2


class UserExistsError(AccountError, ValueError):
    exit_code = 2


class PasswordInputError(AccountError, ValueError):
    """No password could be read (no terminal, empty stdin, the two entries differ)."""

    exit_code = 2


class AccountStoreError(AccountError):
    """The accounts database cannot be read or written (full disk, read-only folder, corruption)."""

    exit_code = 1
