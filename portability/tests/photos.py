"""Small real photos for the tests, made with Pillow: a JPEG that says where and when it was taken, a PNG."""

import hashlib
import io

from PIL import Image

GPS_IFD = 0x8825
EXIF_IFD = 0x8769
DATE_TIME_ORIGINAL = 0x9003


def jpeg_with_gps(size: tuple[int, int] = (40, 30), colour: tuple[int, int, int] = (200, 80, 40)) -> bytes:
    """A JPEG whose EXIF holds a GPS position (Warsaw) and the moment it was taken."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (52.0, 13.0, 56.0), 3: "E", 4: (21.0, 0.0, 41.0)})
    exif.get_ifd(EXIF_IFD)[DATE_TIME_ORIGINAL] = "2023:05:01 10:20:30"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=95)
    return out.getvalue()


def png(size: tuple[int, int] = (16, 12)) -> bytes:
    """A PNG with a different colour in every pixel, so that its pixels can be compared exactly."""
    image = Image.new("RGB", size)
    image.putdata([(x * 13 % 256, y * 17 % 256, (x + y) * 7 % 256) for y in range(size[1]) for x in range(size[0])])
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def has_gps(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        return bool(image.getexif().get_ifd(GPS_IFD))


def pixels(data: bytes) -> tuple[tuple[int, int], bytes]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size, image.convert("RGB").tobytes()


def md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()
