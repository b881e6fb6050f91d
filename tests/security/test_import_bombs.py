"""Imports: a zip is judged by what it holds, unpacked with a hard cap, and every failure ends its job.

The inline/task decision reads the expanded size from the zip's directory, a
member that expands more than IMPORT_ZIP_MAX_RATIO times is refused before it
is unpacked, and unpacking stops at the size the directory claims. Memory is
measured with tracemalloc around the import itself (docs/import-limits.md).
"""

import json
import struct
import tracemalloc
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from diary.models import DiaryEntry, ImportJob
from portability import imports
from portability.imports import import_start
from portability.readers import ImportInvalid
from portability.tasks import cleanup_import_jobs, import_entries
from portability.tests.files import zip_of

MEGABYTE = 2**20
# The bomb itself is about 20 KB; its JSON would be 20 MB once unpacked.
MEMORY_BOUND = 4 * MEGABYTE


def _bomb() -> bytes:
    return zip_of({"Journal.json": b'{"metadata": {}, "entries": [], "pad": "' + b"0" * 20 * MEGABYTE + b'"}'})


def _export(count: int) -> bytes:
    entries = [
        {"uid": f"u{i}", "created_at": "2024-01-01T10:00:00+00:00", "title": f"Entry {i}",
         "content": f"{i * 7919 % 100_003} words {i}", "mood": 3, "emotion_tags": ["calm"]}
        for i in range(count)
    ]
    return json.dumps({"format": "journal-export", "version": 1, "entries": entries}).encode()


def _patched(data: bytes, *, flags: int | None = None, size: int | None = None) -> bytes:
    """The zip with its first member's flags or uncompressed size rewritten in both headers."""
    data = bytearray(data)
    local, central = data.index(b"PK\x03\x04"), data.index(b"PK\x01\x02")
    if flags is not None:
        struct.pack_into("<H", data, local + 6, flags)
        struct.pack_into("<H", data, central + 8, flags)
    if size is not None:
        struct.pack_into("<I", data, local + 22, size)
        struct.pack_into("<I", data, central + 24, size)
    return bytes(data)


def _upload(data: bytes, name: str = "export.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


def _peak(function) -> int:
    tracemalloc.start()
    try:
        function()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def _queued(owner, data: bytes) -> ImportJob:
    return ImportJob.objects.create(user=owner, payload=data)


@pytest.mark.django_db
def test_a_small_zip_that_expands_past_the_inline_limit_goes_to_the_task(owner, django_capture_on_commit_callbacks):
    data = zip_of({"Journal.json": _export(3000)})
    assert len(data) < imports.IMPORT_INLINE_MAX_BYTES < imports.import_expanded_size(data)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = import_start(user=owner, upload=_upload(data))
    assert job.status == "pending" and len(callbacks) == 1
    assert not DiaryEntry.objects.filter(user=owner).exists()
    import_entries(job.pk)
    job.refresh_from_db()
    assert (job.status, job.created_count, job.payload) == ("done", 3000, None)


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_inline_in_bounded_memory(owner):
    bomb = _bomb()
    assert len(bomb) < 64 * 1024

    def run():
        with pytest.raises(ImportInvalid, match="expands too much"):
            import_start(user=owner, upload=_upload(bomb))

    assert _peak(run) < MEMORY_BOUND
    assert not ImportJob.objects.filter(user=owner).exists()


@pytest.mark.django_db
def test_a_zip_bomb_fails_its_task_in_bounded_memory(owner):
    job = _queued(owner, _bomb())
    assert _peak(lambda: import_entries(job.pk)) < MEMORY_BOUND
    job.refresh_from_db()
    assert job.status == "failed" and "expands too much" in job.error and job.payload is None


@pytest.mark.django_db
def test_a_zip_whose_directory_understates_its_size_is_cut_at_that_size(owner):
    liar = _patched(zip_of({"Journal.json": _export(1) + b" " * 5 * MEGABYTE}), size=1000)

    def run():
        with pytest.raises(ImportInvalid, match="damaged"):
            import_start(user=owner, upload=_upload(liar))

    assert _peak(run) < MEMORY_BOUND
    job = _queued(owner, liar)
    assert _peak(lambda: import_entries(job.pk)) < MEMORY_BOUND
    job.refresh_from_db()
    assert job.status == "failed" and "damaged" in job.error and job.payload is None


@pytest.mark.django_db
def test_the_api_refuses_a_zip_bomb_with_a_translated_400(owner_api):
    response = owner_api.post("/api/v1/import/", {"file": _upload(_bomb())}, format="multipart",
                              HTTP_ACCEPT_LANGUAGE="pl")
    assert response.status_code == 400
    expected = "Plik zip po rozpakowaniu jest zbyt duży jak na eksport (Journal.json)."
    assert response.json()["detail"] == expected


# --- every failure ends the job -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/import/", "/settings/import/"])
def test_an_encrypted_zip_is_a_400_not_a_500(owner, owner_api, owner_client, path):
    encrypted = _patched(zip_of({"Journal.json": _export(1)}), flags=0x1)
    client = owner_api if path.startswith("/api/") else owner_client
    response = client.post(path, {"file": _upload(encrypted)})
    assert response.status_code == 400
    assert "password" in response.content.decode()
    assert not ImportJob.objects.filter(user=owner).exists()


@pytest.mark.django_db
def test_an_encrypted_zip_fails_its_task_and_drops_the_payload(owner):
    job = _queued(owner, _patched(zip_of({"Journal.json": _export(1)}), flags=0x1))
    import_entries(job.pk)
    job.refresh_from_db()
    assert (job.status, job.payload) == ("failed", None)
    assert "password" in job.error and job.finished_at is not None


@pytest.mark.django_db
def test_an_unexpected_error_while_reading_fails_the_task_and_drops_the_payload(owner, monkeypatch, caplog):
    job = _queued(owner, _export(2))

    def broken(**kwargs):
        raise KeyError("private words")

    monkeypatch.setattr(imports, "import_parse", broken)
    import_entries(job.pk)
    job.refresh_from_db()
    assert (job.status, job.payload) == ("failed", None)
    assert job.error == "The import failed and nothing was imported. Please try again."
    assert "private" not in caplog.text and "KeyError" in caplog.text


@pytest.mark.django_db
def test_an_unexpected_error_inline_is_a_400_and_a_failed_job(owner, owner_api, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("private words")

    monkeypatch.setattr(imports, "import_records", broken)
    response = owner_api.post("/api/v1/import/", {"file": _upload(_export(1), "export.json")}, format="multipart")
    assert response.status_code == 400
    assert response.json()["detail"] == "The import failed and nothing was imported. Please try again."
    job = ImportJob.objects.get(user=owner)
    assert (job.status, job.payload, job.error) == ("failed", None, response.json()["detail"])


@pytest.mark.django_db
def test_cleanup_fails_stuck_jobs_and_drops_every_payload_no_job_needs(owner):
    old = timezone.now() - imports.IMPORT_JOB_STALE - timedelta(minutes=1)
    stuck = ImportJob.objects.create(user=owner, payload=b"{}", status="running", created_at=old)
    never_run = ImportJob.objects.create(user=owner, payload=b"{}", created_at=old)
    waiting = ImportJob.objects.create(user=owner, payload=b"{}")
    done = ImportJob.objects.create(user=owner, payload=b"{}", status="done")
    assert cleanup_import_jobs() == 3
    for job in (stuck, never_run):
        job.refresh_from_db()
        assert (job.status, job.payload) == ("failed", None) and job.error and job.finished_at
    waiting.refresh_from_db()
    done.refresh_from_db()
    assert (waiting.status, bytes(waiting.payload)) == ("pending", b"{}")
    assert (done.status, done.payload) == ("done", None)


def test_beat_runs_the_import_cleanup():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "portability.cleanup_import_jobs" in tasks
