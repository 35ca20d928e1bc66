"""Settings from SALES_PLAYBOOK_* environment variables, each overridable by a CLI flag (see README).

A plain pydantic model that reads its environment variables itself: the variables are flat strings (lists are
comma-separated), so pydantic's own str -> int/float/Path/Literal validation is all the parsing needed, and
pydantic-settings' import (10-20 ms, with python-dotenv, on every server start) is not paid.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from platformdirs import user_data_path
from pydantic import BaseModel, ConfigDict, Field, field_validator

ENV_PREFIX = "SALES_PLAYBOOK_"

TOOLSETS = ("prospecting", "deals", "coaching", "pipeline")
DEFAULT_TOOLSETS = ("deals", "coaching")
"""Served unless `toolsets` says otherwise: their tool list fits the 24 KB budget every conversation pays for
(README, "Toolsets"); prospecting and pipeline are one setting away (`all`)."""
DEFAULT_MODEL = "claude-sonnet-5-5"
DATABASE_URL_PREFIXES = ("sqlite:///", "postgresql://", "postgresql+psycopg://", "postgres://")
"""What server/store's parse_url accepts; checked here too, so a wrong URL is a setting error at start-up."""


def default_data_dir() -> Path:
    return user_data_path("sales-playbook", appauthor=False)


def environment_values(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The SALES_PLAYBOOK_* variables that name a setting (case-insensitive), by field name."""
    fields = set(Settings.model_fields)
    values: dict[str, str] = {}
    for key, value in (os.environ if environ is None else environ).items():
        name = key.upper().removeprefix(ENV_PREFIX).lower() if key.upper().startswith(ENV_PREFIX) else None
        if name in fields:
            values[name] = value
    return values


class Settings(BaseModel):
    """Everything the server reads from its environment; arguments given here win over the environment.
    Secrets are never logged."""

    model_config = ConfigDict(extra="ignore", validate_default=True)

    def __init__(self, **values: Any) -> None:
        super().__init__(**{**environment_values(), **values})

    data_dir: Path = Field(default_factory=default_data_dir, description="Where the server keeps its data.")
    database_url: str | None = Field(
        default=None, description="sqlite:///PATH or postgresql://…; default: the SQLite file in data_dir."
    )
    default_locale: Literal["en", "zh"] = Field(
        default="en",
        description="Locale when a call gives none and its text has no letters to detect one from.",
    )
    toolsets: tuple[str, ...] = Field(
        default=DEFAULT_TOOLSETS, description="Comma-separated toolsets to serve, or 'all'."
    )
    model: str = Field(
        default=DEFAULT_MODEL, min_length=1, description="Anthropic model used to polish drafts without sampling."
    )
    model_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    allowed_hosts: tuple[str, ...] = Field(
        default=(),
        description="HTTP: Host names (host or host:port, comma-separated) accepted besides loopback; "
        "required when binding a non-loopback address.",
    )
    max_request_bytes: int = Field(
        default=16 * 1024 * 1024, ge=1024, le=256 * 1024 * 1024, description="HTTP: largest request body (413)."
    )
    rate_limit_per_minute: int = Field(
        default=600, ge=0, le=1_000_000, description="HTTP: requests per token per minute and replica (0 = off)."
    )
    rate_limit_burst: int = Field(
        default=60, ge=1, le=100_000, description="HTTP: requests a token may send at once before the rate applies."
    )

    @field_validator("toolsets", mode="before")
    @classmethod
    def _split_toolsets(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip().lower() for part in value.split(",") if part.strip()]
            value = TOOLSETS if parts == ["all"] else tuple(parts)
        if isinstance(value, list | tuple):
            unknown = [name for name in value if name not in TOOLSETS]
            if unknown:
                raise ValueError(
                    f"unknown toolset(s) {', '.join(map(str, unknown))}; allowed: {', '.join(TOOLSETS)}, all"
                )
            if not value:
                raise ValueError(f"at least one toolset is needed; allowed: {', '.join(TOOLSETS)}, all")
        return value

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            value = tuple(part.strip() for part in value.split(",") if part.strip())
        if isinstance(value, list | tuple):
            for host in value:
                if not isinstance(host, str) or not host or any(c in host for c in "/ *\t") or host.count(":") > 1:
                    raise ValueError(f"allowed host {host!r} must be a host name or host:port (no scheme, no path)")
        return value

    @field_validator("data_dir", mode="before")
    @classmethod
    def _default_when_empty(cls, value: object) -> object:
        """An empty SALES_PLAYBOOK_DATA_DIR (or --data-dir "") means the default folder, not the working directory."""
        return default_data_dir() if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url", mode="before")
    @classmethod
    def _check_database_url(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip() or None  # empty: the default SQLite file in data_dir
            if value is not None and not value.startswith(DATABASE_URL_PREFIXES):
                scheme = f"{value.split('://')[0][:20]}://" if "://" in value else "no scheme"  # never the rest
                raise ValueError(
                    f"must be sqlite:///PATH (a file) or postgresql://USER:PASSWORD@HOST:PORT/DATABASE (got {scheme})"
                )
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'sales-playbook.db'}"
