"""What a photo upload refuses, with a clear 4xx and nothing left in the store or the database: files that
are not photos (whatever their name), files that are more than a photo, bombs, bodies over the limit,
a full quota, a full entry (docs/photos.md, Formats and safety)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from diary import attachments
from diary.models import Attachment
from diary.tests import photo_files

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pillow_limit_restored():
    """photo_prepare sets Pillow's own pixel guard from PHOTO_MAX_PIXELS; a test that lowers it leaves
    the rest of the process its own."""
    saved = Image.MAX_IMAGE_PIXELS
    yield
    Image.MAX_IMAGE_PIXELS = saved


def _nothing_kept(store) -> bool:
    return not Attachment.objects.exists() and store.names() == []


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("bomb.png", photo_files.png_bomb(), "too_many_pixels"),
        ("script.jpg", photo_files.jpeg_with_script(), "polyglot"),
        ("archive.jpg", photo_files.jpeg_with_zip(), "polyglot"),
        ("drawing.svg", photo_files.SVG, {"polyglot", "not_a_photo"}),
        ("drawing.jpg", photo_files.SVG.replace(b' xmlns="http://www.w3.org/2000/svg"', b""), "not_a_photo"),
        ("notes.jpg", photo_files.TEXT, "not_a_photo"),
        ("empty.jpg", b"", "not_a_photo"),
        ("cut.jpg", photo_files.truncated_jpeg(), "damaged"),
    ],
)
def test_what_is_not_a_photo_is_refused_and_nothing_is_kept(local_photo_store, photo_entry, upload, name, data,
                                                            code):
    response = upload(photo_entry, data, name=name)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] in ({code} if isinstance(code, str) else code)
    assert body["file"] and isinstance(body["file"][0], str)
    assert _nothing_kept(local_photo_store)


def test_the_polyglot_scan_reads_past_its_first_megabyte(local_photo_store, photo_entry, upload):
    """A script hidden behind more than a megabyte of honest pixels is found all the same."""
    data = photo_files.noise_png(620) + b"<script>alert(1)</script>"
    assert len(data) > 1024 * 1024
    response = upload(photo_entry, data, name="big.png")
    assert response.json()["code"] == "polyglot"
    assert _nothing_kept(local_photo_store)


def test_a_photo_over_the_pixel_limit_is_refused(local_photo_store, photo_entry, upload, settings):
    settings.PHOTO_MAX_PIXELS = 10_000
    response = upload(photo_entry, photo_files.jpeg(200, 100))
    assert response.status_code == 400
    assert response.json()["code"] == "too_many_pixels"
    assert _nothing_kept(local_photo_store)
    assert upload(photo_entry, photo_files.jpeg(100, 100)).status_code == 201  # at the limit


def test_a_body_over_the_photo_limit_gets_413_before_it_is_read(local_photo_store, owner_client, photo_entry, upload,
                                                                settings):
    settings.PHOTO_MAX_BYTES = 100_000
    data = photo_files.noise_png(260)
    assert len(data) > 100_000 + 64 * 1024
    response = upload(photo_entry, data, name="big.png")
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]
    page = owner_client.post(f"/diary/{photo_entry.pk}/photos/", {"file": SimpleUploadedFile("big.png", data)})
    assert page.status_code == 413
    assert _nothing_kept(local_photo_store)


def test_a_photo_larger_than_other_bodies_may_be_is_kept(local_photo_store, owner_api, owner_client, photo_entry,
                                                        upload, settings):
    """The photo routes take PHOTO_MAX_BYTES; every other route keeps its 1 MB."""
    assert settings.MAX_BODY_BYTES == 1024 * 1024
    data = photo_files.noise_png(720)
    assert 1.4 * 1024 * 1024 < len(data) < 1.6 * 1024 * 1024

    response = upload(photo_entry, data, name="big.png", after_commit=False)
    assert response.status_code == 201, response.content
    assert response.json()["width"] == 720
    page = owner_client.post(f"/diary/{photo_entry.pk}/photos/", {"file": SimpleUploadedFile("big.png", data)},
                             HTTP_ACCEPT="application/json")
    assert page.status_code == 201
    assert Attachment.objects.count() == 2

    text = json.dumps({"title": "Long", "content": "x" * len(data)})
    assert owner_api.post("/api/v1/entries/", text, content_type="application/json").status_code == 413
    # Only the upload itself: the photo routes' other methods keep the usual limit.
    order = json.dumps({"order": [1] * (len(data) // 3)})
    assert owner_api.put(f"/api/v1/entries/{photo_entry.pk}/attachments/order/", order,
                         content_type="application/json").status_code == 413


def test_an_upload_past_the_quota_gets_403_and_nothing_is_kept(local_photo_store, photo_entry, upload, settings):
    settings.PHOTO_QUOTA_BYTES = 1000
    response = upload(photo_entry, photo_files.noise_jpeg(64))
    assert response.status_code == 403
    assert response.json()["code"] == "quota_exceeded"
    assert "Delete some photos first" in response.json()["detail"]
    assert _nothing_kept(local_photo_store)


def test_the_quota_counts_the_photos_already_kept(local_photo_store, photo_entry, upload, settings):
    first = upload(photo_entry, photo_files.noise_jpeg(64)).json()
    row = Attachment.objects.get(pk=first["id"])
    assert row.stored_bytes == sum(local_photo_store.storage.size(name) for name in row.file_names)
    settings.PHOTO_QUOTA_BYTES = row.stored_bytes + 500

    response = upload(photo_entry, photo_files.noise_jpeg(64, seed=3))
    assert response.status_code == 403
    assert response.json()["code"] == "quota_exceeded"
    assert list(Attachment.objects.values_list("pk", flat=True)) == [row.pk]
    assert set(local_photo_store.names()) == set(row.file_names)


def test_an_entry_holds_at_most_so_many_photos(local_photo_store, owner, photo_entry, upload):
    for position in range(1, attachments.PHOTOS_PER_ENTRY_MAX + 1):
        Attachment.objects.create(user=owner, entry=photo_entry, position=position, content_type="image/png",
                                  width=1, height=1, byte_size=1, stored_bytes=1, digest="0" * 32,
                                  file_key="a2V5", original=f"u{owner.pk}/placeholder-{position}")

    response = upload(photo_entry, photo_files.jpeg())
    assert response.status_code == 400
    assert "at most 30 photos" in json.dumps(response.json())
    assert Attachment.objects.count() == attachments.PHOTOS_PER_ENTRY_MAX
    assert local_photo_store.names() == []


def test_a_caption_too_long_is_refused(local_photo_store, photo_entry, upload):
    response = upload(photo_entry, photo_files.jpeg(), caption="x" * (attachments.CAPTION_MAX_LENGTH + 1))
    assert response.status_code == 400
    assert "caption" in response.json()
    assert _nothing_kept(local_photo_store)


def test_an_upload_without_a_file_is_refused(local_photo_store, owner_api, photo_entry):
    response = owner_api.post(f"/api/v1/entries/{photo_entry.pk}/attachments/", {"caption": "x"},
                              format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()
