"""The OpenAI-compatible HTTP API: ``create_app(settings, searcher=None, chat_model=None)`` and
``serve(settings, host="127.0.0.1", port=8000)`` (``python -m assistant serve``)."""

from __future__ import annotations

from assistant.api.app import ApiOptions, create_app
from assistant.api.errors import ApiError
from assistant.api.exchanges import ExchangeHook, conversation_key, store_exchanges
from assistant.api.server import serve

__all__ = ["ApiError", "ApiOptions", "ExchangeHook", "conversation_key", "create_app", "serve", "store_exchanges"]
