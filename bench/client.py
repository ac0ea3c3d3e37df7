"""Log in to a running Hostdesk over HTTP once, and hand wrk the session cookie and CSRF token."""
from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request
from dataclasses import dataclass

CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')
COOKIE = "hostdesk"
ACCEPT_ENCODING = "gzip, deflate, br, zstd"  # what Chromium sends


@dataclass
class Login:
    base: str
    cookie: str  # "hostdesk=..."
    csrf: str
    opener: urllib.request.OpenerDirector

    def headers(self, post: bool = False) -> dict[str, str]:
        headers = {"Cookie": self.cookie, "Accept-Encoding": ACCEPT_ENCODING}
        if post:
            headers.update({"X-CSRFToken": self.csrf, "HX-Request": "true",
                            "Content-Type": "application/x-www-form-urlencoded"})
        return headers

    def get(self, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
        """GET with gzip accepted; returns status, headers and the bytes as sent (compressed or not)."""
        request = urllib.request.Request(self.base + path, headers={"Accept-Encoding": ACCEPT_ENCODING, **headers})  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()


def text_of(headers: dict[str, str], body: bytes) -> str:
    from .inprocess import decoded

    return decoded(body, headers.get("Content-Encoding", "")).decode("utf-8", "replace")


def login(base: str, username: str, password: str) -> Login:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/login", timeout=30) as response:  # noqa: S310 (local server)
        token = CSRF_INPUT.search(response.read().decode()).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "username": username, "password": password}).encode()
    with opener.open(base + "/login", data=form, timeout=30) as response:  # noqa: S310
        page = response.read().decode("utf-8", "replace")
    cookie = next((c for c in jar if c.name == COOKIE), None)
    match = CSRF_HEADER.search(page)
    if cookie is None or match is None:
        raise RuntimeError(f"could not log in as {username} at {base}")
    return Login(base, f"{COOKIE}={cookie.value}", match.group(1), opener)
