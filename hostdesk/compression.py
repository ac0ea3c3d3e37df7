"""Response compression (Flask-Compress): pages, fragments, CSS and JavaScript leave the server
compressed with whatever the browser accepts (zstd, brotli or gzip), so the host page's first
load on a tablet stays small. Small bodies (under 500 bytes) and 204s go out as they are."""
from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask_compress import Compress

compress = Compress()


def register_compression(app: Flask) -> None:
    app.config.setdefault("COMPRESS_LEVEL", 6)  # gzip
    app.config.setdefault("COMPRESS_BR_LEVEL", 4)  # brotli: fast, and smaller than gzip 6
    compress.init_app(app)


def _choose(algorithms) -> str | None:
    """Flask-Compress's own choice for this request's Accept-Encoding among `algorithms` (a
    module-level helper of the pinned version, so both agree)."""
    from flask_compress.flask_compress import _choose_algorithm

    return _choose_algorithm(algorithms, request.headers.get("Accept-Encoding", ""))


def _compressed(body: bytes, algorithm: str) -> bytes:
    from flask_compress.flask_compress import _compress_data

    return _compress_data(current_app._get_current_object(), body, algorithm)


def encode_once(body: bytes, cache: dict) -> tuple[str | None, bytes]:
    """`body` compressed for this request's Accept-Encoding, as Flask-Compress would, kept in `cache`
    (one entry per algorithm) so a body many tablets fetch is compressed once."""
    algorithm = _choose(compress.enabled_algorithms)
    if algorithm is None:
        return None, body
    if algorithm not in cache:
        cache[algorithm] = _compressed(body, algorithm)
    return algorithm, cache[algorithm]


def around_once(head: str, body: bytes, cache: dict, tail: str) -> Response:
    """A page made of a small per-request `head` and `tail` around a large `body` that many requests
    share (the board): with zstd the response is three zstd frames, the body's compressed once and
    kept in `cache` (encode_once's cache), so a page costs compressing a few KB instead of the
    whole board. A zstd stream may hold several frames, decoded one after the other (RFC 8878,
    section 3.1; Chromium and Firefox do). Other encodings: the whole page, by Flask-Compress."""
    if _choose(compress.enabled_algorithms) != "zstd":
        return Response(head.encode() + body + tail.encode(), mimetype="text/html")
    if "zstd" not in cache:
        cache["zstd"] = _compressed(body, "zstd")
    response = Response(_compressed(head.encode(), "zstd") + cache["zstd"] + _compressed(tail.encode(), "zstd"),
                        mimetype="text/html")
    response.headers["Content-Encoding"] = "zstd"  # Flask-Compress leaves an encoded response as it is
    response.headers["Vary"] = "Accept-Encoding"
    return response
