"""API chats land in the caller's own conversations (``store_exchanges``, what ``serve`` wires): one
conversation per chat across its requests, streamed or not, per user, visible to the owner only."""

from __future__ import annotations

import pytest
from openai import OpenAI

from assistant.api import ApiOptions, create_app, store_exchanges
from assistant.accounts import ApiRatePolicy
from assistant.conversations import ConversationStore

from .conftest import running

Q = "福袋抽奖什么时候发效果最好？"


@pytest.fixture(scope="module")
def landing(index_settings, searcher, api_accounts, tmp_path_factory):
    store = ConversationStore(tmp_path_factory.mktemp("api-conversations"))
    app = create_app(index_settings, searcher=searcher, accounts=api_accounts, on_exchange=store_exchanges(store),
                     options=ApiOptions(rate=ApiRatePolicy(rate_per_minute=6000, burst=500)))
    with running(app) as url:
        yield url, store


def _client(url: str, key: str) -> OpenAI:
    return OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0, timeout=60)


def test_a_chat_lands_in_one_conversation_of_its_user(landing, api_accounts):
    url, store = landing
    key = api_accounts.create_key("douya").key
    with _client(url, key) as c:
        first = c.chat.completions.create(model="playbook", messages=[{"role": "user", "content": Q}])
        reply = first.choices[0].message.content
        chunks = list(c.chat.completions.create(model="playbook", stream=True, messages=[
            {"role": "user", "content": Q}, {"role": "assistant", "content": reply},
            {"role": "user", "content": "那多久发一次？"}]))
    assert chunks[-1].model_extra["sources"]
    mine = store.list(owner="douya")
    assert [c.title for c in mine] == [Q] and mine[0].id.startswith("api-")
    messages = store.messages(mine[0].id, owner="douya")
    assert [(m.role, m.content) for m in messages if m.role == "user"] == [("user", Q), ("user", "那多久发一次？")]
    answers = [m for m in messages if m.role == "assistant"]
    assert len(answers) == 2 and all(m.sources and m.mode == "offline" and m.in_scope for m in answers)
    assert answers[0].content in reply  # the answer text without the plain-text sources list
    assert store.list(owner="laoban") == [] and store.get(mine[0].id, owner="laoban") is None


def test_the_same_first_question_of_two_users_stays_apart(landing, api_accounts):
    url, store = landing
    question = "直播间冷场没人说话怎么办？"
    for name in ("douya", "laoban"):
        with _client(url, api_accounts.create_key(name).key) as c:
            c.chat.completions.create(model="playbook", messages=[{"role": "user", "content": question}])
    douya = [c for c in store.list(owner="douya") if c.title == question]
    laoban = [c for c in store.list(owner="laoban") if c.title == question]
    assert len(douya) == 1 and len(laoban) == 1 and douya[0].id != laoban[0].id
    # declined (out-of-scope) questions land too: the handbook-gaps report counts them
    with _client(url, api_accounts.create_key("laoban").key) as c:
        c.chat.completions.create(model="playbook", messages=[{"role": "user", "content": "帮我写一段Python排序代码"}])
    declined = [m for conv in store.list(owner="laoban") for m in store.messages(conv.id) if m.role == "assistant"
                and m.in_scope is False]
    assert declined
