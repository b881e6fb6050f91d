"""Photos in the attachments store, on both stores the journal runs with: a local folder and a real S3
server (SeaweedFS, the `s3_server` fixture). What goes in comes out as a clean copy, sealed at rest,
and every file of a photo goes when the photo, its entry or its account does (docs/photos.md)."""

import io
from datetime import datetime

import pytest
from django.db import connection
from django.test import Client
from PIL import Image

from accounts import keys
from accounts.services import user_delete
from accounts.tests.factories import UserFactory
from accounts.timezones import user_zone
from diary import attachments
from diary.models import Attachment
from diary.tests import photo_files
from diary.tests.factories import EntryFactory
from journal_site import blobs
from journal_site.encryption import CannotOpen

pytestmark = pytest.mark.django_db

PHOTO_KEYS = {"id", "content_type", "width", "height", "caption", "thumbnail_url", "url"}
# Long enough that sealed (random-looking) bytes never hold one by chance: the JPEG start with its JFIF
# or EXIF segment marker, the whole PNG signature, WebP's RIFF form type.
SIGNATURES = (b"\xff\xd8\xff\xe0\x00\x10JFIF", b"\xff\xd8\xff\xe1", b"\x89PNG\r\n\x1a\n", b"WEBPVP8")


def _photo(owner_api, data):
    response = owner_api.get(data["url"])
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content), response


def test_an_uploaded_photo_and_its_thumbnails_come_back(photo_store, owner, owner_api, photo_entry, upload):
    response = upload(photo_entry, photo_files.jpeg(40, 20), caption="By the river")

    assert response.status_code == 201
    created = response.json()
    assert set(created) == PHOTO_KEYS
    assert (created["content_type"], created["width"], created["height"], created["caption"]) == (
        "image/jpeg", 40, 20, "By the river")
    assert created["thumbnail_url"] is None  # made after the commit, in the background
    row = Attachment.objects.get(pk=created["id"])
    assert row.thumbs_ready
    assert photo_store.names() == sorted([row.original, f"{row.original}.320", f"{row.original}.1280"])
    assert row.original.startswith(f"u{owner.pk}/")

    listed = owner_api.get(f"/api/v1/entries/{photo_entry.pk}/attachments/").json()
    assert [item["id"] for item in listed] == [row.pk]
    thumbnail_url = listed[0]["thumbnail_url"]
    assert thumbnail_url == f"/diary/photos/{row.pk}/{row.digest}/320"

    original, answered = _photo(owner_api, created)
    assert answered["Content-Type"] == "image/jpeg"
    assert answered["Content-Length"] == str(len(original)) == str(row.byte_size)
    assert answered["Cache-Control"] == "private, max-age=31536000, immutable"
    assert answered["X-Content-Type-Options"] == "nosniff"
    assert answered["Content-Disposition"] == f'inline; filename="photo-{row.pk}.jpg"'
    with Image.open(io.BytesIO(original)) as image:
        assert (image.format, image.size) == ("JPEG", (40, 20))

    small = owner_api.get(thumbnail_url)
    assert small.status_code == 200
    assert small["Content-Type"] == "image/webp"
    assert small["Cache-Control"] == "private, max-age=31536000, immutable"
    assert small["X-Content-Type-Options"] == "nosniff"
    assert small["Content-Disposition"] == f'inline; filename="photo-{row.pk}-320.webp"'
    with Image.open(io.BytesIO(b"".join(small.streaming_content))) as image:
        assert image.format == "WEBP" and image.size == (40, 20)  # never made larger than the photo

    download = owner_api.get(created["url"] + "?download=1")
    assert download["Content-Disposition"] == f'attachment; filename="photo-{row.pk}.jpg"'


def test_a_large_photo_gets_thumbnails_of_320_and_1280_pixels(photo_store, owner_api, photo_entry, upload):
    created = upload(photo_entry, photo_files.jpeg(2000, 1000)).json()
    row = Attachment.objects.get(pk=created["id"])
    for size, expected in (("320", (320, 160)), ("1280", (1280, 640))):
        response = owner_api.get(f"/diary/photos/{row.pk}/{row.digest}/{size}")
        with Image.open(io.BytesIO(b"".join(response.streaming_content))) as image:
            assert image.size == expected


def test_the_store_holds_no_plain_picture(photo_store, owner_api, photo_entry, upload):
    """Every stored file is sealed: the store (a disk, a bucket, their backups) sees no picture."""
    plain_jpeg, plain_png = photo_files.noise_jpeg(64), photo_files.png()
    upload(photo_entry, plain_jpeg)
    upload(photo_entry, plain_png, name="picture.png")

    names = photo_store.names()
    assert len(names) == 6
    for name in names:
        raw = photo_store.raw(name)
        assert raw.startswith(blobs.MAGIC)
        assert not raw.startswith((b"\xff\xd8\xff", b"\x89PNG", b"RIFF"))
        for signature in SIGNATURES:
            assert signature not in raw, (name, signature)
        assert plain_jpeg[:64] not in raw and plain_png[:64] not in raw


def test_a_camera_photo_is_kept_upright_without_where_it_was_taken(photo_store, owner, owner_api, photo_entry,
                                                                   upload):
    created = upload(photo_entry, photo_files.camera_jpeg()).json()

    # Orientation 6: the 40x20 picture is shown turned a quarter clockwise, 20x40.
    assert (created["width"], created["height"]) == (20, 40)
    data, _response = _photo(owner_api, created)
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        assert photo_files.GPS_IFD not in exif and not exif.get_ifd(photo_files.GPS_IFD)
        assert photo_files.ORIENTATION not in exif and photo_files.MAKE not in exif
        assert not exif.get_ifd(photo_files.EXIF_IFD)
        assert b"PhoneMaker" not in data and b"Exif" not in data
        assert image.size == (20, 40)
        # The left half (red) is now on top, the right half (blue) below.
        top, bottom = image.convert("RGB").getpixel((10, 5)), image.convert("RGB").getpixel((10, 35))
        assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0]
    row = Attachment.objects.get(pk=created["id"])
    # The time it was taken stays, as the camera's clock read it in the owner's zone.
    assert row.taken_at.astimezone(user_zone(owner)).replace(tzinfo=None) == datetime(2024, 5, 6, 7, 8, 9)


@pytest.mark.parametrize(("fmt", "content_type"), [
    ("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp"), ("GIF", "image/gif"),
    ("animated GIF", "image/gif"), ("HEIF", "image/jpeg"),
])
def test_no_metadata_of_any_format_is_kept(local_photo_store, owner_api, photo_entry, upload, fmt, content_type):
    sent = photo_files.with_metadata(fmt)
    assert photo_files.SECRET in sent
    created = upload(photo_entry, sent, name="photo").json()
    assert created["content_type"] == content_type
    data, _response = _photo(owner_api, created)
    assert photo_files.SECRET not in data
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif().get_ifd(photo_files.GPS_IFD) and photo_files.MAKE not in image.getexif()
        assert not {"comment", "xmp", "XML:com.adobe.xmp", "Location", "exif"} & set(image.info)
        if fmt == "animated GIF":
            assert image.n_frames == 3 and image.info["duration"] == 120


def test_a_heic_photo_is_kept_as_jpeg(photo_store, owner_api, photo_entry, upload):
    created = upload(photo_entry, photo_files.heic(64, 48), name="IMG_0001.HEIC").json()
    assert (created["content_type"], created["width"], created["height"]) == ("image/jpeg", 64, 48)
    data, response = _photo(owner_api, created)
    assert response["Content-Disposition"].endswith('.jpg"')
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"


# --- Removal --------------------------------------------------------------------------------------


def test_deleting_a_photo_deletes_its_files_after_the_commit(photo_store, owner_api, photo_entry, upload,
                                                             django_capture_on_commit_callbacks):
    kept = upload(photo_entry, photo_files.png()).json()
    gone = upload(photo_entry, photo_files.jpeg()).json()
    kept_files = set(Attachment.objects.get(pk=kept["id"]).file_names)
    assert len(photo_store.names()) == 6

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = owner_api.delete(f"/api/v1/entries/{photo_entry.pk}/attachments/{gone['id']}/")
        assert response.status_code == 204
        assert len(photo_store.names()) == 6  # a rolled-back delete would still have its photo
    for callback in callbacks:
        callback()

    assert not Attachment.objects.filter(pk=gone["id"]).exists()
    assert set(photo_store.names()) == kept_files
    assert owner_api.get(gone["url"]).status_code == 404


def test_deleting_an_entry_deletes_its_photos_files(photo_store, owner, owner_api, photo_entry, upload,
                                                    django_capture_on_commit_callbacks):
    other_entry = EntryFactory(user=owner)
    upload(photo_entry, photo_files.jpeg())
    upload(photo_entry, photo_files.png())
    kept = upload(other_entry, photo_files.jpeg()).json()

    with django_capture_on_commit_callbacks(execute=True):
        assert owner_api.delete(f"/api/v1/entries/{photo_entry.pk}/").status_code == 204

    assert list(Attachment.objects.values_list("pk", flat=True)) == [kept["id"]]
    assert set(photo_store.names()) == set(Attachment.objects.get(pk=kept["id"]).file_names)


def test_deleting_an_account_deletes_every_file_under_its_folder(photo_store, owner, outsider, outsider_api,
                                                                 photo_entry, upload,
                                                                 django_capture_on_commit_callbacks):
    upload(photo_entry, photo_files.jpeg())
    upload(EntryFactory(user=owner), photo_files.png())
    blobs.blob_save(f"u{owner.pk}/left-behind", io.BytesIO(b"an upload cut short"), key=blobs.file_key_new(),
                    role="original")
    theirs = upload(EntryFactory(user=outsider), photo_files.jpeg(), api=outsider_api).json()
    assert len([name for name in photo_store.names() if name.startswith(f"u{owner.pk}/")]) == 7

    with django_capture_on_commit_callbacks(execute=True):
        user_delete(user=owner)

    assert not Attachment.objects.filter(user_id=owner.pk).exists()
    assert set(photo_store.names()) == set(Attachment.objects.get(pk=theirs["id"]).file_names)
    assert outsider_api.get(theirs["url"]).status_code == 200


def test_the_sweep_removes_old_files_no_photo_names(photo_store, owner, photo_entry, upload, monkeypatch):
    referenced = Attachment.objects.get(pk=upload(photo_entry, photo_files.jpeg()).json()["id"])
    key = blobs.file_key_new()
    blobs.blob_save(f"u{owner.pk}/old-orphan", io.BytesIO(b"x"), key=key, role="original")
    blobs.blob_save(f"u{owner.pk}/old-orphan.320", io.BytesIO(b"x"), key=key, role="320")
    if photo_store.kind == "s3":
        import time

        time.sleep(1.1)  # S3 keeps the time of a file to the second
    blobs.blob_save(f"u{owner.pk}/new-orphan", io.BytesIO(b"x"), key=key, role="original")
    old = max(photo_store.storage.get_modified_time(f"u{owner.pk}/old-orphan{end}") for end in ("", ".320"))
    new = photo_store.storage.get_modified_time(f"u{owner.pk}/new-orphan")
    assert new > old
    # Now is ORPHAN_AGE after a moment between the old files and the new one: the referenced photo's
    # files are older than the cutoff too, and must stay.
    moment = old + (new - old) / 2 + attachments.ORPHAN_AGE
    monkeypatch.setattr(attachments.timezone, "now", lambda: moment)

    assert attachments.orphans_delete() == 2

    assert set(photo_store.names()) == {*referenced.file_names, f"u{owner.pk}/new-orphan"}
    assert attachments.attachment_read(attachment=referenced)


# --- Sealing --------------------------------------------------------------------------------------


def _raw_column(pk: int, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM diary_attachments WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_the_file_key_and_caption_are_sealed_in_the_database(photo_store, photo_entry, upload):
    created = upload(photo_entry, photo_files.jpeg(), caption="Grandmother's garden").json()
    file_key = _raw_column(created["id"], "file_key")
    caption = _raw_column(created["id"], "caption")
    assert file_key.startswith("e1.") and caption.startswith("e1.")
    assert "Grandmother" not in caption


def test_a_file_put_under_another_photos_name_does_not_open(photo_store, owner_api, photo_entry, upload):
    first = Attachment.objects.get(pk=upload(photo_entry, photo_files.jpeg()).json()["id"])
    second = Attachment.objects.get(pk=upload(photo_entry, photo_files.png()).json()["id"])

    photo_store.storage.delete(second.original)
    photo_store.put_raw(second.original, photo_store.raw(first.original))
    with pytest.raises(CannotOpen):
        attachments.attachment_read(attachment=second)
    # Nor does one of a photo's own files in the place of another (the role is sealed in).
    photo_store.storage.delete(first.original)
    photo_store.put_raw(first.original, photo_store.raw(f"{first.original}.1280"))
    with pytest.raises(CannotOpen):
        attachments.attachment_read(attachment=first)


def test_a_lost_or_swapped_file_fails_the_request_before_it_answers(photo_store, owner, photo_entry, upload):
    """A 503 (a lost file: the store's fault, say so) or a 500 (a swapped one) the moment the file does not open,
    not a 200 (with a length, kept a year) cut short."""
    first = Attachment.objects.get(pk=upload(photo_entry, photo_files.jpeg()).json()["id"])
    second = Attachment.objects.get(pk=upload(photo_entry, photo_files.png()).json()["id"])
    browser = Client(raise_request_exception=False)
    browser.force_login(owner)

    photo_store.storage.delete(first.original)
    lost = browser.get(attachments.photo_url(first, "original"))
    assert lost.status_code == 503 and lost["Retry-After"] == "60" and "no-store" in lost["Cache-Control"]
    photo_store.storage.delete(f"{second.original}.320")
    photo_store.put_raw(f"{second.original}.320", photo_store.raw(f"{second.original}.1280"))
    assert browser.get(attachments.photo_url(second, "320")).status_code == 500
    assert browser.get(attachments.photo_url(second, "original")).status_code == 200


def test_a_cut_short_or_changed_sealed_file_does_not_open():
    key = blobs.file_key_new()
    plain = bytes(range(256)) * 10
    sealed = b"".join(blobs.seal_stream(io.BytesIO(plain), key=key, role="original", chunk_bytes=1000))
    assert b"".join(blobs.open_stream(io.BytesIO(sealed), key=key, role="original")) == plain
    assert len(sealed) == blobs.sealed_size(len(plain), chunk_bytes=1000)

    whole_chunks = sealed[: 7 + 2 * (1000 + 16)]  # the header and the first two chunks of three
    flipped = bytearray(sealed)
    flipped[100] ^= 1
    for damaged in (whole_chunks, bytes(flipped), sealed[:-1], b"\x00p1" + sealed[3:7] + sealed[7 + 1016:]):
        with pytest.raises(CannotOpen):
            b"".join(blobs.open_stream(io.BytesIO(damaged), key=key, role="original"))
    with pytest.raises(CannotOpen):
        b"".join(blobs.open_stream(io.BytesIO(sealed), key=key, role="320"))


def test_photos_stay_readable_after_the_owners_key_is_rotated(photo_store, owner, owner_api, photo_entry, upload):
    created = upload(photo_entry, photo_files.jpeg(), caption="Before").json()
    row = Attachment.objects.get(pk=created["id"])
    sealed_before = _raw_column(row.pk, "file_key")
    stored_before = {name: photo_store.raw(name) for name in photo_store.names()}
    original_before, _response = _photo(owner_api, created)

    keys.data_key_rotate(user_id=owner.pk)
    assert keys.data_key_reseal(user_id=owner.pk)["resealed"] >= 2  # the file key and the caption, at least
    keys.keys_forget()

    assert _raw_column(row.pk, "file_key") != sealed_before  # sealed again with the new key
    # The files themselves are not rewritten: their keys are their own.
    assert {name: photo_store.raw(name) for name in photo_store.names()} == stored_before
    original_after, _response = _photo(owner_api, created)
    assert original_after == original_before
    assert owner_api.get(created["thumbnail_url"] or f"/diary/photos/{row.pk}/{row.digest}/320").status_code == 200
    assert owner_api.get(f"/api/v1/entries/{photo_entry.pk}/attachments/{row.pk}/").json()["caption"] == "Before"


def test_another_users_key_does_not_open_a_photo(photo_store, owner, photo_entry, upload):
    """The file key is sealed for its owner: moved onto another user's row it does not open."""
    row = Attachment.objects.get(pk=upload(photo_entry, photo_files.jpeg()).json()["id"])
    stranger = UserFactory(username="stranger", email="stranger@example.com")
    Attachment.objects.filter(pk=row.pk).update(user=stranger)
    keys.keys_forget()
    with pytest.raises(CannotOpen):
        attachments.attachment_read(attachment=Attachment.objects.get(pk=row.pk))
