"""The OpenAI-compatible HTTP API (FastAPI): ``create_app(settings, searcher=None, chat_model=None)``.

    GET  /healthz                 {"status": "ok"} (no key)
    GET  /v1/models               the model "playbook"
    POST /v1/chat/completions     OpenAI chat completions, streamed (SSE) or not, with sources
    POST /v1/plans                plan inputs JSON -> the plan JSON (422 naming the field)
    POST /v1/reviews              {"data", "products"?, "plan"?} -> the review JSON (501 until wired)

Everything under /v1 needs ``Authorization: Bearer KEY`` (``python -m assistant keys create NAME``) and
is limited per key (429 with Retry-After). Blocking work (search, answer, plan) runs in the thread
pool, so one slow answer never stalls the other clients; the searcher is opened once per app.
"""

from __future__ import annotations

import json
import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import Body, Depends, FastAPI, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from assistant.accounts import AccountStore, ApiPrincipal, ApiRateLimiter, ApiRatePolicy, User, open_store
from assistant.answer import stream_answer
from assistant.errors import HistoryError, InvalidQuestionError, PlanInputError
from assistant.types import Answer, Turn

from assistant.api import chat, reviews
from assistant.api.errors import ApiError
from assistant.api.exchanges import ExchangeHook
from assistant.api.handlers import install_handlers
from assistant.api.schemas import ChatCompletionRequest, ReviewRequest

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ApiOptions:
    rate: ApiRatePolicy = field(default_factory=ApiRatePolicy)
    max_body_bytes: int = 64 * 1024
    review_max_body_bytes: int = 1024 * 1024

    @classmethod
    def from_settings(cls, settings) -> "ApiOptions":
        """Read optional settings (``api_rate_per_minute``, ``api_burst``, ``api_max_body_kb``) if the
        settings object has them; defaults otherwise."""
        default = cls()
        rate = ApiRatePolicy(rate_per_minute=float(getattr(settings, "api_rate_per_minute", default.rate.rate_per_minute)),
                             burst=int(getattr(settings, "api_burst", default.rate.burst)))
        body = int(getattr(settings, "api_max_body_kb", default.max_body_bytes // 1024)) * 1024
        return cls(rate=rate, max_body_bytes=body, review_max_body_bytes=max(body, default.review_max_body_bytes))


def _bearer(request: Request) -> str:
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise ApiError(401, "缺少 API key：请求头要写 Authorization: Bearer KEY（用 python -m assistant keys create NAME 创建）",
                       code="missing_api_key", headers={"WWW-Authenticate": "Bearer"})
    return key.strip()


def create_app(settings, searcher=None, chat_model=None, *, accounts: AccountStore | None = None,
               options: ApiOptions | None = None, on_exchange: ExchangeHook | None = None) -> FastAPI:
    options = options or ApiOptions.from_settings(settings)
    state: dict[str, Any] = {"searcher": searcher}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if state["searcher"] is None:
            from index.api import open_searcher

            state["searcher"] = await run_in_threadpool(open_searcher, settings)
        yield

    # Body limits are set per route (not app-wide), inside DeclaredSizeLimit: see handlers.py.
    app = FastAPI(title="操盘手手册助手 API", version="1", lifespan=lifespan, docs_url=None, redoc_url=None)
    limit = options.max_body_bytes
    install_handlers(app, options)
    store = accounts or open_store(settings)
    limiter = ApiRateLimiter(options.rate)

    def principal(request: Request) -> ApiPrincipal:  # sync: FastAPI runs it in the thread pool
        who = store.authenticate_key(_bearer(request))
        if who is None:
            raise ApiError(401, "API key 无效或已吊销：请用 python -m assistant keys create NAME 创建新的 key",
                           code="invalid_api_key", headers={"WWW-Authenticate": "Bearer"})
        wait = limiter.acquire(who.key_id)
        if wait:
            raise ApiError(429, f"这个 API key 请求太频繁（每分钟 {options.rate.rate_per_minute:g} 次，突发 "
                                f"{options.rate.burst} 次），请 {int(wait)} 秒后再试", code="rate_limit_exceeded",
                           headers={"Retry-After": str(int(wait))})
        return who

    def cards() -> dict:
        return state["searcher"].cards()

    def record(user: User, turns: tuple[Turn, ...], answer: Answer) -> None:
        if on_exchange is None:
            return
        try:
            on_exchange(user, turns, answer)
        except Exception as exc:  # noqa: BLE001 - storing the exchange must not fail the answer
            log.warning("on_exchange failed: %s", type(exc).__name__)

    @app.get("/healthz")
    def healthz() -> dict:
        return {"status": "ok"}

    model_card = {"id": chat.MODEL_ID, "object": "model", "created": 1764547200, "owned_by": "playbook"}

    @app.get("/v1/models")
    def models(who: ApiPrincipal = Depends(principal)) -> dict:
        return {"object": "list", "data": [model_card]}

    @app.get("/v1/models/{model_id}")
    def model(model_id: str, who: ApiPrincipal = Depends(principal)) -> dict:
        if model_id != chat.MODEL_ID:
            raise ApiError(404, f"没有模型 {model_id!r}：只有 {chat.MODEL_ID}", code="model_not_found", param="model")
        return model_card

    @app.post("/v1/chat/completions", max_body_size=limit)
    async def completions(body: ChatCompletionRequest, who: ApiPrincipal = Depends(principal)):
        if body.model != chat.MODEL_ID:
            raise ApiError(404, f"model: 没有模型 {body.model!r}，请用 {chat.MODEL_ID!r}（GET /v1/models）",
                           code="model_not_found", param="model")
        question, history = chat.split_messages(body.messages, cards())
        turns = (*history, Turn("user", question))
        prompt_chars = sum(len(t.content) for t in turns)
        try:  # the question and history are checked when the stream is made, the rest when it first runs
            items = stream_answer(question, history, settings=settings, searcher=state["searcher"], chat_model=chat_model)
        except (InvalidQuestionError, HistoryError) as exc:
            raise ApiError(400, f"messages: {exc}", code="invalid_value", param="messages") from None
        first = await run_in_threadpool(_first_item, items)
        if not body.stream:
            answer = first if isinstance(first, Answer) else await run_in_threadpool(_last_item, items)
            await run_in_threadpool(record, who.user, turns, answer)
            return chat.completion(answer, prompt_chars=prompt_chars)
        include_usage = bool(body.stream_options and body.stream_options.include_usage)
        events = _sse(chat.stream_chunks(_chain(first, items), include_usage=include_usage, prompt_chars=prompt_chars,
                                         on_final=lambda answer: record(who.user, turns, answer)))
        return StreamingResponse(events, media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @app.post("/v1/plans", max_body_size=limit)
    async def plans(body: dict[str, Any] = Body(...), who: ApiPrincipal = Depends(principal)) -> dict:
        from assistant.plan import build_plan, parse_plan_inputs

        def make() -> dict:
            plan = build_plan(parse_plan_inputs(body), cards(), chat_model=chat_model, llm_timeout=settings.llm_timeout)
            return plan.to_json()

        try:
            return await run_in_threadpool(make)
        except PlanInputError as exc:
            problems = [{"field": f, "message": m} for f, m in exc.problems]
            raise ApiError(422, str(exc), code="invalid_value", param=problems[0]["field"] if problems else None,
                           extra={"problems": problems}) from None

    @app.post("/v1/reviews", max_body_size=options.review_max_body_bytes)
    async def review(body: ReviewRequest, who: ApiPrincipal = Depends(principal)) -> dict:
        return await run_in_threadpool(reviews.run_review, body.data, body.products, body.plan, cards())

    app.state.accounts = store
    app.state.limiter = limiter
    return app


def _first_item(items):
    try:
        return next(items)
    except (InvalidQuestionError, HistoryError) as exc:
        raise ApiError(400, f"messages: {exc}", code="invalid_value", param="messages") from None


def _last_item(items) -> Answer:
    final = None
    for item in items:
        final = item
    if not isinstance(final, Answer):
        raise RuntimeError("the answer stream ended without an Answer")
    return final


def _chain(first, items):
    yield first
    yield from items


def _sse(chunks):
    """``data: {json}`` events, an error event if the answer fails midway, then ``data: [DONE]``."""
    try:
        for c in chunks:
            yield f"data: {json.dumps(c, ensure_ascii=False)}\n\n".encode("utf-8")
    except Exception as exc:  # noqa: BLE001 - the status line is sent already: report in the stream
        log.warning("streamed answer failed: %s", type(exc).__name__)
        error = ApiError(500, "回答时出错了，请稍后重试", code="server_error").body()
        yield f"data: {json.dumps(error, ensure_ascii=False)}\n\n".encode("utf-8")
        return
    yield b"data: [DONE]\n\n"
