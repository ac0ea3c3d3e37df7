"""Photos of found items: checked to be real images, resized, stripped of metadata, re-encoded.

The file is saved as a fresh JPEG under a random name in UPLOAD_FOLDER/lostfound (the folder
the backup note points at). Only the pixels are kept: EXIF (GPS), XMP, IPTC, JPEG and GIF comments,
PNG text chunks and the ICC profile (its colours converted to sRGB first) are all dropped.
"""
from __future__ import annotations

import io
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from ..errors import ValidationFailed

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 1600
FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO", "HEIF"}


def photo_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "lostfound"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _refuse() -> ValidationFailed:
    return ValidationFailed(_l("The photo could not be read as an image. Take it again, or leave it out."))


def _too_large() -> ValidationFailed:
    return ValidationFailed(_l("The photo is larger than %(mb)d MB.", mb=MAX_BYTES // (1024 * 1024)))


def read_upload(upload) -> bytes | None:
    """The uploaded file's bytes (None when no file was chosen); one over MAX_BYTES is refused unread."""
    if not upload or not getattr(upload, "filename", ""):
        return None
    stream = upload.stream
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size > MAX_BYTES:
        raise _too_large()
    return upload.read()


def clean_photo(data: bytes) -> bytes:
    """A re-encoded JPEG of at most MAX_SIDE pixels a side, without any metadata."""
    if not data:
        raise _refuse()
    if len(data) > MAX_BYTES:
        raise _too_large()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in FORMATS:
                raise _refuse()
            width, height = probe.size
            if width * height > MAX_PIXELS or width < 1 or height < 1:
                raise ValidationFailed(_l("The photo has too many pixels."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image = _in_srgb(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            pixels = Image.new("RGB", image.size)  # a new image: no info dict, so no comment, XMP or ICC
            pixels.paste(image)
            out = io.BytesIO()
            pixels.save(out, "JPEG", quality=82, optimize=True)
            return out.getvalue()
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise _refuse() from None


def _in_srgb(image: Image.Image) -> Image.Image:
    """RGB pixels; an embedded colour profile is applied first where Pillow can, so dropping it keeps
    the colours (a profile that cannot be read is simply left out)."""
    icc = image.info.get("icc_profile")
    if image.mode not in ("RGB", "L", "RGBA", "CMYK", "P", "LA", "I;16"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            mode = image.mode if image.mode in ("RGB", "CMYK", "L") else "RGB"
            image = ImageCms.profileToProfile(image.convert(mode), source, ImageCms.createProfile("sRGB"),
                                              outputMode="RGB")
        except (OSError, ValueError, ImageCms.PyCMSError):
            pass
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        return flat
    return image.convert("RGB")


def save_photo(data: bytes) -> str:
    """Clean and store the photo; returns its new random file name."""
    cleaned = clean_photo(data)
    name = f"{secrets.token_hex(16)}.jpg"
    (photo_folder() / name).write_bytes(cleaned)
    return name


def photo_path(name: str) -> Path | None:
    if not name or not name.endswith(".jpg") or "/" in name or "\\" in name:
        return None
    path = photo_folder() / name
    return path if path.is_file() else None
