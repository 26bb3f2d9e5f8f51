"""An official's browser against a server on loopback: its cookies, the login form, the POST search.

The console runs with ENVIRONMENT=production, so its session cookie is `Secure`, and an HTTP client keeps such a
cookie from a plain-HTTP loopback server. The browser here keeps the cookies itself (name -> value from every
Set-Cookie) and sends them back, as a browser behind the TLS proxy of a real deployment would.
"""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

import httpx2 as httpx

from demo import DEMO_PASSWORD

_META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]*)">')
TIMEOUT = httpx.Timeout(60.0)


class Browser:
    """One keep-alive connection to `base`, with its own cookies."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.client = httpx.Client(base_url=base, timeout=TIMEOUT, follow_redirects=False)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **options: object) -> httpx.Response:
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        if method == "POST":
            headers["Origin"] = self.base
        response = self.client.request(method, path, headers=headers, **options)  # type: ignore[arg-type]
        self.client.cookies.clear()  # ours are in self.cookies
        for header in response.headers.get_list("set-cookie"):
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, path: str) -> httpx.Response:
        return self.request("GET", path)

    def csrf_token(self, path: str = "/admin/login") -> str:
        found = _META_TOKEN.search(self.get(path).text)
        if found is None:
            raise RuntimeError(f"{path} carries no CSRF token")
        return found.group(1)

    def log_in(self, username: str, password: str = DEMO_PASSWORD) -> Browser:
        form = {"username": username, "password": password, "csrf_token": self.csrf_token()}
        response = self.request("POST", "/admin/login", data=form)
        if response.status_code != 302:
            raise RuntimeError(f"login of {username} answered {response.status_code}")
        return self

    def search(self, view: str, term: str) -> str:
        """POST the search box of `view`'s list (the term stays out of the URL); returns the results page's path."""
        form = {"term": term, "csrf_token": self.csrf_token(f"/admin/{view}/list")}
        response = self.request("POST", f"/admin/{view}/search", data=form)
        if response.status_code not in (302, 303):
            raise RuntimeError(f"search on {view} answered {response.status_code}")
        location = response.headers["location"]
        return location.removeprefix(self.base)

    def close(self) -> None:
        self.client.close()
