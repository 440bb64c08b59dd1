"""The LLM endpoint down, slow or returning garbage: the real ChatOpenAI against a broken local server."""

from __future__ import annotations

import time

from reliability.data import QUESTIONS, cited_numbers
from reliability.fake_llm import FakeLLM, dead_port_url

LLM_FAULTS = ("down", "slow", "stall", "garbage", "garbage-sse", "html", "500", "reset")


def llm_fault_answer(settings, searcher, fault: str, timeout: float = 2.0, question: str = QUESTIONS[0]) -> dict:
    """One question through the real ChatOpenAI against a broken local endpoint."""
    from assistant.answer import answer_question

    mode = {"down": "ok", "slow": "sleep"}.get(fault, fault)  # "trickle" too (reported, not a fault that must fall back)
    with FakeLLM(mode, sleep=max(10.0, timeout * 5)) as llm:
        url = dead_port_url() if fault == "down" else llm.base_url
        s = settings.replace(llm_provider="openai", llm_model="fake-model", llm_base_url=url, llm_timeout=timeout)
        t = time.monotonic()
        answer = answer_question(question, settings=s, searcher=searcher)
        seconds = time.monotonic() - t
        return {"fault": fault, "seconds": round(seconds, 3), "mode": answer.mode, "notice": answer.notice,
                "cited": cited_numbers(answer.answer), "sources": [x.card_id for x in answer.sources],
                "requests": len(llm.requests), "timeout": timeout}
