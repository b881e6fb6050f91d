"""Reading an uploaded photo: what it is (judged by its bytes, never its name), whether it is safe, and a
clean copy to keep (docs/photos.md, Formats and safety).

Pillow decodes; every photo is drawn again upright (the EXIF orientation applied) and saved without its
EXIF, GPS, XMP and comments, so what is stored says nothing about where it was taken or by what device.
The taking time may be kept, as a field of its own. The decompression-bomb guard is PHOTO_MAX_PIXELS,
checked from the header before any pixel is decoded.
"""

import io
import tempfile
import warnings
from dataclasses import dataclass
from datetime import datetime
from typing import IO

import pillow_heif
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

pillow_heif.register_heif_opener()

# Pillow's format → what is stored. HEIC is kept as JPEG: most browsers cannot show HEIC.
# MPO is a JPEG with a multi-picture index (many phones and cameras write one): its first picture is kept.
STORED_AS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "GIF", "HEIF": "JPEG"}
# The decoders asked to open a file (Pillow's JPEG decoder itself says MPO when the file is one).
OPEN_FORMATS = ["JPEG", "PNG", "WEBP", "GIF", "HEIF"]
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}
THUMBNAIL_SIZES = (320, 1280)
GIF_FRAMES_MAX = 300
_SCAN_BYTES = 1024 * 1024
# What a picture file never holds but a page does: such a file is a polyglot. Each is six bytes or more,
# compared in lower case, so that the compressed pixels of a 20 MB photo hold one by chance about once in
# 100,000 photos at worst (a four-byte "<svg" would turn up in one photo of 200).
_MARKUP = (b"<script", b"<html>", b"<html ", b"<!doctype html", b"<svg xmlns", b"<?php ", b"<?php\n",
           b"<iframe", b"onerror=", b"onload=")
_ZIP_END = b"PK\x05\x06"
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif"}
_ZIP_END_BYTES = 22
_EXIF_IFD = 0x8769
_ORIENTATION = 0x0112
_DATE_TIME_ORIGINAL = 0x9003
_DATE_TIME = 0x0132


class PhotoRefused(Exception):
    """A file that is not a photo we keep; `message` says why, in the user's language."""

    def __init__(self, message, *, code: str):
        super().__init__(str(message))
        self.message = message
        self.code = code


@dataclass
class PreparedPhoto:
    data: IO[bytes]  # the clean copy, at position 0; the caller closes it
    content_type: str
    width: int
    height: int
    byte_size: int
    taken_at: datetime | None  # as the camera's clock read it (naive)


NOT_A_PHOTO = _("This file is not a photo we can keep: use JPEG, PNG, WebP, GIF or HEIC.")
DAMAGED = _("This photo is damaged or cut short, so it cannot be read.")


def _scan_for_other_content(source: IO[bytes]) -> None:
    """Refuse a file that is also a page, a script or an archive (a polyglot), whatever its picture says."""
    source.seek(0)
    tail = b""
    while True:
        chunk = source.read(_SCAN_BYTES)
        if not chunk:
            break
        window = (tail + chunk).lower()
        if any(marker in window for marker in _MARKUP):
            raise PhotoRefused(_("This file holds more than a photo (a page or a script), so it is not kept."),
                               code="polyglot")
        tail = window[-16:]
    size = source.tell()
    source.seek(max(0, size - 65_535 - _ZIP_END_BYTES))
    end = source.read()
    at = end.rfind(_ZIP_END)
    while at != -1:
        comment = int.from_bytes(end[at + 20:at + 22], "little")
        if at + _ZIP_END_BYTES + comment == len(end):
            raise PhotoRefused(_("This file holds more than a photo (an archive), so it is not kept."),
                               code="polyglot")
        at = end.rfind(_ZIP_END, 0, at)
    source.seek(0)


def _taken_at(image: Image.Image) -> datetime | None:
    try:
        exif = image.getexif()
        value = exif.get_ifd(_EXIF_IFD).get(_DATE_TIME_ORIGINAL) or exif.get(_DATE_TIME)
        if isinstance(value, bytes):
            value = value.decode("ascii", "replace")
        return datetime.strptime(str(value).strip("\x00 "), "%Y:%m:%d %H:%M:%S") if value else None
    except MemoryError:
        raise
    except Exception:
        return None


def _open(source: IO[bytes]) -> Image.Image:
    """The image, checked against the pixel limit before anything is decoded."""
    limit = settings.PHOTO_MAX_PIXELS
    Image.MAX_IMAGE_PIXELS = limit  # Pillow's own guard, as a second line (it refuses at twice this)
    too_large = PhotoRefused(
        _("This photo has too many pixels (at most %(megapixels)s million).") % {"megapixels": limit // 1_000_000},
        code="too_many_pixels",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(source, formats=OPEN_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except MemoryError:
        raise
    except Exception:
        raise PhotoRefused(NOT_A_PHOTO, code="not_a_photo") from None
    if image.format not in STORED_AS:
        raise PhotoRefused(NOT_A_PHOTO, code="not_a_photo")
    if image.width < 1 or image.height < 1 or image.width * image.height > limit:
        raise too_large
    try:
        frames = getattr(image, "n_frames", 1) if image.format == "GIF" else 1
    except MemoryError:
        raise
    except Exception:
        raise PhotoRefused(DAMAGED, code="damaged") from None
    if frames > GIF_FRAMES_MAX:
        raise PhotoRefused(_("This animation has too many frames (at most %(frames)s).") % {"frames": GIF_FRAMES_MAX},
                           code="too_many_frames")
    # Every frame of an animation is drawn on the whole canvas: the budget is the pixels of all of them.
    if frames * image.width * image.height > limit:
        raise too_large
    return image


def _sniff(source: IO[bytes]) -> None:
    """The file must begin as a picture of a kept format does, whatever its name says (SVG and the rest do not)."""
    source.seek(0)
    head = source.read(16)
    source.seek(0)
    picture = (head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a"))
               or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
               or (head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS))
    if not picture:
        raise PhotoRefused(NOT_A_PHOTO, code="not_a_photo")


def photo_prepare(source: IO[bytes]) -> PreparedPhoto:
    """A clean copy of an uploaded photo, or PhotoRefused saying why not."""
    _sniff(source)
    _scan_for_other_content(source)
    image = _open(source)
    stored_as = STORED_AS[image.format]
    animated = stored_as == "GIF" and getattr(image, "n_frames", 1) > 1
    taken_at = _taken_at(image)
    out = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115 - handed to the caller
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            if animated:
                # Frames are copied as they are: an animation keeps its timing, loses its comments.
                image.save(out, format="GIF", save_all=True, optimize=False, comment=b"",
                           duration=image.info.get("duration"), loop=image.info.get("loop", 0))
                width, height = image.size
            else:
                # Turned only when the camera says so: exif_transpose copies even an upright photo.
                turned = image.getexif().get(_ORIENTATION, 1) in range(2, 9)
                upright = (ImageOps.exif_transpose(image) or image) if turned else image
                upright = _for_format(upright, stored_as)
                width, height = upright.size
                upright.save(out, **_save_options(stored_as, icc=image.info.get("icc_profile")))
    except PhotoRefused:
        out.close()
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        out.close()
        raise PhotoRefused(_("This photo has too many pixels (at most %(megapixels)s million).") % {
            "megapixels": settings.PHOTO_MAX_PIXELS // 1_000_000}, code="too_many_pixels") from None
    except MemoryError:
        out.close()
        raise
    except Exception:
        out.close()
        raise PhotoRefused(DAMAGED, code="damaged") from None
    finally:
        image.close()
    size = out.tell()
    out.seek(0)
    return PreparedPhoto(data=out, content_type=CONTENT_TYPES[stored_as], width=width, height=height,
                         byte_size=size, taken_at=taken_at)


def _for_format(image: Image.Image, stored_as: str) -> Image.Image:
    if stored_as == "JPEG" and image.mode not in ("RGB", "L"):
        return image.convert("RGB")
    if stored_as == "WEBP" and image.mode not in ("RGB", "RGBA"):
        return image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    if stored_as == "GIF" and image.mode not in ("P", "L"):
        return image.convert("P")
    return image


def _save_options(stored_as: str, *, icc: bytes | None) -> dict:
    # Nothing but pixels and the colour profile is written: no exif=, no comment, no XMP.
    options: dict = {"format": stored_as}
    if stored_as in ("JPEG", "GIF"):
        # Pillow writes the comment it read unless told otherwise (an empty one is not written).
        options["comment"] = b""
    if icc and stored_as in ("JPEG", "PNG", "WEBP"):
        options["icc_profile"] = icc
    if stored_as == "JPEG":
        options.update(quality=92)  # optimize=True: twice the time and more memory for some 2 % fewer bytes
    elif stored_as == "WEBP":
        options.update(quality=92, method=4)
    elif stored_as == "PNG":
        options.update(optimize=False)
    return options


def thumbnails_make(source: IO[bytes], sizes: tuple[int, ...] = THUMBNAIL_SIZES) -> dict[int, io.BytesIO]:
    """WebPs at most each of `sizes` pixels on their longer side (the first frame of an animation).

    The photo is decoded once, a JPEG already scaled down while it is read (Pillow's draft mode), and each
    smaller thumbnail is made from the one before: a 12-megapixel photo in about half the time and memory
    of decoding it whole for each size.
    """
    made = {}
    with Image.open(source, formats=list(CONTENT_TYPES)) as image:
        image.seek(0)
        icc = image.info.get("icc_profile")
        if image.format == "JPEG":
            image.draft("RGB", (max(sizes), max(sizes)))
        frame = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB")
    for size in sorted(sizes, reverse=True):
        frame.thumbnail((size, size), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        frame.save(out, format="WEBP", quality=80, method=4, icc_profile=icc)
        out.seek(0)
        made[size] = out
    return made
