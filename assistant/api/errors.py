"""Errors of the API, answered in OpenAI's error shape ``{"error": {"message", "type", "code", "param"}}``
(so OpenAI clients raise their usual exception classes). Messages are Chinese and name the field."""

from __future__ import annotations

from typing import Any

from assistant.errors import AssistantError

# OpenAI's error types by status
TYPES = {400: "invalid_request_error", 401: "invalid_request_error", 403: "invalid_request_error",
         404: "invalid_request_error", 405: "invalid_request_error", 413: "invalid_request_error",
         422: "invalid_request_error", 429: "requests", 500: "server_error", 501: "server_error",
         503: "server_error"}


class ApiError(AssistantError):
    """An error response: status, message (Chinese), OpenAI ``code``, the offending ``param``."""

    def __init__(self, status: int, message: str, *, code: str = "", param: str | None = None,
                 headers: dict[str, str] | None = None, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or None
        self.param = param
        self.headers = headers or {}
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        error = {"message": self.message, "type": TYPES.get(self.status, "invalid_request_error"),
                 "code": self.code, "param": self.param}
        error.update(self.extra)
        return {"error": error}


_TYPE_TAGS = {"str", "int", "float", "bool", "list", "dict", "none", "json-or-python"}


def field_path(loc: tuple | list) -> str:
    """("body", "messages", 2, "content") -> "messages[2].content"; the member tags pydantic adds for
    a union ("str", "list[ContentPart]") are left out."""
    out = ""
    for part in loc:
        if part == "body" and not out:
            continue
        if isinstance(part, str) and (part in _TYPE_TAGS or "[" in part or part.startswith("function-")):
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(body)"


_RULES = {
    "missing": "缺少必填字段",
    "string_type": "必须是文字（字符串）",
    "bool_type": "必须是 true 或 false",
    "int_type": "必须是整数",
    "list_type": "必须是列表",
    "dict_type": "必须是 JSON 对象",
    "model_type": "必须是 JSON 对象",
    "model_attributes_type": "必须是 JSON 对象",
    "json_invalid": "不是有效的 JSON",
    "too_short": "不能为空",
    "too_long": "太长",
    "string_too_short": "不能为空",
    "string_too_long": "太长",
}


def validation_message(errors: list[dict]) -> tuple[str, str]:
    """(message, first field) for pydantic/FastAPI validation errors, in Chinese."""
    parts, first, seen = [], "", set()
    for err in errors:
        path = field_path(err.get("loc", ()))
        if path in seen:  # a union reports once per member: keep the first
            continue
        seen.add(path)
        first = first or path
        kind = err.get("type", "")
        rule = _RULES.get(kind)
        if kind == "literal_error":
            rule = f"取值不对（{err.get('ctx', {}).get('expected', '')}）"
        elif kind in ("too_long", "string_too_long", "too_short") and err.get("ctx"):
            ctx = err["ctx"]
            limit = ctx.get("max_length", ctx.get("min_length"))
            rule = f"{rule}（限制 {limit}）" if limit is not None else rule
        parts.append(f"{path}: {rule or err.get('msg', '无效')}")
    more = f"；另有 {len(parts) - 5} 处" if len(parts) > 5 else ""
    return "请求体无效：" + "；".join(parts[:5]) + more, first
