"""The ``users`` and ``keys`` commands as plain functions, for whichever CLI framework wires them.

Each takes parsed arguments and the settings and returns ``(0, stdout_text)``. A failure raises an
:class:`~assistant.accounts.errors.AccountError` whose ``exit_code`` is 2 (bad usage, invalid or
unknown name, bad password) or 1 (runtime failure, e.g. the database cannot be written) and whose
message is Chinese and free of secrets; :func:`run` turns that into ``(code, stdout, stderr)``.

    python -m assistant users add NAME --role streamer|operator|maintainer [--password-stdin]
    python -m assistant users list [--json]
    python -m assistant users passwd NAME [--password-stdin]
    python -m assistant users remove NAME
    python -m assistant keys create NAME [--json]
    python -m assistant keys list [NAME] [--json]
    python -m assistant keys revoke NAME
"""

from __future__ import annotations

import getpass
import json
import sys
from typing import Callable, TextIO

from assistant.accounts import open_store
from assistant.accounts.errors import AccountError, PasswordInputError, UnknownUserError, UserExistsError
from assistant.accounts.validation import ROLE_LABELS, validate_name, validate_password, validate_role

Result = tuple[int, str]


def read_password(*, name: str, from_stdin: bool, stdin: TextIO | None = None,
                  prompt: Callable[[str], str] | None = None, confirm: bool = True) -> str:
    """A new password from the first line of stdin (``--password-stdin``) or typed twice without echo."""
    stdin = stdin if stdin is not None else sys.stdin
    if from_stdin:
        line = stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        password = password[:-1] if password.endswith("\r") else password
        if not password:
            raise PasswordInputError("--password-stdin：标准输入的第一行是空的，请在第一行写入密码")
        return validate_password(password, name)
    if prompt is None:
        if not (hasattr(stdin, "isatty") and stdin.isatty()):
            raise PasswordInputError("没有终端可以输入密码：请加 --password-stdin 并从标准输入给出密码")
        prompt = getpass.getpass
    password = validate_password(prompt(f"{name} 的新密码："), name)
    if confirm and prompt("再输入一次：") != password:
        raise PasswordInputError("两次输入的密码不一样，没有保存")
    return password


def users_add(settings, name: str, role: str, *, password_stdin: bool = False, stdin: TextIO | None = None,
              prompt: Callable[[str], str] | None = None) -> Result:
    name = validate_name(name)
    validate_role(role)  # before asking for a password
    store = open_store(settings)
    if store.get_user(name) is not None:
        raise UserExistsError(f"用户 {name} 已经存在（用户名不区分大小写）")
    password = read_password(name=name, from_stdin=password_stdin, stdin=stdin, prompt=prompt)
    user = store.add_user(name, role, password)
    return 0, f"已添加用户 {user.name}（{ROLE_LABELS[user.role]} {user.role}）\n"


def users_list(settings, *, as_json: bool = False) -> Result:
    users = open_store(settings).list_users()
    if as_json:
        return 0, json.dumps([u.to_json() for u in users], ensure_ascii=False) + "\n"
    if not users:
        return 0, "还没有账号（应用以单用户模式运行）。添加：python -m assistant users add NAME --role maintainer\n"
    lines = [f"{u.name}\t{u.role}\t{u.created_at}" for u in users]
    return 0, "\n".join(["name\trole\tcreated_at", *lines]) + "\n"


def users_remove(settings, name: str) -> Result:
    store = open_store(settings)
    user = store.get_user(name)
    store.remove_user(name)
    return 0, f"已删除用户 {user.name if user else name}，并注销其所有登录、吊销其所有 API key\n"


def users_passwd(settings, name: str, *, password_stdin: bool = False, stdin: TextIO | None = None,
                 prompt: Callable[[str], str] | None = None) -> Result:
    store = open_store(settings)
    user = store.get_user(name)
    if user is None:
        raise UnknownUserError(f"没有这个用户：{validate_name(name)}（用 users list 查看已有用户）")
    password = read_password(name=user.name, from_stdin=password_stdin, stdin=stdin, prompt=prompt)
    store.change_password(user.name, password)
    return 0, f"已修改 {user.name} 的密码，其所有登录已注销\n"


def keys_create(settings, name: str, *, as_json: bool = False) -> Result:
    new = open_store(settings).create_key(name)
    if as_json:
        return 0, json.dumps({"key": new.key}) + "\n"
    return 0, (f"{new.key}\n"
               f"（{new.user} 的新 API key，只显示这一次：现在复制保存。请求头写 Authorization: Bearer KEY）\n")


def keys_list(settings, name: str | None = None, *, as_json: bool = False) -> Result:
    keys = open_store(settings).list_keys(name)
    if as_json:
        rows = [{"user": k.user, "prefix": k.prefix, "created_at": k.created_at, "last_used_at": k.last_used_at or None}
                for k in keys]
        return 0, json.dumps(rows, ensure_ascii=False) + "\n"
    lines = [f"{k.user}\t{k.prefix}…\t{k.created_at}\t{k.last_used_at or '-'}" for k in keys]
    return 0, "\n".join(["user\tkey\tcreated_at\tlast_used_at", *lines]) + "\n"


def keys_revoke(settings, name: str) -> Result:
    count = open_store(settings).revoke_keys(name)
    return 0, f"已吊销 {validate_name(name)} 的 {count} 个 API key\n"


def run(command: Callable[..., Result], *args, **kwargs) -> tuple[int, str, str]:
    """``(exit_code, stdout, stderr)`` of a command: an AccountError becomes its exit code and a one-line
    ``error: message`` (the contract's exit codes: 2 bad usage/invalid input, 1 runtime failure)."""
    try:
        code, out = command(*args, **kwargs)
        return code, out, ""
    except AccountError as exc:
        return exc.exit_code, "", f"error: {exc}\n"
