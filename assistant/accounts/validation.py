"""Rules for user names, roles and passwords (messages in Chinese, naming the rule)."""

from __future__ import annotations

import re

from assistant.accounts.errors import InvalidNameError, InvalidPasswordError, InvalidRoleError

ROLES = ("streamer", "operator", "maintainer")
ROLE_LABELS = {"streamer": "主播", "operator": "操盘手", "maintainer": "维护者"}

# Login handles: ASCII letters, digits, "_", "." and "-", 2 to 32 characters, starting with a letter or
# a digit (so a name never looks like a command-line option). ASCII keeps logins easy to type on a
# phone keyboard and rules out look-alike characters; names are compared case-insensitively.
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,31}$")
NAME_RULE = "2 到 32 个字符，只能用英文字母、数字、下划线、点和连字符，并以字母或数字开头（例如 douya_01）"

MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 256


def validate_name(name: object) -> str:
    """The name, stripped; InvalidNameError naming the rule otherwise."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidNameError(f"用户名不能为空：{NAME_RULE}")
    name = name.strip()
    if not NAME_PATTERN.match(name):
        raise InvalidNameError(f"用户名 {name[:40]!r} 不符合规则：{NAME_RULE}")
    return name


def validate_role(role: object) -> str:
    if role not in ROLES:
        raise InvalidRoleError(f"角色 {role!r} 不存在：只能是 {' | '.join(ROLES)}（主播 | 操盘手 | 维护者）")
    return str(role)


def validate_password(password: object, name: str = "") -> str:
    """The password as given (not stripped); InvalidPasswordError naming the rule otherwise."""
    if not isinstance(password, str) or not password:
        raise InvalidPasswordError(f"密码不能为空：至少 {MIN_PASSWORD_CHARS} 个字符")
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidPasswordError(f"密码太短：至少 {MIN_PASSWORD_CHARS} 个字符（现在 {len(password)} 个）")
    if len(password) > MAX_PASSWORD_CHARS:
        raise InvalidPasswordError(f"密码太长：最多 {MAX_PASSWORD_CHARS} 个字符")
    if not password.strip():
        raise InvalidPasswordError("密码不能全是空格")
    if any(ord(c) < 32 or ord(c) == 127 for c in password):
        raise InvalidPasswordError("密码里不能有换行、制表符等控制字符")
    if name and password.casefold() == name.casefold():
        raise InvalidPasswordError("密码不能和用户名相同")
    return password
