"""What a close read of the photo code found, each kept from coming back: keys of their own for a photo's files,
animations whose frames add up to a bomb, files that break decoders in unexpected ways, image-only Accept
headers, multi-picture JPEGs, thumbnails that never came, and an import that one bad photo must not fail."""

import io
import json
import struct
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from diary.attachments import thumbnails_requeue
from diary.models import Attachment, DiaryEntry
from diary.tests import photo_files
from journal_site import blobs
from portability.imports import import_start
from portability.tests.files import zip_of
from portability.tests.photos import md5

pytestmark = pytest.mark.django_db

BROKEN = Path(__file__).parent / "broken_photos"


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=False))


def test_each_file_of_a_photo_has_a_key_of_its_own():
    """Two files under one file key and the same counter nonces would share a keystream: the XOR of their
    ciphertexts would be the XOR of their pictures."""
    key = blobs.file_key_new()
    first, second = b"\x89PNG" + bytes(60), b"RIFF" + bytes(60)
    sealed = [b"".join(blobs.seal_stream(io.BytesIO(data), key=key, role=role))
              for data, role in ((first, "original"), (second, "320"))]
    bodies = [data[7:7 + len(first)] for data in sealed]  # past the header, the first chunk's ciphertext
    assert _xor(*bodies) != _xor(first, second)
    # Each still opens with its own role alone.
    assert b"".join(blobs.open_stream(io.BytesIO(sealed[0]), key=key, role="original")) == first


def _gif_canvas_bomb(side: int, frames: int) -> bytes:
    """A few hundred bytes: a large canvas, and many one-pixel frames, each drawn on the whole canvas."""
    out = bytearray(b"GIF89a" + struct.pack("<HH", side, side) + bytes([0xF0, 0, 0]) + bytes([0, 0, 0, 255, 255, 255]))
    out += b"\x21\xFF\x0BNETSCAPE2.0\x03\x01\x00\x00\x00"
    for i in range(frames):
        out += b"\x21\xF9\x04" + bytes([0x04, 5, 0, 0]) + b"\x00"
        out += b"\x2C" + struct.pack("<HHHH", (i * 37) % side, (i * 91) % side, 1, 1) + b"\x00"
        bits = 4 | ((i % 2) << 3) | (5 << 6)
        out += b"\x02" + bytes([2, bits & 0xFF, bits >> 8]) + b"\x00"
    return bytes(out + b"\x3B")


def test_an_animation_whose_frames_add_up_to_a_bomb_is_refused_before_it_is_drawn(upload, photo_entry,
                                                                                  local_photo_store, settings):
    settings.PHOTO_MAX_PIXELS = 4_000_000
    bomb = _gif_canvas_bomb(1500, 30)  # 2.25 MP a frame, 67 MP in all
    assert len(bomb) < 2000
    response = upload(photo_entry, bomb, name="fun.gif")
    assert response.status_code == 400 and response.json()["code"] == "too_many_pixels"
    assert upload(photo_entry, _gif_canvas_bomb(300, 30), name="small.gif").status_code == 201  # 2.7 MP in all


@pytest.mark.parametrize("path", sorted(BROKEN.iterdir()), ids=lambda path: path.stem)
def test_a_file_that_breaks_a_decoder_is_a_400_never_a_500(upload, photo_entry, local_photo_store, path):
    response = upload(photo_entry, path.read_bytes(), name=path.name)
    assert response.status_code == 400, response.content
    assert response.json()["code"] in {"damaged", "not_a_photo", "too_many_pixels"}
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("accept", ["image/jpeg", "image/*", "image/webp,image/*;q=0.8", "application/json"])
def test_a_photo_answers_whatever_the_client_accepts(owner_api, upload, photo_entry, local_photo_store, accept):
    photo = upload(photo_entry, photo_files.jpeg()).json()
    response = owner_api.get(photo["url"], HTTP_ACCEPT=accept)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_a_multi_picture_jpeg_is_kept_as_its_first_picture(upload, photo_entry, local_photo_store):
    out = io.BytesIO()
    first, second = Image.new("RGB", (64, 48), (200, 10, 10)), Image.new("RGB", (64, 48), (10, 10, 200))
    first.save(out, format="MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"
    response = upload(photo_entry, out.getvalue(), name="phone.jpg")
    assert response.status_code == 201 and response.json()["content_type"] == "image/jpeg"
    assert (response.json()["width"], response.json()["height"]) == (64, 48)


def test_thumbnails_that_never_came_are_queued_again(upload, photo_entry, local_photo_store, tasks_inline,
                                                     django_capture_on_commit_callbacks):
    photo = Attachment.objects.get(pk=upload(photo_entry, photo_files.jpeg(), after_commit=False).json()["id"])
    assert not photo.thumbs_ready
    assert thumbnails_requeue() == 0  # too new: its task may still come
    Attachment.objects.filter(pk=photo.pk).update(created_at=timezone.now() - timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert thumbnails_requeue() == 1
    photo.refresh_from_db()
    assert photo.thumbs_ready


def test_one_broken_photo_never_fails_an_import(owner, local_photo_store):
    bad, good = (BROKEN / "gif_IndexError.bin").read_bytes(), photo_files.jpeg()
    entries = [{"uuid": "E1" * 16, "creationDate": "2023-05-01T08:30:00Z", "text": "Beach",
                "photos": [{"identifier": "A" * 32, "md5": md5(good), "type": "jpeg", "orderInEntry": 0},
                           {"identifier": "B" * 32, "md5": md5(bad), "type": "gif", "orderInEntry": 1}]},
               {"uuid": "F2" * 16, "creationDate": "2023-05-02T08:30:00Z", "text": "No photos."}]
    data = zip_of({"Journal.json": json.dumps({"metadata": {}, "entries": entries}).encode(),
                   f"photos/{md5(good)}.jpeg": good, f"photos/{md5(bad)}.gif": bad})
    job = import_start(user=owner, upload=SimpleUploadedFile("Export.zip", data, content_type="application/zip"))
    job.refresh_from_db()
    assert DiaryEntry.objects.filter(user=owner).count() == 2
    assert (job.photos_added, job.photos_skipped) == (1, 1)
