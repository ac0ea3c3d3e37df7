"""Talking to a served Hostdesk as a tablet or a manager does: the login form (a shared tablet's
enrolment too), the session cookie, the CSRF token and the board token from the page."""
from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request
from dataclasses import dataclass

CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')
VERSION = re.compile(r'data-version="([^"]+)"')  # the board token a tablet polls with
COOKIE = "hostdesk"
ACCEPT_ENCODING = "gzip, deflate, br, zstd"  # what Chromium sends
LOCAL = "127.0.0.1"


def local_base(base: str) -> str:
    """`base` without a trailing slash; refused unless it is this machine (the bench loads nothing else)."""
    parts = urllib.parse.urlsplit(base)
    if parts.scheme != "http" or parts.hostname != LOCAL:
        raise ValueError(f"the bench only sends requests to http://{LOCAL}, not {base}")
    return base.rstrip("/")


def decoded(body: bytes, encoding: str) -> bytes:
    """The body as the app wrote it, from the bytes as sent (a zstd body may hold several frames)."""
    import gzip

    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        import brotli

        return brotli.decompress(body)
    if encoding == "zstd":
        try:
            from compression import zstd  # Python 3.14
        except ImportError:
            from backports import zstd

        return zstd.decompress(body)
    return body


@dataclass
class Login:
    base: str
    cookie: str  # the session cookie's value
    csrf: str
    token: str  # the board token of the page the login landed on ("" when it is no board)
    opener: urllib.request.OpenerDirector

    def headers(self) -> dict[str, str]:
        return {"Cookie": f"{COOKIE}={self.cookie}", "Accept-Encoding": ACCEPT_ENCODING}


def login(base: str, username: str, password: str, tablet: str | None = None, landing: str = "") -> Login:
    """Sign in through the login form; with `tablet`, as a shared tablet of that name (enrolled).
    It lands on the role's home page, or on `landing` (a path) when given."""
    base = local_base(base)
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/login", timeout=60) as response:  # noqa: S310 (this machine, local_base)
        token = CSRF_INPUT.search(response.read().decode()).group(1)
    fields = {"csrf_token": token, "username": username, "password": password}
    if tablet:
        fields.update(shared_tablet="y", device_name=tablet)
    form = urllib.parse.urlencode(fields).encode()
    target = base + "/login" + (f"?{urllib.parse.urlencode({'next': landing})}" if landing else "")
    with opener.open(target, data=form, timeout=60) as response:  # noqa: S310
        page = response.read().decode("utf-8", "replace")
    cookie = next((c for c in jar if c.name == COOKIE), None)
    csrf = CSRF_HEADER.search(page)
    if cookie is None or csrf is None:
        raise RuntimeError(f"could not log in as {username} at {base}")
    version = VERSION.search(page)
    return Login(base, cookie.value, csrf.group(1), version.group(1) if version else "", opener)
