"""The domain core knows no HTTP: every module of chain/ imports with the web stack made unimportable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
WEB_PACKAGES = ("starlette", "sqladmin", "console", "wtforms", "jinja2", "uvicorn", "anyio")

# Runs in a fresh interpreter: a meta-path finder refuses the web packages before anything is imported.
_PROBE = """
import importlib, pkgutil, sys
BLOCKED = {blocked!r}

class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError("the core imported " + name)
        return None

sys.meta_path.insert(0, Refuse())
import chain
names = sorted(m.name for m in pkgutil.walk_packages(chain.__path__, "chain."))
for name in names:
    importlib.import_module(name)
print(len(names))
"""


def test_every_core_module_imports_without_the_web_stack() -> None:
    probe = _PROBE.format(blocked=set(WEB_PACKAGES))
    done = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_DIR, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) >= 4  # actor, acting, audit, store at least
