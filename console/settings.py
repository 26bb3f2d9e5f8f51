"""Settings read from the environment and `.env`, with a refusal of placeholder secrets."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent
ENV_FILE = PROJECT_DIR / ".env"
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_DIR / 'var' / 'dtks.sqlite3'}"
PLACEHOLDER_SECRETS = {"", "changethis", "change-me", "ganti-ini", "secret", "rahasia"}


class Settings(BaseSettings):
    """Every setting of the console; `.env.example` documents each key."""

    model_config = SettingsConfigDict(env_file=ENV_FILE, env_file_encoding="utf-8", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    secret_key: str = ""
    database_url: str = DEFAULT_DATABASE_URL
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
        if not value.strip():
            return DEFAULT_DATABASE_URL
        # psycopg 3 is the driver we install; plain postgresql:// would ask for psycopg2.
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            return "postgresql+psycopg://" + value.split("://", 1)[1]
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
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def effective_secret_key(self) -> str:
        """The secret to sign with; in development an empty one becomes a per-process random key."""
        return self.secret_key or _DEVELOPMENT_FALLBACK_SECRET


_DEVELOPMENT_FALLBACK_SECRET = secrets.token_urlsafe(48)


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
