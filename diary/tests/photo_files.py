"""Photo files for the photo tests, made with Pillow: plain ones, one with a camera's EXIF and GPS, and the
files a photo upload must refuse (a bomb, polyglots, a cut-short JPEG)."""

import io
import random
import struct
import zipfile
import zlib

import pillow_heif
from PIL import Image

pillow_heif.register_heif_opener()

ORIENTATION = 0x0112
MAKE = 0x010F
GPS_IFD = 0x8825
EXIF_IFD = 0x8769
DATE_TIME_ORIGINAL = 0x9003
TAKEN = "2024:05:06 07:08:09"
RED, BLUE = (220, 20, 20), (20, 20, 220)


def image_bytes(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def jpeg(width: int = 40, height: int = 20, colour=RED) -> bytes:
    return image_bytes(Image.new("RGB", (width, height), colour), "JPEG", quality=90)


def png(width: int = 40, height: int = 20, colour=BLUE) -> bytes:
    return image_bytes(Image.new("RGB", (width, height), colour), "PNG")


def noise_png(side: int, seed: int = 1) -> bytes:
    """A PNG of random pixels, which does not compress: about 3 x side² bytes."""
    pixels = random.Random(seed).randbytes(side * side * 3)
    return image_bytes(Image.frombytes("RGB", (side, side), pixels), "PNG", compress_level=1)


def noise_jpeg(side: int = 256, seed: int = 2) -> bytes:
    pixels = random.Random(seed).randbytes(side * side * 3)
    return image_bytes(Image.frombytes("RGB", (side, side), pixels), "JPEG", quality=95)


def camera_jpeg() -> bytes:
    """A 40x20 JPEG as a phone writes it: held sideways (orientation 6, shown turned a quarter clockwise),
    with where it was taken (GPS), the device and the time. Left half red, right half blue."""
    image = Image.new("RGB", (40, 20), RED)
    image.paste(BLUE, (20, 0, 40, 20))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[MAKE] = "PhoneMaker"
    exif.get_ifd(EXIF_IFD)[DATE_TIME_ORIGINAL] = TAKEN
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (52.0, 13.0, 37.5), 3: "E", 4: (21.0, 0.0, 42.0)})
    data = image_bytes(image, "JPEG", quality=95, exif=exif)
    with Image.open(io.BytesIO(data)) as check:  # what the test relies on is really in the file
        assert check.getexif().get_ifd(GPS_IFD)[1] == "N" and check.getexif()[ORIENTATION] == 6
    return data


def heic(width: int = 64, height: int = 48) -> bytes:
    return image_bytes(Image.new("RGB", (width, height), RED), "HEIF")


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims width x height pixels: decoding it would take 30 GB."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", pixels) + _png_chunk(b"IEND", b"")


def jpeg_with_script() -> bytes:
    return jpeg() + b"<script>alert(document.cookie)</script>"


def jpeg_with_zip() -> bytes:
    """A JPEG that is also a ZIP archive (the archive appended; unzip reads it from the end)."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("payload.txt", "not a photo")
    return jpeg() + archive.getvalue()


SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<rect width="10" height="10" fill="red"/></svg>')
TEXT = b"Dear diary, this is not a photo at all.\n" * 20


def truncated_jpeg() -> bytes:
    data = noise_jpeg()
    return data[: len(data) * 2 // 3]


def upload_file(name: str = "photo.jpg", data: bytes | None = None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, jpeg() if data is None else data)


SECRET = b"Elm Street 5"


def with_metadata(fmt: str) -> bytes:
    """A picture in `fmt` carrying SECRET in every kind of metadata the format has (EXIF with GPS, XMP,
    comments, text chunks), and an animated GIF."""
    from PIL import PngImagePlugin

    exif = Image.Exif()
    exif[MAKE] = SECRET.decode()
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (52.0, 13.0, 37.5)})
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + SECRET + b"</x:xmpmeta>"
    image = Image.new("RGB", (30, 20), RED)
    if fmt == "JPEG":
        return image_bytes(image, "JPEG", exif=exif, xmp=xmp, comment=SECRET)
    if fmt == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Location", SECRET.decode())
        text.add_itxt("XML:com.adobe.xmp", xmp.decode())
        return image_bytes(image, "PNG", exif=exif, pnginfo=text)
    if fmt == "WEBP":
        return image_bytes(image, "WEBP", exif=exif, xmp=xmp)
    if fmt == "GIF":
        return image_bytes(image, "GIF", comment=SECRET)
    if fmt == "animated GIF":
        frames = [Image.new("RGB", (30, 20), colour) for colour in (RED, BLUE, (20, 200, 20))]
        return image_bytes(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=120, loop=0,
                           comment=SECRET)
    if fmt == "HEIF":
        return image_bytes(image, "HEIF", exif=exif, xmp=xmp)
    raise ValueError(fmt)
