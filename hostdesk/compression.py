"""Response compression (Flask-Compress): pages, fragments, CSS and JavaScript leave the server
compressed with whatever the browser accepts (zstd, brotli or gzip), so the host page's first
load on a tablet stays small. Small bodies (under 500 bytes) and 204s go out as they are."""
from __future__ import annotations

from flask import Flask
from flask_compress import Compress

compress = Compress()


def register_compression(app: Flask) -> None:
    app.config.setdefault("COMPRESS_LEVEL", 6)  # gzip
    app.config.setdefault("COMPRESS_BR_LEVEL", 4)  # brotli: fast, and smaller than gzip 6
    compress.init_app(app)


def encode_once(body: bytes, cache: dict) -> tuple[str | None, bytes]:
    """`body` compressed for this request's Accept-Encoding, as Flask-Compress would, kept in `cache`
    (one entry per algorithm) so a body many tablets fetch is compressed once. Uses Flask-Compress's
    own chooser and compressors (module-level helpers of the pinned version) so both agree."""
    from flask import current_app, request
    from flask_compress.flask_compress import _choose_algorithm, _compress_data

    algorithm = _choose_algorithm(compress.enabled_algorithms, request.headers.get("Accept-Encoding", ""))
    if algorithm is None:
        return None, body
    if algorithm not in cache:
        cache[algorithm] = _compress_data(current_app._get_current_object(), body, algorithm)
    return algorithm, cache[algorithm]
