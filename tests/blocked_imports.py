"""Run Python code in a fresh interpreter in which some packages cannot be imported.

What a layer does not depend on is shown by running it with the packages it must not use made unimportable: a
meta-path finder, installed before anything else is imported, refuses them with an ImportError naming the
module that was asked for.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent

_REFUSE = """
import sys

class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ImportError({who!r} + " imported " + name)
        return None

sys.meta_path.insert(0, Refuse())
"""


def run_without(
    blocked: Iterable[str], who: str, code: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `code` in the project folder with the `blocked` top-level packages unimportable; a refused import
    fails with "<who> imported <module>". Output is captured as text."""
    script = _REFUSE.format(blocked=set(blocked), who=who) + code
    return subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False
    )
