"""Exception handlers (every error in OpenAI's shape) and the request size limit.

Bodies are limited by FastAPI's own per-route ``max_body_size`` (it counts the bytes as they arrive,
chunked bodies too). A too-large *declared* ``Content-Length`` is answered earlier, before any of the
body is read, by :class:`DeclaredSizeLimit`: Starlette's limiter would answer that case with a plain
text body, and clients expect the same JSON error shape as everywhere else.
"""

from __future__ import annotations

import json
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.api.errors import ApiError, validation_message

log = logging.getLogger(__name__)


def _too_large(limit: int) -> ApiError:
    return ApiError(413, f"请求体太大：最多 {limit // 1024} KiB", code="request_too_large")


def _response(error: ApiError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


def install_handlers(app: FastAPI, options) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return _response(exc)

    @app.exception_handler(RequestValidationError)
    async def invalid_body(request: Request, exc: RequestValidationError):
        message, param = validation_message(list(exc.errors()))
        return _response(ApiError(400, message, code="invalid_value", param=param))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 413:
            return _response(_too_large(_limit_for(request.url.path, options)))
        messages = {404: "没有这个接口（见 GET /v1/models、POST /v1/chat/completions）", 405: "这个接口不支持这种请求方法"}
        return _response(ApiError(exc.status_code, messages.get(exc.status_code, str(exc.detail)),
                                  code="not_found" if exc.status_code == 404 else None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.error("unexpected error on %s: %s", request.url.path, type(exc).__name__)
        name = type(exc).__name__
        if name in ("IndexMissingError", "StoreUnavailableError", "EmbedderMismatchError", "IndexCorruptError"):
            return _response(ApiError(503, f"手册索引暂时不可用：{exc}", code="service_unavailable"))
        return _response(ApiError(500, "服务器内部错误，请稍后重试", code="server_error"))

    app.add_middleware(DeclaredSizeLimit, options=options)


def _limit_for(path: str, options) -> int:
    return options.review_max_body_bytes if path.rstrip("/") == "/v1/reviews" else options.max_body_bytes


class DeclaredSizeLimit:
    """413 for a declared Content-Length over the limit of the path, before reading the body."""

    def __init__(self, app: ASGIApp, options) -> None:
        self.app = app
        self.options = options

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            declared = dict(scope.get("headers") or ()).get(b"content-length")
            limit = _limit_for(scope.get("path", ""), self.options)
            if declared is not None and declared.isdigit() and int(declared) > limit:
                error = _too_large(limit)
                body = json.dumps(error.body(), ensure_ascii=False).encode("utf-8")
                await send({"type": "http.response.start", "status": 413,
                            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                        (b"connection", b"close")]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
