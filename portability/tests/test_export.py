"""Export: everything the user owns, streamed, as JSON, a Markdown zip and CSV; nobody else's data."""

import csv
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from conversations.tests.factories import MessageFactory
from diary.models import DiaryEntry
from diary.tests.factories import EntryFactory
from portability.exports import STREAM_CHUNK_BYTES
from portability.imports import import_start

HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


def _body(response) -> bytes:
    assert response.streaming
    return b"".join(response.streaming_content)


def _export(client, fmt="json"):
    response = client.get(f"/settings/export/{fmt}/")
    assert response.status_code == 200
    return response, _body(response)


@pytest.fixture
def diary(owner, outsider):
    owner.timezone = "Europe/Warsaw"
    owner.save()
    EntryFactory(user=owner, title="First", content="Zażółć gęślą jaźń 🙂", mood=5, emotion_tags=["joy", "calm"],
                 tags=["spacer z psem", "Kasia"], created_at=datetime(2024, 1, 2, 8, 30, tzinfo=UTC))
    EntryFactory(user=owner, title="", content=HOSTILE, mood=None, emotion_tags=[], exclude_from_ai=True,
                 created_at=datetime(2024, 1, 3, 23, 30, 15, 123456, tzinfo=UTC))
    EntryFactory(user=owner, title="=SUM(A1:A9)", content="-1+2 looks like a formula", mood=1,
                 emotion_tags=["tired"], created_at=datetime(2024, 2, 29, 12, 0, tzinfo=UTC))
    MessageFactory(user=owner, mode="supportive", role="user", content="I had a hard day.")
    MessageFactory(user=owner, mode="supportive", role="assistant", content="That sounds heavy.")
    EntryFactory(user=outsider, title="Outsider's", content="OUTSIDER SECRET", mood=2)
    MessageFactory(user=outsider, content="OUTSIDER MESSAGE")
    return owner


def test_visitor_cannot_export(client):
    assert client.get("/settings/export/json/").status_code == 302


@pytest.mark.django_db
def test_api_export_needs_credentials(api_client):
    assert api_client.get("/api/v1/export/").status_code == 401


def test_unknown_format_is_404(owner_client):
    assert owner_client.get("/settings/export/pdf/").status_code == 404


def test_json_export_holds_profile_entries_and_conversations(owner_client, diary):
    response, body = _export(owner_client)
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="journal-')
    assert "no-store" in response["Cache-Control"]
    data = json.loads(body)
    assert data["format"] == "journal-export" and data["version"] == 1
    assert data["profile"]["username"] == "owner" and data["profile"]["timezone"] == "Europe/Warsaw"
    assert [e["title"] for e in data["entries"]] == ["First", "", "=SUM(A1:A9)"]  # oldest first
    first = data["entries"][0]
    assert first["content"] == "Zażółć gęślą jaźń 🙂" and first["mood"] == 5
    assert first["emotion_tags"] == ["joy", "calm"] and first["exclude_from_ai"] is False
    assert first["created_at"] == "2024-01-02T09:30:00+01:00"  # the user's own time, with its offset
    assert data["entries"][1]["content"] == HOSTILE and data["entries"][1]["exclude_from_ai"] is True
    assert all(e["uid"].startswith("journal:") for e in data["entries"])
    assert [(m["role"], m["content"]) for m in data["conversations"]] == [
        ("user", "I had a hard day."), ("assistant", "That sounds heavy.")
    ]


def test_no_export_ever_holds_another_users_data(owner_client, diary):
    for fmt in ("json", "markdown", "csv"):
        _, body = _export(owner_client, fmt)
        if fmt == "markdown":
            archive = zipfile.ZipFile(io.BytesIO(body))
            body = b"".join(archive.read(name) for name in archive.namelist())
        assert b"OUTSIDER" not in body and b"Outsider" not in body


def test_api_export_is_the_same_json(owner_api, diary):
    response = owner_api.get("/api/v1/export/")
    assert response.status_code == 200
    data = json.loads(_body(response))
    assert len(data["entries"]) == 3 and len(data["conversations"]) == 2


def test_api_exports_markdown_and_csv_too(owner_api, diary):
    assert owner_api.get("/api/v1/export/markdown/")["Content-Type"] == "application/zip"
    assert owner_api.get("/api/v1/export/csv/")["Content-Type"].startswith("text/csv")


def test_markdown_zip_has_one_file_per_entry_with_front_matter(owner_client, diary):
    response, body = _export(owner_client, "markdown")
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].endswith('-entries.zip"')
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert archive.testzip() is None
    names = archive.namelist()
    assert names == [
        "journal/2024/2024-01-02-0930-first.md",
        "journal/2024/2024-01-04-0030-entry.md",
        "journal/2024/2024-02-29-1300-suma1a9.md",
    ]
    first = archive.read(names[0]).decode()
    assert first.startswith('---\ntitle: "First"\ndate: 2024-01-02T09:30:00+01:00\nmood: 5\n'
                            'emotions: ["joy","calm"]\ntags: ["spacer z psem","Kasia"]\nexclude_from_ai: false\n'
                            'uid: "journal:')
    assert first.endswith("---\n\nZażółć gęślą jaźń 🙂\n")
    second = archive.read(names[1]).decode()
    assert "mood: null" in second and HOSTILE in second


def test_markdown_names_stay_unique(owner_client, owner):
    moment = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    for _ in range(3):
        EntryFactory(user=owner, title="Same", created_at=moment)
    _, body = _export(owner_client, "markdown")
    names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    assert names == ["journal/2024/2024-05-01-1000-same.md", "journal/2024/2024-05-01-1000-same-2.md",
                     "journal/2024/2024-05-01-1000-same-3.md"]


def test_csv_has_a_row_per_entry_and_defuses_formulas(owner_client, diary):
    response, body = _export(owner_client, "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["date", "title", "content", "mood", "emotions", "exclude_from_ai", "words", "uid", "tags"]
    assert len(rows) == 4
    # Three words: the emoji is none.
    assert rows[1][:7] == ["2024-01-02T09:30:00+01:00", "First", "Zażółć gęślą jaźń 🙂", "5", "joy calm", "no", "3"]
    assert rows[2][2] == HOSTILE and rows[2][3] == "" and rows[2][5] == "yes"
    assert rows[3][1] == "'=SUM(A1:A9)" and rows[3][2] == "'-1+2 looks like a formula"
    assert [row[8] for row in rows[1:]] == ["spacer z psem, Kasia", "", ""]


def test_export_streams_in_chunks_with_a_fixed_number_of_queries(owner, owner_client, django_assert_num_queries):
    now = timezone.now()
    DiaryEntry.objects.bulk_create(
        DiaryEntry(user=owner, content="x" * 200, created_at=now - timedelta(minutes=i)) for i in range(3000)
    )
    response = owner_client.get("/settings/export/json/")
    # 1. entries (one cursor, fetched 2,000 rows at a time), 2. conversation history
    with django_assert_num_queries(2):
        chunks = list(response.streaming_content)
    assert len(chunks) > 5 and max(len(c) for c in chunks) < STREAM_CHUNK_BYTES + 2000
    assert len(json.loads(b"".join(chunks))["entries"]) == 3000


def test_round_trip_export_delete_import_export_gives_the_same_entries(owner_client, diary):
    _, first = _export(owner_client)
    DiaryEntry.objects.filter(user=diary).delete()
    upload = io.BytesIO(first)
    upload.name, upload.size = "export.json", len(first)
    job = import_start(user=diary, upload=upload)
    assert (job.status, job.created_count, job.skipped_count) == ("done", 3, 0)
    _, second = _export(owner_client)

    def entries(body):
        return [{k: v for k, v in e.items() if k != "updated_at"} for e in json.loads(body)["entries"]]

    assert entries(second) == entries(first)
    # And once more, on top of what is there: nothing new.
    upload.seek(0)
    job = import_start(user=diary, upload=upload)
    assert (job.created_count, job.skipped_count) == (0, 3)
    assert DiaryEntry.objects.filter(user=diary).count() == 3


def test_importing_an_export_into_the_account_it_came_from_adds_nothing(owner_client, diary):
    _, body = _export(owner_client)
    upload = io.BytesIO(body)
    upload.name, upload.size = "export.json", len(body)
    job = import_start(user=diary, upload=upload)
    assert (job.created_count, job.skipped_count) == (0, 3)


def test_the_settings_section_offers_every_export_and_the_import_form(rf, owner):
    from django.template.loader import render_to_string

    request = rf.get("/settings/")
    request.user = owner
    html = render_to_string("portability/_data_settings.html", request=request)
    for fmt in ("json", "markdown", "csv"):
        assert f'href="/settings/export/{fmt}/"' in html
    assert 'action="/settings/import/"' in html and 'enctype="multipart/form-data"' in html
    assert 'name="csrfmiddlewaretoken"' in html and 'type="file" name="file"' in html
    assert "style=" not in html


def test_markdown_export_takes_dates_outside_the_zip_format_range(owner_client, owner):
    EntryFactory(user=owner, title="Old", created_at=datetime(1901, 6, 1, 12, tzinfo=UTC))
    EntryFactory(user=owner, title="Far", created_at=datetime(2150, 6, 1, 12, tzinfo=UTC))
    _, body = _export(owner_client, "markdown")
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert [info.date_time[0] for info in archive.infolist()] == [1980, 2107]
    assert archive.namelist() == ["journal/1901/1901-06-01-1200-old.md", "journal/2150/2150-06-01-1200-far.md"]
