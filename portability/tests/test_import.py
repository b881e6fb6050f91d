"""Import of this journal's export, Day One and jrnl: validated first, all or nothing, no duplicates."""

import json
from datetime import UTC, datetime

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from accounts.tests.factories import UserFactory
from diary.models import DiaryEntry, ImportJob, UserTag
from diary.tests.factories import EntryFactory
from diary.writing import user_tag_names
from journal_site.testing import run_at_once
from portability import imports
from portability.imports import import_records, import_start
from portability.readers import ImportInvalid, import_parse
from portability.tasks import import_entries
from portability.tests.files import zip_of


def _own(*entries, **extra) -> dict:
    return {"format": "journal-export", "version": 1, "entries": list(entries), **extra}


def _entry(n: int = 1, **fields) -> dict:
    return {"uid": f"journal:test-{n}", "created_at": f"2024-01-{n:02d}T10:00:00+00:00", "title": f"Entry {n}",
            "content": f"Text of entry {n}", "mood": 3, "emotion_tags": ["calm"], **fields}


def _many(count: int) -> bytes:
    return json.dumps(_own(*[_entry(1, uid=f"u{i}", content=f"c{i}") for i in range(count)])).encode()


def _file(payload, name="export.json") -> SimpleUploadedFile:
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return SimpleUploadedFile(name, data, content_type="application/json")


def _refused(owner, payload, name="export.json") -> str:
    with pytest.raises(ImportInvalid) as caught:
        import_start(user=owner, upload=_file(payload, name))
    assert not DiaryEntry.objects.filter(user=owner).exists()
    assert not ImportJob.objects.filter(user=owner).exists()
    return str(caught.value)


DAYONE = {
    "metadata": {"version": "1.0"},
    "entries": [
        {
            "uuid": "1546F37361264E129200B2CA6A885855",
            "creationDate": "2017-06-28T15:38:37Z",
            "timeZone": "Asia/Taipei",
            "text": "# A day by the sea\n\nWarm water.\nSalt on the skin.",
            "tags": ["Joy", "work", "road trip"],
            "starred": True,
        },
        {
            "uuid": "AD6F2A6EC10C41AEA35E94BAD169936D",
            "creationDate": "2017-06-29T08:00:00Z",
            "text": "No heading here, just a line.",
        },
        {"uuid": "EMPTY0000000000000000000000000000", "creationDate": "2017-06-30T08:00:00Z", "text": ""},
    ],
}

JRNL = {
    "tags": {"@work": 1, "@tired": 1},
    "entries": [
        {"title": "Called in sick.", "body": "Used the time to clean the house.", "date": "2012-03-29",
         "time": "09:00", "tags": ["@work", "@tired"], "starred": False},
        {"title": "Only a title today.", "body": "", "date": "2012-03-30", "time": "21:15", "tags": [],
         "starred": True},
    ],
}


# --- formats -------------------------------------------------------------------------------------


def test_own_export_imports_every_field(owner):
    job = import_start(user=owner, upload=_file(_own(_entry(1, mood=None, exclude_from_ai=True,
                                                            emotion_tags=["joy", "joy", "tired"]))))
    assert (job.status, job.file_format, job.total, job.created_count, job.skipped_count) == ("done", "journal", 1,
                                                                                               1, 0)
    entry = DiaryEntry.objects.get(user=owner)
    assert (entry.title, entry.content, entry.mood, entry.emotion_tags, entry.exclude_from_ai) == (
        "Entry 1", "Text of entry 1", None, ["joy", "tired"], True)
    assert entry.created_at == datetime(2024, 1, 1, 10, 0, tzinfo=UTC)
    assert entry.source_id == "journal:test-1" and entry.word_count == 4


def test_own_export_without_ids_gets_fingerprints(owner):
    raw = _entry(1)
    del raw["uid"]
    import_start(user=owner, upload=_file(_own(raw)))
    import_start(user=owner, upload=_file(_own(raw)))
    assert DiaryEntry.objects.filter(user=owner).count() == 1
    assert DiaryEntry.objects.get(user=owner).source_id.startswith("journal:")


def test_naive_dates_are_read_in_the_users_time_zone(owner):
    owner.timezone = "America/Adak"
    owner.save()
    import_start(user=owner, upload=_file(_own(_entry(1, created_at="2024-07-01T23:30:00"))))
    assert DiaryEntry.objects.get(user=owner).created_at == datetime(2024, 7, 2, 8, 30, tzinfo=UTC)


def test_day_one_export(owner):
    job = import_start(user=owner, upload=_file(DAYONE, "Journal.json"))
    assert (job.file_format, job.total, job.created_count, job.skipped_count) == ("dayone", 3, 2, 1)
    first, second = DiaryEntry.objects.filter(user=owner).order_by("created_at")
    assert first.title == "A day by the sea"
    assert first.content == "Warm water.\nSalt on the skin."
    # Tags naming an emotion are emotions; the others are the user's own tags, on the entry and in the list.
    assert first.emotion_tags == ["joy"] and first.tags == ["work", "road trip"] and first.mood is None
    assert user_tag_names(user=owner) == ["road trip", "work"]
    assert first.created_at == datetime(2017, 6, 28, 15, 38, 37, tzinfo=UTC)
    assert first.source_id == "dayone:1546F37361264E129200B2CA6A885855"
    assert (second.title, second.content) == ("", "No heading here, just a line.")


def test_day_one_zip_with_photos(owner):
    data = zip_of({"Journal.json": json.dumps(DAYONE).encode(), "photos/ad6f.jpeg": b"\xff\xd8\xff" + b"0" * 100})
    job = import_start(user=owner, upload=_file(data, "Export.zip"))
    assert (job.file_format, job.created_count) == ("dayone", 2)


def test_day_one_zip_with_two_journals(owner):
    other = {"metadata": {}, "entries": [{"uuid": "B" * 32, "creationDate": "2018-01-01T00:00:00Z", "text": "x"}]}
    data = zip_of({"Journal.json": json.dumps(DAYONE).encode(), "Travel.json": json.dumps(other).encode()})
    assert import_start(user=owner, upload=_file(data, "Export.zip")).created_count == 3


def test_jrnl_export(owner):
    owner.timezone = "Europe/Warsaw"
    owner.save()
    job = import_start(user=owner, upload=_file(JRNL, "jrnl.json"))
    assert (job.file_format, job.created_count) == ("jrnl", 2)
    first, second = DiaryEntry.objects.filter(user=owner).order_by("created_at")
    assert (first.title, first.content, first.emotion_tags, first.tags) == (
        "Called in sick.", "Used the time to clean the house.", ["tired"], ["work"])
    assert first.created_at == datetime(2012, 3, 29, 7, 0, tzinfo=UTC)  # 09:00 in Warsaw (CEST)
    assert (second.title, second.content) == ("", "Only a title today.")


def test_imported_tags_keep_the_spelling_of_the_users_list_and_the_limits(owner):
    UserTag.objects.create(user=owner, name="Work")
    entries = [{"uuid": "C" * 32, "creationDate": "2020-01-01T10:00:00Z", "text": "x",
                "tags": ["work", "#Road   trip", "x" * 60, *[f"t{n}" for n in range(30)]]}]
    import_start(user=owner, upload=_file({"metadata": {}, "entries": entries}, "Journal.json"))
    (entry,) = DiaryEntry.objects.filter(user=owner)
    assert entry.tags[:3] == ["Work", "Road trip", "x" * 40] and len(entry.tags) == 20
    assert [name.casefold() for name in user_tag_names(user=owner)].count("work") == 1


@pytest.mark.parametrize(
    "payload, name", [(_own(_entry(1), _entry(2)), "e.json"), (DAYONE, "d.json"), (JRNL, "j.json")]
)
def test_importing_the_same_file_twice_creates_no_duplicates(owner, payload, name):
    first = import_start(user=owner, upload=_file(payload, name))
    count = DiaryEntry.objects.filter(user=owner).count()
    second = import_start(user=owner, upload=_file(payload, name))
    assert DiaryEntry.objects.filter(user=owner).count() == count == first.created_count
    assert second.created_count == 0 and second.skipped_count == second.total


def test_an_entry_already_written_here_is_not_imported_again(owner):
    moment = datetime(2024, 1, 1, 10, tzinfo=UTC)
    EntryFactory(user=owner, title="Entry 1", content="Text of entry 1", created_at=moment)
    job = import_start(user=owner, upload=_file(_own(_entry(1), _entry(2))))
    assert (job.created_count, job.skipped_count) == (1, 1)


def test_the_same_file_imported_by_two_users_gives_each_their_copy(owner, outsider):
    import_start(user=owner, upload=_file(_own(_entry(1))))
    import_start(user=outsider, upload=_file(_own(_entry(1))))
    assert DiaryEntry.objects.filter(source_id="journal:test-1").count() == 2


def test_content_is_stored_exactly_as_written(owner):
    hostile = '<script>alert(document.cookie)</script><img src=x onerror="alert(1)"> **bold** \u202e'
    import_start(user=owner, upload=_file(_own(_entry(1, title="<b>t</b>", content=hostile))))
    entry = DiaryEntry.objects.get(user=owner)
    assert entry.content == hostile and entry.title == "<b>t</b>"


def test_records_are_written_in_batches_of_a_thousand(owner, monkeypatch):
    sizes = []
    real = DiaryEntry.objects.bulk_create
    monkeypatch.setattr(
        DiaryEntry.objects, "bulk_create", lambda objs, **kw: sizes.append(len(objs)) or real(objs, **kw)
    )
    parsed = import_parse(data=_many(2500), tz=UTC)
    done = []
    outcome = import_records(user_id=owner.pk, records=parsed.records, progress=done.append)
    assert (outcome.created, outcome.skipped) == (2500, 0)
    assert sizes == [1000, 1000, 500] and done == [1000, 2000, 2500]


# --- refusals ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload, message",
    [
        (b"", "The file is empty."),
        (b"date,title\n2024-01-01,hello\n", "not JSON or a zip. The importer reads this journal's JSON export or "
                                            "its Markdown zip"),
        (b"{nope", "not valid JSON (line 1, column 2)"),
        (b'{"entries": [', "not valid JSON (line 1, column 14)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8"),
        (b"[1, 2, 3]", "not an export of this journal, of Day One or of jrnl"),
        (b'{"hello": "world"}', "not an export of this journal"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
        (b'{"format": "journal-export", "version": 99, "entries": []}', "newer version"),
        (b'{"format": "journal-export", "version": 1, "entries": {}}', "no list of entries"),
        (b"PK\x03\x04 not really a zip", "zip file is damaged"),
    ],
)
def test_wrong_files_are_refused_whole(owner, payload, message):
    assert message in _refused(owner, payload)


def test_a_zip_without_json_is_refused(owner):
    message = _refused(owner, zip_of({"photo.jpg": b"123"}), "x.zip")
    assert "holds no JSON or Markdown file" in message and "cannot be imported" in message  # it names the formats


def test_the_markdown_zip_export_imports_back_whole(owner_client, owner):
    from diary import services

    owner.timezone = "Europe/Warsaw"
    owner.save()
    services.entry_create(user=owner, title="Nad morzem", content="Ciepła woda.\n\n---\n\nI sól.", mood=5,
                          emotion_tags=["joy"], tags=["wakacje"], exclude_from_ai=True,
                          created_at=datetime(2024, 7, 1, 8, 30, tzinfo=UTC))
    services.entry_create(user=owner, content="Tylko nastrój?", created_at=datetime(2024, 7, 2, tzinfo=UTC))
    services.entry_create(user=owner, mood=2, created_at=datetime(2024, 7, 3, tzinfo=UTC))  # a check-in
    before = _entries(owner)
    data = b"".join(owner_client.get("/settings/export/markdown/").streaming_content)
    # The same file twice adds nothing: every entry is already there.
    assert import_start(user=owner, upload=_file(data, "entries.zip")).skipped_count == 3
    DiaryEntry.objects.filter(user=owner).delete()
    job = import_start(user=owner, upload=_file(data, "entries.zip"))
    assert (job.file_format, job.created_count) == ("journal", 3)
    assert _entries(owner) == before


def _entries(user) -> list[dict]:
    """The user's entries as values, their sealed title and text opened."""
    from accounts.keys import unseal_row

    rows = DiaryEntry.objects.filter(user=user).order_by("created_at").values(
        "title", "content", "mood", "emotion_tags", "tags", "exclude_from_ai", "created_at")
    return [unseal_row(row, model=DiaryEntry, user_id=user.pk) for row in rows]


def test_a_markdown_file_without_front_matter_is_refused_by_name(owner):
    message = _refused(owner, zip_of({"notes/a.md": b"Just text."}), "x.zip")
    assert message.startswith("notes/a.md: The Markdown file has no front matter")


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"mood": 6}, "Entry 3: the mood must be a whole number from 1 to 5, or null."),
        ({"mood": "5"}, "Entry 3: the mood must be a whole number"),
        ({"mood": True}, "Entry 3: the mood must be a whole number"),
        ({"mood": 4.5}, "Entry 3: the mood must be a whole number"),
        ({"emotion_tags": ["joy", "smug"]}, 'Entry 3: unknown emotion "smug".'),
        ({"emotion_tags": "joy"}, "Entry 3: emotion_tags must be a list"),
        ({"created_at": "yesterday"}, "Entry 3: the date must be a date and time"),
        ({"created_at": None}, "Entry 3: the date must be a date and time"),
        ({"created_at": "0001-01-01T00:00:00+00:00"}, "Entry 3: the date must be between the years 1900 and 2200"),
        ({"title": "t" * 201}, "Entry 3: the title is longer than 200 characters."),
        ({"content": "x" * 100_001}, "Entry 3: the content is longer than 100,000 characters."),
        ({"content": 42}, "Entry 3: the content must be text."),
        ({"content": "nul \x00 byte"}, "Entry 3: the content contains a NUL character."),
        ({"content": "lone \ud800 surrogate"}, "Entry 3: the content contains characters that are not valid Unicode."),
        ({"exclude_from_ai": "no"}, "Entry 3: exclude_from_ai must be true or false."),
        ({"uid": "u" * 200}, "Entry 3: the id is longer than 128 characters."),
        ({"uid": 7}, "Entry 3: the id must be text."),
    ],
)
def test_the_first_bad_record_is_named_and_nothing_is_imported(owner, fields, message, monkeypatch):
    monkeypatch.setattr(imports, "IMPORT_INLINE_MAX_BYTES", 10 * 2**20)  # validated during the upload
    payload = _own(_entry(1), _entry(2), _entry(3, **fields), _entry(4, mood=99))
    assert message in _refused(owner, payload)


def test_a_record_that_is_not_an_object_is_named(owner):
    assert "Entry 2: it is not an object." in _refused(owner, _own(_entry(1), "just a string"))


def test_duplicate_ids_with_different_content_are_refused(owner):
    message = _refused(owner, _own(_entry(1), _entry(2), _entry(1, content="something else")))
    assert message == "Entry 3: it has the same id as entry 1 but different content."


def test_a_record_repeated_in_the_file_is_imported_once(owner):
    job = import_start(user=owner, upload=_file(_own(_entry(1), _entry(2), _entry(1))))
    assert (job.created_count, job.skipped_count) == (2, 1)


def test_day_one_and_jrnl_records_are_validated_too(owner):
    bad_dayone = {"metadata": {}, "entries": [{"uuid": "A", "creationDate": "2020-13-45T00:00:00Z", "text": "x"}]}
    assert "Entry 1: creationDate must be a date and time" in _refused(owner, bad_dayone)
    bad_jrnl = {"tags": {}, "entries": [{"title": "t", "body": "b", "date": "2020-02-30", "time": "09:00"}]}
    assert "Entry 1: date and time must look like 2024-05-01 and 18:30." in _refused(owner, bad_jrnl)


def test_zip_bomb_is_stopped_at_the_limit(owner, settings):
    settings.IMPORT_MAX_BYTES = 50_000
    bomb = zip_of({"Journal.json": b'{"metadata": {}, "entries": [], "pad": "' + b"0" * 5_000_000 + b'"}'})
    assert len(bomb) < 50_000
    assert "larger than" in _refused(owner, bomb, "bomb.zip")


# --- the page --------------------------------------------------------------------------------------------


def test_visitor_cannot_import(client):
    assert client.post("/settings/import/", {"file": _file(_own(_entry(1)))}).status_code == 302


def test_page_import_of_a_small_file_shows_the_result(owner_client, owner):
    response = owner_client.post("/settings/import/", {"file": _file(_own(_entry(1), _entry(2)))})
    job = ImportJob.objects.get(user=owner)
    assert response.status_code == 302 and response.url == f"/settings/import/{job.pk}/"
    page = owner_client.get(response.url)
    assert page.status_code == 200
    assert b"2 entries added." in page.content and b'http-equiv="refresh"' not in page.content


def test_page_shows_the_error_beside_the_field_and_keeps_nothing(owner_client, owner):
    response = owner_client.post(
        "/settings/import/", {"file": _file(_own(_entry(1), _entry(2, emotion_tags=["<script>x</script>"])))}
    )
    assert response.status_code == 400
    assert b"Entry 2: unknown emotion &quot;&lt;script&gt;x&lt;/script&gt;&quot;." in response.content
    assert b"<script>x" not in response.content
    assert not DiaryEntry.objects.filter(user=owner).exists()


def test_page_without_a_file_is_a_400(owner_client):
    response = owner_client.post("/settings/import/", {})
    assert response.status_code == 400 and b"Choose a file" in response.content


def test_page_refuses_a_file_over_the_limit_with_413(owner_client, owner, settings):
    settings.IMPORT_MAX_BYTES = 2048
    response = owner_client.post("/settings/import/", {"file": _file(b" " * 3000)})
    assert response.status_code == 413
    assert not ImportJob.objects.exists()


def test_import_page_lists_recent_imports(owner_client, owner, outsider):
    import_start(user=owner, upload=_file(_own(_entry(1))))
    import_start(user=outsider, upload=_file(_own(_entry(1))))
    response = owner_client.get("/settings/import/")
    assert response.status_code == 200 and response.content.count(b"/settings/import/") >= 2
    assert len(response.context["jobs"]) == 1


# --- large files: the background task --------------------------------------------------------------------


@pytest.fixture
def small_inline_limit(monkeypatch):
    monkeypatch.setattr(imports, "IMPORT_INLINE_MAX_BYTES", 100)


def test_large_file_is_imported_by_the_task_with_progress(
    owner_client, owner, small_inline_limit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = owner_client.post("/settings/import/", {"file": _file(_own(_entry(1), _entry(2), _entry(3)))})
    job = ImportJob.objects.get(user=owner)
    assert response.url == f"/settings/import/{job.pk}/" and len(callbacks) == 1
    # The file waits sealed with the owner's key (docs/encryption.md).
    from accounts.keys import unseal_bytes

    assert job.status == "pending" and bytes(job.payload)[:1] != b"{"
    assert unseal_bytes(user_id=owner.pk, field=imports.PAYLOAD_FIELD, data=bytes(job.payload))[:1] == b"{"
    assert not DiaryEntry.objects.filter(user=owner).exists()

    waiting = owner_client.get(response.url)
    assert b'<meta http-equiv="refresh" content="2">' in waiting.content and b"Waiting" in waiting.content

    ImportJob.objects.filter(pk=job.pk).update(status="running", total=3)
    cache.set(f"import:progress:{job.pk}", 2)
    running = owner_client.get(response.url)
    assert b"Importing: 2 of 3 entries." in running.content and b'value="66"' in running.content

    ImportJob.objects.filter(pk=job.pk).update(status="pending")
    import_entries(job.pk)
    job.refresh_from_db()
    assert (job.status, job.total, job.processed, job.created_count, job.payload) == ("done", 3, 3, 3, None)
    assert job.finished_at is not None
    assert DiaryEntry.objects.filter(user=owner).count() == 3
    done = owner_client.get(response.url)
    assert b"3 entries added." in done.content and b"refresh" not in done.content


def test_the_task_is_idempotent(owner, small_inline_limit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = import_start(user=owner, upload=_file(_own(_entry(1), _entry(2))))
    import_entries(job.pk)
    import_entries(job.pk)
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("done", 2)
    assert DiaryEntry.objects.filter(user=owner).count() == 2


def test_a_bad_large_file_fails_the_job_naming_the_record(owner_client, owner, small_inline_limit,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = import_start(user=owner, upload=_file(_own(_entry(1), _entry(2), _entry(3, mood=0))))
    import_entries(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.payload is None
    assert job.error == "Entry 3: the mood must be a whole number from 1 to 5, or null."
    assert not DiaryEntry.objects.filter(user=owner).exists()
    page = owner_client.get(f"/settings/import/{job.pk}/")
    assert b"Nothing was imported." in page.content and b"Entry 3: the mood" in page.content


def test_a_database_failure_fails_the_job_without_a_trace_of_text(owner, small_inline_limit, monkeypatch, caplog,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = import_start(user=owner, upload=_file(_own(_entry(1, content="very private words"))))

    def broken(*args, **kwargs):
        raise RuntimeError("very private words")

    monkeypatch.setattr(imports, "import_records", broken)
    import_entries(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "nothing was imported" in job.error
    assert "private" not in caplog.text and "RuntimeError" in caplog.text


def test_outsider_gets_404_for_an_import_job(client, owner, outsider):
    job = import_start(user=owner, upload=_file(_own(_entry(1))))
    client.force_login(outsider)
    assert client.get(f"/settings/import/{job.pk}/").status_code == 404
    job.refresh_from_db()
    assert job.status == "done" and job.user_id == owner.pk


# --- the API ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_import_needs_credentials(api_client):
    assert api_client.post("/api/v1/import/", {"file": _file(_own())}, format="multipart").status_code == 401


def test_api_imports_a_small_file_at_once(owner_api, owner):
    response = owner_api.post("/api/v1/import/", {"file": _file(DAYONE)}, format="multipart")
    assert response.status_code == 201
    data = response.json()
    assert (data["status"], data["format"], data["created"], data["skipped"]) == ("done", "dayone", 2, 1)
    assert data["status_url"].endswith(f"/api/v1/import/{data['id']}/")


def test_api_refuses_a_bad_file_with_400_naming_the_record(owner_api, owner):
    response = owner_api.post("/api/v1/import/", {"file": _file(_own(_entry(1), _entry(2, mood=9)))},
                              format="multipart")
    assert response.status_code == 400
    assert response.json() == {"detail": "Entry 2: the mood must be a whole number from 1 to 5, or null."}
    assert not DiaryEntry.objects.filter(user=owner).exists()


def test_api_without_a_file_is_a_400(owner_api):
    response = owner_api.post("/api/v1/import/", {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


def test_api_refuses_a_file_over_the_limit_with_413(owner_api, settings):
    settings.IMPORT_MAX_BYTES = 2048
    response = owner_api.post("/api/v1/import/", {"file": _file(b"x" * 4000)}, format="multipart")
    assert response.status_code == 413 and "detail" in response.json()


def test_api_queues_a_large_file_and_reports_its_status(owner_api, outsider_api, owner, small_inline_limit,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = owner_api.post("/api/v1/import/", {"file": _file(JRNL)}, format="multipart")
    assert response.status_code == 202
    data = response.json()
    assert data["status"] == "pending"
    import_entries(data["id"])
    status = owner_api.get(f"/api/v1/import/{data['id']}/").json()
    assert (status["status"], status["format"], status["created"], status["percent"]) == ("done", "jrnl", 2, 100)
    assert outsider_api.get(f"/api/v1/import/{data['id']}/").status_code == 404


@pytest.mark.slow
@pytest.mark.skipif(connection.vendor == "sqlite", reason="real concurrency on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_file_at_the_same_moment_create_each_entry_once():
    owner = UserFactory(username="owner")
    parsed = import_parse(data=_many(1500), tz=UTC)
    results = run_at_once(lambda: import_records(user_id=owner.pk, records=parsed.records))
    assert not [outcome for outcome in results if isinstance(outcome, Exception)], results
    assert sorted((outcome.created, outcome.skipped) for outcome in results) == [(0, 1500), (1500, 0)]
    assert DiaryEntry.objects.filter(user=owner).count() == 1500


# --- A worker killed mid-import (import_jobs_resume) ----------------------------------------------------


def _killed_mid_import(owner, *, minutes_ago: int):
    """A large file's job as a killed worker leaves it: taken up, running, its count in the cache."""
    from django.utils import timezone

    job = import_start(user=owner, upload=_file(_own(_entry(1), _entry(2), _entry(3))))
    then = timezone.now() - imports.IMPORT_STALL - timezone.timedelta(minutes=minutes_ago)
    ImportJob.objects.filter(pk=job.pk).update(status="running", total=3, created_at=then, started_at=then)
    cache.set(f"import:progress:{job.pk}", 2)
    return job


def test_an_import_whose_worker_was_killed_is_handed_on_and_imports_once(
    owner, small_inline_limit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        job = _killed_mid_import(owner, minutes_ago=1)
    with django_capture_on_commit_callbacks(execute=False) as handed:
        assert imports.import_jobs_resume() == 1
    assert len(handed) == 1  # the task, sent after the commit (through the outbox with a broker)
    job.refresh_from_db()
    assert job.status == "running" and job.started_at > job.created_at
    assert cache.get(f"import:progress:{job.pk}") is None  # no stale "2 of 3" while it waits
    with django_capture_on_commit_callbacks(execute=False):
        assert imports.import_jobs_resume() == 0  # handed on once, not every minute
    import_entries(job.pk)
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("done", 3)
    assert DiaryEntry.objects.filter(user=owner).count() == 3


def test_a_job_taken_up_moments_ago_waiting_in_the_queue_or_finished_is_left_alone(
    owner, small_inline_limit, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):
        job = import_start(user=owner, upload=_file(_own(_entry(1), _entry(2))))
        # Pending for an hour: still the broker's (a long queue), never handed out twice.
        ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - imports.IMPORT_STALL * 12)
        assert imports.import_jobs_resume() == 0
        ImportJob.objects.filter(pk=job.pk).update(status="running", started_at=timezone.now())
        assert imports.import_jobs_resume(now=timezone.now() + imports.IMPORT_STALL / 2) == 0
        import_entries(job.pk)
        assert imports.import_jobs_resume(now=timezone.now() + imports.IMPORT_STALL * 2) == 0


@pytest.mark.django_db(transaction=True)
def test_a_job_a_live_worker_is_importing_is_left_alone(owner, small_inline_limit):
    """The live worker holds the job's row lock while it inserts; the watchdog skips a locked row."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL")
    import threading

    from django.db import transaction

    job = _killed_mid_import(owner, minutes_ago=1)
    locked, release = threading.Event(), threading.Event()

    def live_worker() -> None:
        try:
            with transaction.atomic():
                list(ImportJob.objects.select_for_update().filter(pk=job.pk))
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=live_worker)
    worker.start()
    try:
        assert locked.wait(10)
        assert imports.import_jobs_resume() == 0
    finally:
        release.set()
        worker.join(10)
    assert imports.import_jobs_resume() == 1  # the lock is gone: now it is a lost job


def test_beat_queues_the_watchdog_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["portability-resume-stalled-imports"]
    assert entry["task"] == "portability.resume_stalled_imports" and entry["schedule"] == 60.0


def test_a_second_delivery_that_gives_up_never_fails_a_finished_job(owner, small_inline_limit,
                                                                     django_capture_on_commit_callbacks):
    """A duplicate waiting on the first delivery's lock may time out; by then the job is done and stays so."""
    with django_capture_on_commit_callbacks(execute=False):
        job = import_start(user=owner, upload=_file(_own(_entry(1), _entry(2))))
    import_entries(job.pk)
    imports._fail(job.pk, error="nothing was imported")  # what the duplicate's except clause runs
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("done", 2)
