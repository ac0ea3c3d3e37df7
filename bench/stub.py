"""A stand-in for Hostdesk that answers as its host board does, at almost no cost: for measuring
what the load generator itself can send (python -m bench --generator-check).

The board's version moves on 25 times a second, as with a tap every 40 ms; a poll with the
current token answers 204, any other the board fragment (as large as the bench's, zstd as the
app sends it to Chromium) with its token; a tap answers a small 200; the page the fragment too.
"""
from __future__ import annotations

import re
import time

CHANGES_PER_SECOND = 25
TOKEN = re.compile(r"(?:^|&)v=([^&]*)")
CARD = '<article class="card" data-reservation-id="{n}"><h3>Party {n}</h3><p>{n} guests at 19:30</p></article>\n'


def _zstd(body: bytes) -> bytes:
    try:
        from compression import zstd  # Python 3.14
    except ImportError:
        from backports import zstd

    return zstd.compress(body, 3)


class Board:
    """The fragment of one version, compressed once."""

    def __init__(self):
        self.version, self.body = None, b""

    def current(self) -> str:
        return str(int(time.time() * CHANGES_PER_SECOND))

    def fragment(self, version: str) -> bytes:
        if version != self.version:
            cards = "".join(CARD.format(n=n) for n in range(1500))  # about the bench board's 150 KB
            html = f'<div id="board" data-version="{version}">\n{cards}</div>\n'
            self.version, self.body = version, _zstd(html.encode())
        return self.body


BOARD = Board()


def app(environ, start_response):
    path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
    version = BOARD.current()
    if method == "POST":
        start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", "2")])
        return [b"ok"]
    if path == "/host/board/poll":
        match = TOKEN.search(environ.get("QUERY_STRING", ""))
        if match and match.group(1) == version:
            start_response("204 No Content", [])
            return [b""]
    body = BOARD.fragment(version)
    start_response("200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "zstd"),
                              ("Content-Length", str(len(body)))])
    return [body]
