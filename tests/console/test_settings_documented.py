"""Every setting is documented in .env.example and the README, and every documented key is a real setting.

"No documented setting does nothing" (issue 9): SECRET_KEY was documented as signing the session cookie
while no code used it. What each key does is tested where it acts; here only that docs and code agree.
"""

from __future__ import annotations

import re
from pathlib import Path

from console.settings import Settings

PROJECT_DIR = Path(__file__).resolve().parents[2]
_EXAMPLE_KEY = re.compile(r"^([A-Z][A-Z0-9_]*)=", re.M)
_README_KEY = re.compile(r"`([A-Z][A-Z0-9_]+)`")


def _setting_keys() -> set[str]:
    return {name.upper() for name in Settings.model_fields}


def test_env_example_sets_exactly_the_settings_keys() -> None:
    example = (PROJECT_DIR / ".env.example").read_text(encoding="utf-8")

    assert set(_EXAMPLE_KEY.findall(example)) == _setting_keys()


def test_the_readme_configuration_table_names_every_setting() -> None:
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1] for line in table.splitlines() if line.startswith("| `")]

    assert {key for row in rows for key in _README_KEY.findall(row)} == _setting_keys()
