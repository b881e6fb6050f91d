"""Import of this journal's zip with photos: photos made again through the upload's checks, once."""

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from diary.attachments import attachment_create, attachment_read, attachment_reorder
from diary.models import Attachment, DiaryEntry
from diary.tests.factories import EntryFactory
from diary.words import word_count
from portability import imports
from portability.exports import export_json_zip_stream
from portability.imports import import_start
from portability.readers import ImportInvalid, import_expanded_size
from portability.tasks import import_entries
from portability.tests.files import zip_of
from portability.tests.photos import has_gps, jpeg_with_gps, md5, pixels, png

pytestmark = pytest.mark.usefixtures("photo_store")


def _upload(data: bytes, name: str = "journal.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


def _photos(user) -> list[Attachment]:
    return list(Attachment.objects.filter(user=user).order_by("entry__created_at", "position"))


@pytest.fixture
def exported(owner):
    """The owner's export: an entry whose text shows its two photos (the PNG put first), and one without."""
    owner.timezone = "Europe/Warsaw"
    owner.save()
    sea = EntryFactory(user=owner, title="Sea", content="Before.", created_at=datetime(2024, 6, 1, 9, tzinfo=UTC))
    jpeg = attachment_create(entry=sea, source=io.BytesIO(jpeg_with_gps()), caption="Gdańsk at dawn")
    drawing = attachment_create(entry=sea, source=io.BytesIO(png()), caption="")
    attachment_reorder(entry=sea, order=[drawing.pk, jpeg.pk])
    sea.content = f"![]( attachment:{drawing.pk})\n\nBefore.\n\n![Gdańsk](attachment:{jpeg.pk})"
    sea.save()
    EntryFactory(user=owner, title="Plain", content="No photos.", created_at=datetime(2024, 6, 2, 9, tzinfo=UTC))
    return b"".join(export_json_zip_stream(user=owner))


def test_export_then_import_into_another_account_gives_the_same_photos(owner, outsider, exported):
    job = import_start(user=outsider, upload=_upload(exported))
    assert (job.status, job.file_format, job.created_count) == ("done", "journal", 2)
    assert (job.photos_added, job.photos_skipped, job.photos_over_quota) == (2, 0, 0)
    theirs, mine = _photos(outsider), _photos(owner)
    assert [p.position for p in theirs] == [1, 2]
    assert [(p.caption, p.content_type, p.width, p.height) for p in theirs] == [
        (p.caption, p.content_type, p.width, p.height) for p in mine]
    assert theirs[0].caption == "" and theirs[1].caption == "Gdańsk at dawn"
    drawing, jpeg = theirs
    # The PNG is the same pixels; the JPEG (encoded again, as any upload) the same size.
    assert pixels(attachment_read(attachment=drawing)) == pixels(attachment_read(attachment=mine[0]))
    assert pixels(attachment_read(attachment=jpeg))[0] == (40, 30)
    assert not has_gps(attachment_read(attachment=jpeg))
    # When it was taken comes back from the file (the kept copy has no EXIF).
    assert jpeg.taken_at == mine[1].taken_at == datetime(2023, 5, 1, 8, 20, 30, tzinfo=UTC)
    # The text shows the new photos, never the owner's.
    entry = DiaryEntry.objects.get(user=outsider, pk=drawing.entry_id)
    assert entry.content == f"![]( attachment:{drawing.pk})\n\nBefore.\n\n![Gdańsk](attachment:{jpeg.pk})"
    assert entry.word_count == word_count(entry.content)
    assert Attachment.objects.filter(user=owner).count() == 2


def test_the_same_zip_imported_again_adds_nothing(outsider, exported):
    import_start(user=outsider, upload=_upload(exported))
    again = import_start(user=outsider, upload=_upload(exported))
    assert (again.created_count, again.skipped_count, again.photos_added, again.photos_skipped) == (0, 2, 0, 0)
    assert Attachment.objects.filter(user=outsider).count() == 2
    assert DiaryEntry.objects.filter(user=outsider).count() == 2


def test_the_zip_imported_into_the_account_it_came_from_adds_nothing(owner, exported):
    job = import_start(user=owner, upload=_upload(exported))
    assert (job.created_count, job.skipped_count, job.photos_added) == (0, 2, 0)
    assert Attachment.objects.filter(user=owner).count() == 2


def test_a_large_zip_is_imported_by_the_task_with_its_photos(outsider, exported, monkeypatch,
                                                            django_capture_on_commit_callbacks, outsider_api,
                                                            owner_api):
    monkeypatch.setattr(imports, "IMPORT_INLINE_MAX_BYTES", 100)
    with django_capture_on_commit_callbacks(execute=False):
        job = import_start(user=outsider, upload=_upload(exported))
    assert job.status == "pending" and not Attachment.objects.filter(user=outsider).exists()
    import_entries(job.pk)
    import_entries(job.pk)  # a second delivery changes nothing
    job.refresh_from_db()
    assert (job.status, job.created_count, job.photos_added, job.payload) == ("done", 2, 2, None)
    assert Attachment.objects.filter(user=outsider).count() == 2
    body = outsider_api.get(f"/api/v1/import/{job.pk}/").json()
    assert (body["photos_added"], body["photos_skipped"], body["photos_over_quota"]) == (2, 0, 0)
    assert owner_api.get(f"/api/v1/import/{job.pk}/").status_code == 404  # the job is the outsider's


def test_the_api_import_reports_the_photos(owner_api, owner, outsider):
    EntryFactory(user=outsider, title="Theirs")
    entry = EntryFactory(user=outsider, title="Lake", content="x")
    attachment_create(entry=entry, source=io.BytesIO(png()))
    data = b"".join(export_json_zip_stream(user=outsider))
    response = owner_api.post("/api/v1/import/", {"file": _upload(data)}, format="multipart")
    assert response.status_code == 201
    assert (response.json()["created"], response.json()["photos_added"]) == (2, 1)


def _rewritten(data: bytes, change) -> bytes:
    """The zip with its JSON changed by `change` (the photos as they were)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    document = json.loads(source.read("journal.json"))
    change(document)
    files = {name: source.read(name) for name in source.namelist() if name != "journal.json"}
    return zip_of({"journal.json": json.dumps(document).encode(), **files})


def test_a_photo_whose_md5_does_not_match_is_left_out_and_the_entry_kept(outsider, exported):
    def spoil(document):
        document["entries"][0]["attachments"][0]["md5"] = "0" * 32

    job = import_start(user=outsider, upload=_upload(_rewritten(exported, spoil)))
    assert (job.created_count, job.photos_added, job.photos_skipped) == (2, 1, 1)
    kept = Attachment.objects.get(user=outsider)
    assert kept.caption == "Gdańsk at dawn"
    # The reference of the photo left out stays as it was written.
    content = DiaryEntry.objects.get(pk=kept.entry_id).content
    assert f"(attachment:{kept.pk})" in content and "]( attachment:" in content


def test_a_photo_missing_from_the_zip_is_counted(outsider, exported):
    source = zipfile.ZipFile(io.BytesIO(exported))
    document = json.loads(source.read("journal.json"))
    first = document["entries"][0]["attachments"][0]["path"]
    data = zip_of({name: source.read(name) for name in source.namelist() if name != first})
    job = import_start(user=outsider, upload=_upload(data))
    assert (job.status, job.created_count, job.photos_added, job.photos_skipped) == ("done", 2, 1, 1)


def test_the_json_alone_imports_the_entries_and_counts_the_photos_it_lacks(outsider, exported):
    document = zipfile.ZipFile(io.BytesIO(exported)).read("journal.json")
    job = import_start(user=outsider, upload=SimpleUploadedFile("journal.json", document))
    assert (job.created_count, job.photos_added, job.photos_skipped) == (2, 0, 2)


def test_a_full_photo_space_keeps_the_entries_and_says_so(outsider, exported, settings):
    settings.PHOTO_QUOTA_BYTES = 0
    job = import_start(user=outsider, upload=_upload(exported))
    assert (job.status, job.created_count, job.photos_added, job.photos_over_quota) == ("done", 2, 0, 2)
    assert DiaryEntry.objects.filter(user=outsider).count() == 2


def test_a_refused_photo_is_counted_and_the_rest_kept(outsider, exported):
    source = zipfile.ZipFile(io.BytesIO(exported))
    document = json.loads(source.read("journal.json"))
    first = document["entries"][0]["attachments"][0]
    files = {name: source.read(name) for name in source.namelist()}
    files[first["path"]] = b"not a picture at all"
    first["md5"] = md5(b"not a picture at all")
    files["journal.json"] = json.dumps(document).encode()
    job = import_start(user=outsider, upload=_upload(zip_of(files)))
    assert (job.created_count, job.photos_added, job.photos_skipped) == (2, 1, 1)


def test_a_failed_import_leaves_no_photo_files(outsider, exported, photo_store, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("after the photos")

    monkeypatch.setattr(imports, "user_stats_invalidate", broken)
    with pytest.raises(imports.ImportFailed):
        import_start(user=outsider, upload=_upload(exported))
    assert not Attachment.objects.filter(user=outsider).exists()
    assert not list((photo_store / f"u{outsider.pk}").iterdir())


def test_a_photo_counts_in_the_size_of_what_a_zip_holds(exported, outsider, settings):
    source = zipfile.ZipFile(io.BytesIO(exported))
    assert import_expanded_size(exported) == sum(info.file_size for info in source.infolist())
    # The upload itself fits the limit; what it holds once unpacked, its photos with it, does not.
    expanded = import_expanded_size(exported)
    assert source.getinfo("journal.json").file_size < len(exported) < expanded
    settings.IMPORT_MAX_BYTES = len(exported)
    with pytest.raises(ImportInvalid, match="larger than"):
        import_start(user=outsider, upload=_upload(exported))
    assert not DiaryEntry.objects.filter(user=outsider).exists()


def test_a_photo_that_expands_too_much_is_refused_before_unpacking(outsider, exported):
    source = zipfile.ZipFile(io.BytesIO(exported))
    files = {name: source.read(name) for name in source.namelist()}
    files["photos/9999.png"] = b"\0" * 1_000_000
    with pytest.raises(ImportInvalid, match=r"expands too much .*photos/9999\.png"):
        import_start(user=outsider, upload=_upload(zip_of(files)))
    assert not Attachment.objects.filter(user=outsider).exists()


def test_an_outsider_importing_the_owners_zip_never_touches_the_owners_photos(owner, outsider, exported):
    before = [(p.pk, p.entry_id, p.position, p.caption) for p in _photos(owner)]
    import_start(user=outsider, upload=_upload(exported))
    assert [(p.pk, p.entry_id, p.position, p.caption) for p in _photos(owner)] == before
    assert not set(Attachment.objects.filter(user=outsider).values_list("entry__user", flat=True)) - {outsider.pk}



def test_entries_without_photos_ask_no_query_more(outsider, exported, django_assert_num_queries):
    from portability.imports import import_records
    from portability.readers import import_parse

    parsed = import_parse(data=exported, tz=UTC)
    plain = [record for record in parsed.records if not record.photos]
    # Lock the user, what the diary holds, the user's tags, the text budget, the entries.
    with django_assert_num_queries(5):
        outcome = import_records(user_id=outsider.pk, records=plain, archive=parsed.archive)
    assert (outcome.created, outcome.photos_added) == (1, 0)
