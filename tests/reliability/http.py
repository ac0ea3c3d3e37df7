"""A small HTTP client over urllib (cookies, CSRF token, htmx header) and a gunicorn runner,
for tests that talk to a real server: several threads or processes at once, real commits."""
from __future__ import annotations

import copy
import http.client
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')
ACCESS_FORMAT = '%(p)s %(s)s "%(r)s"'  # gunicorn's atoms: worker pid as <pid>, status, request line
ACCESS_LINE = re.compile(r'^<(\d+)> (\d{3}) "(.*)"$', re.MULTILINE)


@dataclass
class Answer:
    status: int
    body: str
    headers: dict[str, str]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One tablet: its own cookies and CSRF token; never follows redirects (the status is the answer)."""

    def __init__(self, base: str, language: str = "en"):
        self.base = base
        self.language = language
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self.csrf = ""

    def open(self, method: str, path: str, data: dict | None = None, htmx: bool = False,
             timeout: float = 30) -> Answer:
        body = urllib.parse.urlencode(data or {}, doseq=True).encode() if method == "POST" else None
        request = urllib.request.Request(self.base + path, data=body, method=method)  # noqa: S310 (http to 127.0.0.1)
        request.add_header("Accept-Language", self.language)
        if self.csrf:
            request.add_header("X-CSRFToken", self.csrf)
        if htmx:
            request.add_header("HX-Request", "true")
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return Answer(response.status, response.read().decode(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode(errors="replace"), dict(error.headers))
        except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
            return Answer(0, f"no answer: {error!r}", {})  # the connection broke: no answer at all

    def get(self, path: str, **kwargs) -> Answer:
        return self.open("GET", path, **kwargs)

    def post(self, path: str, data: dict | None = None, htmx: bool = True, **kwargs) -> Answer:
        return self.open("POST", path, data, htmx=htmx, **kwargs)

    def login(self, username: str, password: str, home: str = "/", **extra) -> Client:
        """Sign in through the login form; `extra` fields too (shared_tablet="y", device_name=...)."""
        page = self.get("/login").body
        token = CSRF_INPUT.search(page).group(1)
        answer = self.open("POST", "/login",
                           {"username": username, "password": password, "csrf_token": token, **extra})
        assert answer.status == 302, (answer.status, answer.body[:500])
        self.refresh_token(home)
        return self

    def same_cookies(self) -> Client:
        """Another client holding this one's cookies and CSRF token as they are now (a second tab, or
        a request sent before this client's next answer changed them)."""
        other = Client(self.base, self.language)
        for cookie in self.jar:
            other.jar.set_cookie(copy.copy(cookie))
        other.csrf = self.csrf
        return other

    def refresh_token(self, path: str) -> None:
        answer = self.get(path)
        assert answer.status == 200, (path, answer.status)
        self.csrf = CSRF_HEADER.search(answer.body).group(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):  # noqa: S310
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"{base} did not come up")


class Gunicorn:
    """gunicorn serving tests/reliability/wsgi.py (the real app, CSRF on) against `database_url`."""

    def __init__(self, database_url: str, upload_folder: str, workers: int = 2, threads: int = 4,
                 access_log: bool = False, extra: tuple[str, ...] = ()):
        """`access_log`: each answer is logged with the worker that gave it (see `answers`);
        `extra`: more gunicorn options."""
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "HOSTDESK_TEST_DATABASE_URL": database_url, "HOSTDESK_TEST_UPLOADS": upload_folder}
        self.log = Path(upload_folder) / f"gunicorn-{self.port}.log"
        self.access = Path(upload_folder) / f"access-{self.port}.log"
        self._log = self.log.open("w")
        logging = ["--access-logfile", str(self.access), "--access-logformat", ACCESS_FORMAT] if access_log else []
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--threads", str(threads), "--graceful-timeout", "2", *logging, *extra,
             "tests.reliability.wsgi:app"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        try:
            wait_until_up(self.base)
        except RuntimeError:
            self.stop()
            raise RuntimeError(self.log.read_text()) from None

    def answers(self) -> list[tuple[int, int, str]]:
        """(worker pid, status, request line) of every answer so far, oldest first (needs access_log)."""
        if not self.access.exists():
            return []
        return [(int(pid), int(status), line) for pid, status, line in ACCESS_LINE.findall(self.access.read_text())]

    def answered(self, count: int, seconds: float = 10) -> list[tuple[int, int, str]]:
        """The answers once there are at least `count` (a worker logs an answer just after sending it)."""
        deadline = time.monotonic() + seconds
        while len(found := self.answers()) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(found) >= count, (count, found[-5:])
        return found

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def __enter__(self) -> Gunicorn:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
