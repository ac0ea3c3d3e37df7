"""Photo uploads: anything that is not a plain photo is refused with a message; a photo is re-encoded
without its metadata, stored under a random name, and served with nosniff."""
from __future__ import annotations

import io
import struct
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from hostdesk import clock
from hostdesk.auth.models import Role
from hostdesk.extensions import db
from hostdesk.lostfound.models import FoundItem
from hostdesk.settings import get_settings

from .world import _Parser


def _jpeg(gps: bool = False) -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    out = io.BytesIO()
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "N", 2: (52.0, 22.0, 0.0), 3: "E", 4: (4.0, 53.0, 0.0)}  # GPSInfo: Amsterdam
        exif[0x010F] = "SecretCam"  # Make
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height (a decompression bomb in disguise)."""
    out = io.BytesIO()
    Image.new("1", (1, 1)).save(out, "PNG")
    data = bytearray(out.getvalue())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
REFUSED = {
    "html-renamed.jpg": ("evil.jpg", HTML),
    "svg": ("drawing.svg", SVG),
    "pdf": ("scan.pdf", PDF),
    "20000x20000-png": ("huge.png", _png_claiming(20000, 20000)),
    "over-10-mb": ("big.jpg", _jpeg() + b"\0" * (10 * 1024 * 1024 + 1)),
    "over-request-limit": ("bigger.jpg", b"\xff\xd8" + b"\0" * (13 * 1024 * 1024)),
}


def _register_form(client) -> dict:
    page = client.get("/lost-found/new/umbrella").get_data(as_text=True)
    parser = _Parser("/lost-found/new/umbrella")
    parser.feed(page)
    form = next(f for f in parser.forms if f.enctype == "multipart/form-data")
    local = (clock.utcnow() - timedelta(minutes=10)).astimezone(get_settings().zone)
    data = {}
    for name, kind, options in form.fields:
        if kind == "select":
            data[name] = next((o for o in options if o), "")
        elif name.endswith("_answer"):
            data[name] = "Knirps"
    data.update(description="umbrella", storage_location="coat rack", where_found="table 4",
                found_at=local.strftime("%Y-%m-%dT%H:%M"))
    return {k: v for k, v in data.items() if not k.endswith("_prompt")}


def _items(app) -> list[FoundItem]:
    with app.app_context():
        return list(db.session.scalars(sa.select(FoundItem)))


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_unsafe_upload_is_refused_with_a_message(app, users, client_for, case):
    client = client_for(Role.STAFF)
    filename, content = REFUSED[case]
    data = {**_register_form(client), "photo": (io.BytesIO(content), filename)}
    response = client.post("/lost-found/new/umbrella", data=data, content_type="multipart/form-data",
                           headers={"Accept-Language": "en"})
    body = response.get_data(as_text=True)
    assert response.status_code in (400, 413, 422), (response.status_code, body[:300])
    assert any(m in body for m in ("could not be read as an image", "too many pixels", "larger than",
                                   "too large")), body[:2000]
    assert _items(app) == []
    folder = Path(app.config["UPLOAD_FOLDER"])
    assert not [p for p in folder.rglob("*") if p.is_file() and p.stat().st_size > 10 * 1024 * 1024]


def test_photo_is_re_encoded_without_metadata_under_a_random_name(app, users, client_for):
    client = client_for(Role.STAFF)
    upload = _jpeg(gps=True)
    assert Image.open(io.BytesIO(upload)).getexif().get(0x8825)  # the GPS data is really there
    data = {**_register_form(client), "photo": (io.BytesIO(upload), "../../../etc/evil name.jpg")}
    response = client.post("/lost-found/new/umbrella", data=data, content_type="multipart/form-data")
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
    (item,) = _items(app)
    assert item.photo_name and "evil" not in item.photo_name and "/" not in item.photo_name
    assert len(item.photo_name) >= 32 + len(".jpg")
    stored = Path(app.config["UPLOAD_FOLDER"]) / "lostfound" / item.photo_name
    assert stored.is_file() and stored.read_bytes() != upload
    assert not list(Path(app.config["UPLOAD_FOLDER"]).parent.rglob("evil*"))
    served = client.get(f"/lost-found/item/{item.id}/photo")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    image = Image.open(io.BytesIO(served.get_data()))
    assert image.format == "JPEG" and not image.getexif() and b"SecretCam" not in served.get_data()
    assert "exif" not in image.info and "icc_profile" not in image.info
