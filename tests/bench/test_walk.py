"""The host action's wrk script walks its pool once a round: every step sent once, the round's own
length measured (bench/lua/walk.lua with report.lua), against a small HTTP server in the test."""
from __future__ import annotations

import shutil
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import load
from bench.run import walk_env

pytestmark = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (test.sh installs it)")


class Recorder(BaseHTTPRequestHandler):
    seen: Counter = Counter()
    lock = threading.Lock()

    def do_POST(self):  # noqa: N802 (http.server's name)
        with self.lock:
            self.seen[self.path] += 1
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Recorder.seen = Counter()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("parties", [3, 40])  # fewer parties than connections, and more
def test_a_round_sends_every_step_once_and_ends_when_the_last_is_answered(server, tmp_path, parties):
    ids = list(range(101, 101 + parties))
    walk = load.script("walk", "report", directory=tmp_path)
    run = load.wrk(server + "/", 2, {}, walk, env=walk_env(ids))
    expected = {f"/host/reservations/{i}/{step}" for i in ids for step in ("arrive", "greet")}
    assert Recorder.seen == Counter(dict.fromkeys(expected, 1))
    assert run.requests == 2 * parties and run.statuses == Counter({200: 2 * parties})
    assert 0 < run.duration_us < 1_000_000  # the walk's own length, not wrk's 2 seconds
    assert run.rps > 2 * parties / 2


def test_a_round_longer_than_wrks_run_ends_at_its_deadline(server, tmp_path):
    walk = load.script("walk", "report", directory=tmp_path)
    run = load.wrk(server + "/", 1, {}, walk, env=walk_env(list(range(1, 10_001))))
    assert 0 < run.requests < 20_000  # a Python server in the test answers a few thousand a second
    assert max(Recorder.seen.values()) == 1  # no step twice
    assert run.duration_us >= 1_000_000
