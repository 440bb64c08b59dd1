"""``serve(settings, host, port)``: build or open the index once, then run the API with uvicorn."""

from __future__ import annotations

import contextlib
import sys


def _progress(done: int, total: int, what: str) -> None:
    print(f"\r[index] {what} {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def serve(settings, host: str = "127.0.0.1", port: int = 8000, *, chat_model=None, on_exchange=None,
          log_level: str = "info") -> None:
    """Run ``python -m assistant serve``: blocks until interrupted. 127.0.0.1 by default; to serve
    others put it behind a reverse proxy with TLS (README) or pass ``--host 0.0.0.0`` deliberately.
    Exchanges land in the callers' conversations (``store_exchanges``) unless ``on_exchange`` is given."""
    import uvicorn
    from index.api import ensure_index

    from assistant.api.app import create_app
    from assistant.api.exchanges import store_exchanges
    from assistant.conversations import ConversationStore

    if on_exchange is None:
        on_exchange = store_exchanges(ConversationStore(settings.data_dir))

    with contextlib.redirect_stdout(sys.stderr):
        searcher = ensure_index(settings, progress=_progress)
    app = create_app(settings, searcher=searcher, chat_model=chat_model, on_exchange=on_exchange)
    # proxy_headers stays at uvicorn's default (trust X-Forwarded-* from 127.0.0.1 only).
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False)
