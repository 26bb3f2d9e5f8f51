"""Fixtures shared by the console's tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str, regions: frozenset[str]) -> None:
    """The environment a CLI command reads: the test database, a test environment and a usable secret."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
