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
