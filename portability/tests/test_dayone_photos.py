"""Day One's zip: each entry's photos found by md5 in photos/, kept in orderInEntry order, the text pointing
at them."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from diary.attachments import attachment_read
from diary.models import Attachment, DiaryEntry
from portability.imports import import_start
from portability.tests.files import zip_of
from portability.tests.photos import has_gps, jpeg_with_gps, md5, pixels, png

pytestmark = pytest.mark.usefixtures("photo_store")

JPEG, PNG = jpeg_with_gps(), png()
BEACH_ID, SKETCH_ID, LOST_ID, JUNK_ID = "A" * 32, "B" * 32, "C" * 32, "D" * 32
JUNK = b"no picture here, just words"


def _photo(identifier: str, data: bytes, kind: str, order: int) -> dict:
    return {"identifier": identifier, "md5": md5(data), "type": kind, "width": 40, "height": 30,
            "orderInEntry": order, "date": "2023-05-01T08:20:30Z"}


def _journal(*entries) -> dict:
    return {"metadata": {"version": "1.0"}, "entries": list(entries)}


BEACH = {
    "uuid": "E1" * 16,
    "creationDate": "2023-05-01T08:30:00Z",
    "text": f"# At the beach\n\n![](dayone-moment://{SKETCH_ID})\n\nWarm sand.\n\n![](dayone-moment://{BEACH_ID})",
    # Listed out of order: orderInEntry decides.
    "photos": [_photo(BEACH_ID, JPEG, "jpeg", 1), _photo(SKETCH_ID, PNG, "png", 0)],
}


def _zip(*entries, files: dict | None = None) -> SimpleUploadedFile:
    photos = {f"photos/{md5(JPEG)}.jpeg": JPEG, f"photos/{md5(PNG)}.png": PNG} if files is None else files
    data = zip_of({"Journal.json": json.dumps(_journal(*entries)).encode(), **photos})
    return SimpleUploadedFile("Export.zip", data, content_type="application/zip")


def test_photos_are_attached_in_order_and_the_text_points_at_them(owner):
    job = import_start(user=owner, upload=_zip(BEACH))
    assert (job.status, job.file_format, job.created_count, job.photos_added, job.photos_skipped) == (
        "done", "dayone", 1, 2, 0)
    entry = DiaryEntry.objects.get(user=owner)
    sketch, beach = Attachment.objects.filter(entry=entry).order_by("position")
    assert (sketch.content_type, beach.content_type) == ("image/png", "image/jpeg")
    assert entry.title == "At the beach"
    assert entry.content == f"![](attachment:{sketch.pk})\n\nWarm sand.\n\n![](attachment:{beach.pk})"
    assert "dayone-moment" not in entry.excerpt
    # The same pictures, cleaned: the PNG's pixels as they were, the JPEG without its GPS position.
    assert pixels(attachment_read(attachment=sketch)) == pixels(PNG)
    assert not has_gps(attachment_read(attachment=beach)) and (beach.width, beach.height) == (40, 30)
    assert beach.taken_at is not None  # from the photo's own EXIF


def test_a_file_is_found_by_its_md5_whatever_its_extension(owner):
    job = import_start(user=owner, upload=_zip(BEACH, files={f"photos/{md5(JPEG)}.jpg": JPEG,
                                                             f"photos/{md5(PNG)}.PNG": PNG}))
    assert (job.photos_added, job.photos_skipped) == (2, 0)


def test_a_missing_or_refused_photo_is_counted_and_the_import_goes_on(owner):
    entry = {
        **BEACH,
        "text": f"![](dayone-moment://{LOST_ID})\n![](dayone-moment://{JUNK_ID})\n![](dayone-moment://{BEACH_ID})",
        "photos": [_photo(LOST_ID, b"never in the zip", "jpeg", 0), _photo(JUNK_ID, JUNK, "jpeg", 1),
                   _photo(BEACH_ID, JPEG, "jpeg", 2)],
    }
    other = {"uuid": "F2" * 16, "creationDate": "2023-05-02T08:30:00Z", "text": "No photos."}
    files = {f"photos/{md5(JPEG)}.jpeg": JPEG, f"photos/{md5(JUNK)}.jpeg": JUNK}
    job = import_start(user=owner, upload=_zip(entry, other, files=files))
    assert (job.status, job.created_count, job.photos_added, job.photos_skipped) == ("done", 2, 1, 2)
    kept = Attachment.objects.get(user=owner)
    content = DiaryEntry.objects.get(pk=kept.entry_id).content
    # Only the photo kept is pointed at; the others' references stay as Day One wrote them.
    assert content == (f"![](dayone-moment://{LOST_ID})\n![](dayone-moment://{JUNK_ID})\n"
                       f"![](attachment:{kept.pk})")


def test_the_same_day_one_zip_imported_again_adds_no_photos(owner):
    import_start(user=owner, upload=_zip(BEACH))
    again = import_start(user=owner, upload=_zip(BEACH))
    assert (again.created_count, again.skipped_count, again.photos_added) == (0, 1, 0)
    assert Attachment.objects.filter(user=owner).count() == 2


def test_a_full_photo_space_stops_the_photos_not_the_entries(owner, settings):
    settings.PHOTO_QUOTA_BYTES = 0
    job = import_start(user=owner, upload=_zip(BEACH))
    assert (job.status, job.created_count, job.photos_added, job.photos_over_quota) == ("done", 1, 0, 2)
    assert DiaryEntry.objects.get(user=owner).content.count("dayone-moment://") == 2


def test_the_progress_page_and_api_carry_the_photo_counts(owner, owner_client, owner_api, outsider_api):
    job = import_start(user=owner, upload=_zip(BEACH))
    body = owner_api.get(f"/api/v1/import/{job.pk}/").json()
    assert (body["photos_added"], body["photos_skipped"], body["photos_over_quota"]) == (2, 0, 0)
    assert outsider_api.get(f"/api/v1/import/{job.pk}/").status_code == 404
    assert owner_client.get(f"/settings/import/{job.pk}/").context["progress"]["photos_added"] == 2


def test_an_entry_of_photos_alone_is_kept(owner):
    alone = {"uuid": "A1" * 16, "creationDate": "2023-05-03T08:30:00Z", "text": "",
             "photos": [_photo(SKETCH_ID, PNG, "png", 0)]}
    job = import_start(user=owner, upload=_zip(alone))
    assert (job.created_count, job.photos_added) == (1, 1)


def test_a_photo_list_that_is_not_a_list_is_refused_naming_the_entry(owner):
    from portability.readers import ImportInvalid

    with pytest.raises(ImportInvalid, match=r"Journal\.json, entry 1: the photos must be a list"):
        import_start(user=owner, upload=_zip({**BEACH, "photos": "x"}))
    assert not DiaryEntry.objects.filter(user=owner).exists()
