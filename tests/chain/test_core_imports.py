"""The domain core knows no HTTP: every module of chain/ imports with the web stack made unimportable."""

from __future__ import annotations

from tests.blocked_imports import run_without

WEB_PACKAGES = ("starlette", "sqladmin", "console", "wtforms", "jinja2", "uvicorn", "anyio")

# Every module of the core, imported one by one; prints how many there are.
_IMPORT_THE_CORE = """
import importlib, pkgutil
import chain
names = sorted(m.name for m in pkgutil.walk_packages(chain.__path__, "chain."))
for name in names:
    importlib.import_module(name)
print(len(names))
"""


def test_every_core_module_imports_without_the_web_stack() -> None:
    done = run_without(WEB_PACKAGES, "the core", _IMPORT_THE_CORE)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) >= 4  # actor, acting, audit, store at least
