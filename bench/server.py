"""Start and stop gunicorn the way run.sh does (2 workers, 1 thread each), for Hostdesk and the floor."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKERS = 2
THREADS = 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_command(target: str, port: int) -> list[str]:
    """run.sh's command line (its defaults), with the app module and port given."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--threads", str(THREADS),
            "--access-logfile", "-", "--forwarded-allow-ips", "127.0.0.1", target]


def wait_until_up(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own local server)
                return
        except urllib.error.HTTPError:
            return  # it answers (a redirect to the login, a 404): up
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server at {url} did not start; see its log") from None
            time.sleep(0.2)


@contextmanager
def serve(target: str, env: dict[str, str], log_path: Path, probe: str = "/"):
    """Run gunicorn for `target` ("app:app") on a free port; yields its base URL and the master's pid."""
    port = free_port()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        process = subprocess.Popen(gunicorn_command(target, port), cwd=ROOT, env={**os.environ, **env},  # noqa: S603
                                   stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base + probe)
            yield base, process.pid
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
