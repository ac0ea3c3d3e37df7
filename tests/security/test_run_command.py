"""run.sh as a newcomer and a restaurant start it: the demo on loopback as before, never the demo
logins on the network unless asked, a first-run page for a clean start, and HTTPS on request."""
from __future__ import annotations

import os
import re
import signal
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.reliability.http import ROOT, free_port

pytestmark = pytest.mark.slow


class RunSh:
    """./run.sh in its own process group, on an instance folder of its own (HOSTDESK_INSTANCE_PATH)."""

    def __init__(self, instance: Path, **env: str):
        self.port = free_port()
        self.instance = instance
        self.output = instance.parent / f"run-{self.port}.log"
        environment = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "HTTPS")}
        environment.update({"HOSTDESK_INSTANCE_PATH": str(instance), "PORT": str(self.port), "WORKERS": "1", **env})
        with self.output.open("w") as log:
            self.process = subprocess.Popen(["bash", str(ROOT / "run.sh")], cwd=ROOT, env=environment,  # noqa: S607
                                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def text(self) -> str:
        return self.output.read_text()

    def wait_until_serving(self, base: str, context: ssl.SSLContext | None = None, seconds: float = 180) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(self.text())
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2, context=context):  # noqa: S310
                    return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        raise AssertionError(self.text())

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(20)


def _open(base, path, context=None, data=None, cookie=""):
    # A browser sends the page it posts from (Flask-WTF checks it over HTTPS).
    headers = {"Cookie": cookie, "Accept-Language": "en", "Referer": base + path}
    request = urllib.request.Request(base + path, data=data, headers=headers)  # noqa: S310 (a local server)
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), _NoRedirect())
    try:
        return opener.open(request, timeout=10)
    except urllib.error.HTTPError as answer:
        return answer


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _cookie(answer) -> str:
    return "; ".join(value.split(";", 1)[0] for name, value in answer.headers.items() if name == "Set-Cookie")


def _sign_in(base, username, password, context=None):
    page = _open(base, "/login", context)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.read().decode()).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "username": username, "password": password}).encode()
    return _open(base, "/login", context, body, _cookie(page))


def test_a_fresh_demo_on_loopback_works_as_before_with_the_demo_band(tmp_path):
    run = RunSh(tmp_path / "instance")
    try:
        base = f"http://127.0.0.1:{run.port}"
        run.wait_until_serving(base)
        login = _open(base, "/login").read().decode()
        assert "Demo data." in login and "host, manager, staff" in login
        assert _sign_in(base, "manager", "demo-manager").status == 302
    finally:
        run.stop()
    assert "manager / demo-manager / 3333" in run.text()


def test_the_demo_logins_are_not_served_on_the_network(tmp_path):
    run = RunSh(tmp_path / "instance", HOST="0.0.0.0")  # noqa: S104 (refused before anything listens)
    assert run.process.wait(180) == 1
    text = run.text()
    assert "Not serving on 0.0.0.0: the demo logins (host, manager, staff) still work" in text
    assert "HOSTDESK_DEMO=0 HOST=0.0.0.0 ./run.sh" in text and "HOSTDESK_DEMO_ON_NETWORK=1" in text
    assert "Listening at" not in text


def test_a_clean_start_leads_to_the_first_run_page_with_a_one_time_code(tmp_path):
    run = RunSh(tmp_path / "instance", HOSTDESK_DEMO="0")
    try:
        base = f"http://127.0.0.1:{run.port}"
        run.wait_until_serving(base)
        assert re.search(r"one-time code [0-9A-F]{5}-[0-9A-F]{5}", run.text())
        assert _open(base, "/login").headers["Location"] == "/setup"
        page = _open(base, "/setup")
        html = page.read().decode()
        assert "create the first manager" in html and "Demo data." not in html
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        body = urllib.parse.urlencode({"csrf_token": token, "username": "anna", "display_name": "Anna",
                                       "password": "a-long-pass-phrase", "repeat_password": "a-long-pass-phrase"})
        assert _open(base, "/setup", data=body.encode(), cookie=_cookie(page)).headers["Location"] == "/login"
        assert _sign_in(base, "anna", "a-long-pass-phrase").status == 302
        assert _open(base, "/setup").status == 404
    finally:
        run.stop()
    assert not (tmp_path / "instance" / "first_run_code").exists()


def test_https_on_request_with_a_local_authority_secure_cookies_and_hsts(tmp_path):
    run = RunSh(tmp_path / "instance", HTTPS="1")
    try:
        tls = tmp_path / "instance" / "tls"
        base = f"https://127.0.0.1:{run.port}"
        deadline = time.monotonic() + 180
        while not (tls / "server.crt").exists() and time.monotonic() < deadline:
            time.sleep(0.3)
        context = ssl.create_default_context(cafile=str(tls / "hostdesk-ca.crt"))
        run.wait_until_serving(base, context)
        login = _open(base, "/login", context)
        assert "max-age=" in login.headers["Strict-Transport-Security"]
        assert "Secure" in login.headers["Set-Cookie"]
        signed_in = _sign_in(f"https://localhost:{run.port}", "manager", "demo-manager", context)
        assert signed_in.status == 302 and "Secure" in signed_in.headers["Set-Cookie"]
        authority = _open(base, "/hostdesk-ca.crt", context)
        assert authority.read() == (tls / "hostdesk-ca.crt").read_bytes()
        with pytest.raises(urllib.error.URLError):  # without the authority, the certificate is not trusted
            urllib.request.urlopen(base + "/healthz", timeout=5)  # noqa: S310
    finally:
        run.stop()
    for path in tls.iterdir():
        assert oct(path.stat().st_mode & 0o777) == "0o600", path
    assert oct(tls.stat().st_mode & 0o777) == "0o700"
