"""``POST /v1/reviews``: ``{"data": CSV text, "products": CSV text?, "plan": plan JSON?}`` → the review JSON
(contracts.md "Show data and review"), judged by the served handbook's lines (the cards of the index).

Invalid show data or products: 422 with the message naming every row and column, ``param`` "data" or
"products" and ``problems`` [{"row", "column", "message"}]; an unusable plan: 422, ``param`` "plan",
``problems`` [{"field", "message"}]. A body of the wrong shape is 400 (the app's validation handler).
Nothing is stored: over the API a review is stateless.
"""

from __future__ import annotations

from typing import Any, Mapping

from assistant.api.errors import ApiError


def review_available() -> bool:
    return True


def run_review(data: str, products: str | None, plan: dict | None, cards: Mapping[str, Any]) -> dict:
    from assistant.review import PlanFileError, ShowDataError
    from assistant.review.workflow import Handbook, review_upload

    try:
        reviewed = review_upload(data, data_name="data", products=products or None, products_name="products", plan=plan,
                                 handbook=Handbook.from_cards(cards.values()))
    except ShowDataError as exc:
        problems = [{"row": p.row, "column": p.column, "message": p.message} for p in exc.problems]
        param = "products" if exc.source == "products" else "data"
        raise ApiError(422, str(exc), code="invalid_value", param=param, extra={"problems": problems}) from None
    except PlanFileError as exc:
        problems = [{"field": f"plan.{path}" if not path.startswith("(") else "plan", "message": m} for path, m in exc.problems]
        raise ApiError(422, str(exc), code="invalid_value", param="plan", extra={"problems": problems}) from None
    return reviewed.result.to_json()
