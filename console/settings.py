"""Settings read from the environment and `.env`, with a refusal of placeholder secrets."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent
ENV_FILE = PROJECT_DIR / ".env"
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_DIR / 'var' / 'dtks.sqlite3'}"
PLACEHOLDER_SECRETS = {"", "changethis", "change-me", "ganti-ini", "secret", "rahasia"}
DEVELOPMENT_HOSTS = ["127.0.0.1", "localhost"]


class Settings(BaseSettings):
    """Every setting of the console; `.env.example` documents each key."""

    model_config = SettingsConfigDict(env_file=ENV_FILE, env_file_encoding="utf-8", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    # HMAC key of the session cookie (console/sessions.py): changing it ends every open session.
    secret_key: str = ""
    # The app's connection (in production a role that owns nothing); migrations use the owner's URL when given.
    database_url: str = DEFAULT_DATABASE_URL
    migration_database_url: str = ""
    # Host names served (Starlette's TrustedHostMiddleware); any other Host header answers 400.
    allowed_hosts: Annotated[list[str], NoDecode] = Field(default_factory=lambda: list(DEVELOPMENT_HOSTS))
    host: str = "127.0.0.1"
    port: int = 8000
    default_locale: Literal["id", "en"] = "id"
    demo_regency_code: str = "52.72"
    demo_households: int = 3000
    upload_dir: Path = PROJECT_DIR / "var" / "uploads"
    max_upload_bytes: int = 5 * 1024 * 1024
    # BNBA import (reports/xlsx_upload.py): largest .xlsx accepted, and most data rows read from it.
    max_import_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    max_import_rows: int = Field(default=50_000, gt=0)
    # SK Penetapan: households at or below this desil (1..10) are determined into the DTKS.
    determination_max_desil: int = Field(default=4, ge=1, le=10)
    sql_echo: bool = False

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        return _with_psycopg(value) if value.strip() else DEFAULT_DATABASE_URL

    @field_validator("migration_database_url")
    @classmethod
    def _normalise_migration_url(cls, value: str) -> str:
        return _with_psycopg(value) if value.strip() else ""

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        # One comma-separated line in .env, as Django and the other frameworks write it.
        if isinstance(value, str):
            return [host.strip().lower() for host in value.split(",") if host.strip()]
        return value

    @field_validator("upload_dir")
    @classmethod
    def _anchor_upload_dir(cls, value: Path) -> Path:
        return value if value.is_absolute() else PROJECT_DIR / value

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.environment != "development" and self.secret_key.strip().lower() in PLACEHOLDER_SECRETS:
            raise ValueError(
                "SECRET_KEY kosong atau masih contoh; isi dengan nilai acak "
                "(python -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )
        if self.environment != "development" and len(self.secret_key) < 32:
            raise ValueError("SECRET_KEY terlalu pendek: minimal 32 karakter di luar mode development.")
        if not self.allowed_hosts:
            raise ValueError("ALLOWED_HOSTS kosong: isi nama host konsol, dipisah koma (misalnya dtks.example.go.id).")
        if self.environment == "production" and "*" in self.allowed_hosts:
            raise ValueError("ALLOWED_HOSTS tidak boleh '*' dalam mode production: tuliskan nama host konsol.")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def owner_database_url(self) -> str:
        """The URL migrations run on: MIGRATION_DATABASE_URL, or DATABASE_URL when one role does everything."""
        return self.migration_database_url or self.database_url

    def effective_secret_key(self) -> str:
        """The secret to sign with; in development an empty one becomes a per-process random key."""
        return self.secret_key or _DEVELOPMENT_FALLBACK_SECRET


_DEVELOPMENT_FALLBACK_SECRET = secrets.token_urlsafe(48)


def _with_psycopg(url: str) -> str:
    # psycopg 3 is the driver we install; plain postgresql:// would ask for psycopg2.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def ensure_env_file(path: Path = ENV_FILE) -> bool:
    """Create `.env` with a fresh random secret when it is missing; return True if created."""
    if path.exists():
        return False
    path.write_text(
        "# Dibuat otomatis oleh `make run`; lihat .env.example untuk semua kunci.\n"
        "ENVIRONMENT=development\n"
        f"SECRET_KEY={secrets.token_urlsafe(48)}\n",
        encoding="utf-8",
    )
    path.chmod(0o600)
    return True
