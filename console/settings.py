"""Settings read from the environment and `.env`, with a refusal of placeholder secrets.

The database keys (DATABASE_URL, MIGRATION_DATABASE_URL, SQL_ECHO) and the project paths come from
database/settings.py, which the migrations read without the console.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import NoDecode

from database.settings import DEFAULT_DATABASE_URL, ENV_FILE, PROJECT_DIR, DatabaseSettings
from models.ranking import RegisterMode

__all__ = ["DEFAULT_DATABASE_URL", "ENV_FILE", "PROJECT_DIR", "Settings", "ensure_env_file"]

PLACEHOLDER_SECRETS = {"", "changethis", "change-me", "ganti-ini", "secret", "rahasia"}
DEVELOPMENT_HOSTS = ["127.0.0.1", "localhost"]


class Settings(DatabaseSettings):
    """Every setting of the console (the database keys and `.env` reading inherited); `.env.example` documents each."""

    environment: Literal["development", "production", "test"] = "development"
    # HMAC key of the session cookie (console/sessions.py): changing it ends every open session.
    secret_key: str = ""
    # Host names served (Starlette's TrustedHostMiddleware); any other Host header answers 400.
    allowed_hosts: Annotated[list[str], NoDecode] = Field(default_factory=lambda: list(DEVELOPMENT_HOSTS))
    host: str = "127.0.0.1"
    port: int = 8000
    default_locale: Literal["id", "en"] = "id"
    # The zone times are shown in (stored in UTC): empty = each user's province's (models/time_zones.py), or one of
    # WIB, WITA, WIT for every user of this server.
    time_zone: Literal["", "WIB", "WITA", "WIT"] = ""
    # The address the public reaches this console at, for the verification QR printed on letters
    # ("https://dtks.bimakota.go.id"); empty = the address of the request that printed the letter.
    public_url: str = Field(default="", pattern=r"^(https?://[^\s/?#]+(/[^\s?#]*)?)?$")
    demo_regency_code: str = "52.72"
    demo_households: int = 3000
    upload_dir: Path = PROJECT_DIR / "var" / "uploads"
    max_upload_bytes: int = 5 * 1024 * 1024
    # BNBA import (reports/xlsx_upload.py): largest .xlsx accepted, and most data rows read from it.
    max_import_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    max_import_rows: int = Field(default=50_000, gt=0)
    # SK Penetapan: households at or below this desil (1..10) are determined into the DTKS (DTKS mode only).
    determination_max_desil: int = Field(default=4, ge=1, le=10)
    # The register's mode (models/ranking.py): DTKS, the ministry's PMT gives the desil (the 2021-2022 chain), or
    # DTSEN, the desil comes back from BPS as a ranking file (since Inpres 4/2025). One mode per deployment.
    register_mode: RegisterMode = RegisterMode.DTKS
    # Load shedding (console/load_shedding.py): requests served at once per server process; one more is answered
    # 503 with Retry-After at once. Seconds a request waits for a free database connection before its 503.
    max_requests_in_flight: int = Field(default=64, ge=1)
    database_pool_timeout: float = Field(default=10.0, gt=0)
    # Observability (console/request_log.py, console/log_format.py, console/metrics.py): log lines as text or one
    # JSON object per line; a request slower than SLOW_REQUEST_MS is logged again as a warning (dtks.slow);
    # /metrics in the Prometheus format, off by default, and when on only for `Authorization: Bearer <token>`.
    log_format: Literal["text", "json"] = "text"
    slow_request_ms: int = Field(default=2000, ge=0)
    metrics_enabled: bool = False
    metrics_token: str = ""
    # PostgreSQL behind PgBouncer in transaction mode (docs/DEPLOYMENT.md, "A province"): no prepared statements.
    database_transaction_pooling: bool = False

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        # One comma-separated line in .env, as Django and the other frameworks write it.
        if isinstance(value, str):
            return [host.strip().lower() for host in value.split(",") if host.strip()]
        return value

    @field_validator("register_mode", mode="before")
    @classmethod
    def _mode_in_any_case(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

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
        self._refuse_open_metrics()
        return self

    def _refuse_open_metrics(self) -> None:
        """/metrics is never open: on, it needs a token, and outside development a real one (like SECRET_KEY)."""
        if not self.metrics_enabled:
            return
        token = self.metrics_token.strip()
        if not token:
            raise ValueError("METRICS_ENABLED=true tetapi METRICS_TOKEN kosong: isi token acak untuk server pemantau.")
        if self.environment != "development" and (token.lower() in PLACEHOLDER_SECRETS or len(token) < 32):
            raise ValueError("METRICS_TOKEN masih contoh atau kurang dari 32 karakter di luar mode development.")

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
