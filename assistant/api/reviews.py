"""``POST /v1/reviews``: the review engine is built on another branch; this is the one place that
calls it, so wiring it is a change here only.

Expected: ``assistant.review.review_from_text(data=CSV text, products=CSV text | None, plan=plan JSON
| None, cards=cards by id)`` returning the review (an object with ``to_json()`` or the JSON dict), and
raising an error with a message naming the row and column for invalid data.
"""

from __future__ import annotations

from typing import Any, Mapping

from assistant.api.errors import ApiError


def _engine():
    try:
        from assistant.review import review_from_text  # type: ignore[attr-defined]
    except ImportError:
        return None
    return review_from_text


def review_available() -> bool:
    return _engine() is not None


def run_review(data: str, products: str | None, plan: dict | None, cards: Mapping[str, Any]) -> dict:
    engine = _engine()
    if engine is None:
        raise ApiError(501, "复盘接口还没有启用：这个版本还没有复盘引擎（assistant.review）。", code="not_implemented")
    try:
        result = engine(data=data, products=products, plan=plan, cards=cards)
    except ValueError as exc:  # invalid show data: the message names the row and the column
        problems = getattr(exc, "problems", None)
        extra = {"problems": [{"field": f, "message": m} for f, m in problems]} if problems else None
        raise ApiError(422, str(exc), code="invalid_value", param="data", extra=extra) from None
    return result.to_json() if hasattr(result, "to_json") else result
