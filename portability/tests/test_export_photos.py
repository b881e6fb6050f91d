"""Export of a user with photos: a zip of the JSON and the photos' originals, written one photo at a time."""

import io
import json
import random
import zipfile
from datetime import UTC, datetime

import pytest
from PIL import Image

from diary.attachments import attachment_create, attachment_read, attachment_reorder
from diary.models import Attachment
from diary.tests.factories import EntryFactory
from portability.exports import STREAM_CHUNK_BYTES
from portability.tests.photos import has_gps, jpeg_with_gps, md5, png

pytestmark = pytest.mark.usefixtures("photo_store")


def _photo(entry, data: bytes, caption: str = "") -> Attachment:
    return attachment_create(entry=entry, source=io.BytesIO(data), caption=caption)


def _download(client, path="/settings/export/json/"):
    response = client.get(path)
    assert response.status_code == 200
    assert response.streaming
    return response, b"".join(response.streaming_content)


@pytest.fixture
def album(owner):
    """Two entries of the owner's with photos (the PNG put first), one without."""
    owner.timezone = "Europe/Warsaw"
    owner.save()
    sea = EntryFactory(user=owner, title="Sea", content="Before the photo.",
                       created_at=datetime(2024, 6, 1, 9, 0, tzinfo=UTC))
    jpeg = _photo(sea, jpeg_with_gps(), caption="Gdańsk at dawn")
    drawing = _photo(sea, png())
    attachment_reorder(entry=sea, order=[drawing.pk, jpeg.pk])
    EntryFactory(user=owner, title="Plain", content="No photos today.",
                 created_at=datetime(2024, 6, 2, 9, 0, tzinfo=UTC))
    hill = EntryFactory(user=owner, title="Hill", content="x", created_at=datetime(2024, 6, 3, 9, 0, tzinfo=UTC))
    small = _photo(hill, png((5, 5)), caption="small")
    return {"owner": owner, "sea": [drawing, jpeg], "small": small}


def test_a_user_with_photos_gets_a_zip_of_the_json_and_the_originals(owner_client, album):
    response, body = _download(owner_client)
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].endswith('.zip"')
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert archive.testzip() is None
    data = json.loads(archive.read("journal.json"))
    assert data["format"] == "journal-export" and data["version"] == 1
    sea, plain, _hill = data["entries"]
    assert plain["attachments"] == [] and [e["title"] for e in data["entries"]] == ["Sea", "Plain", "Hill"]
    drawing, jpeg = album["sea"]
    assert [a["id"] for a in sea["attachments"]] == [drawing.pk, jpeg.pk]  # the entry's order
    described = sea["attachments"][1]
    assert described == {
        "id": jpeg.pk, "path": f"photos/{jpeg.pk}.jpg", "md5": described["md5"], "caption": "Gdańsk at dawn",
        "content_type": "image/jpeg", "width": 40, "height": 30, "taken_at": "2023-05-01T10:20:30+02:00",
    }
    assert sea["attachments"][0]["path"] == f"photos/{drawing.pk}.png"
    assert sea["attachments"][0]["taken_at"] is None
    assert sorted(archive.namelist()) == sorted(
        ["journal.json", *(a["path"] for e in data["entries"] for a in e["attachments"])])
    for attachment in Attachment.objects.filter(user=album["owner"]):
        stored = archive.read(f"photos/{attachment.pk}.{'jpg' if attachment.content_type == 'image/jpeg' else 'png'}")
        assert stored == attachment_read(attachment=attachment)  # the original, opened
    for entry in data["entries"]:
        for described in entry["attachments"]:
            assert md5(archive.read(described["path"])) == described["md5"]
    # The kept copy says nothing of where the photo was taken; nor does its export.
    assert not has_gps(archive.read(f"photos/{jpeg.pk}.jpg"))


def test_the_api_export_is_the_same_zip(owner_api, album):
    response, body = _download(owner_api, "/api/v1/export/")
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    assert "journal.json" in names and len(names) == 4


def test_a_user_without_photos_keeps_the_plain_json_whoever_else_has_photos(owner_client, owner, outsider):
    EntryFactory(user=owner, title="Mine", content="words")
    _photo(EntryFactory(user=outsider, title="Theirs"), png())
    response, body = _download(owner_client)
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].endswith('.json"')
    data = json.loads(body)
    assert [e["title"] for e in data["entries"]] == ["Mine"] and "attachments" not in data["entries"][0]


def test_another_users_photos_are_never_in_the_export(owner_client, album, outsider):
    theirs = _photo(EntryFactory(user=outsider, title="Theirs", content="OUTSIDER SECRET"), png((7, 7)),
                    caption="OUTSIDER CAPTION")
    _response, body = _download(owner_client)
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert not [name for name in archive.namelist() if name.startswith(f"photos/{theirs.pk}.")]
    assert b"OUTSIDER" not in archive.read("journal.json")
    assert len(archive.namelist()) == 1 + Attachment.objects.filter(user=album["owner"]).count()


def test_the_zip_export_asks_the_same_queries_however_many_photos(owner, album, django_assert_num_queries):
    from portability.exports import export_json_zip_stream

    # The entries; the photos of up to 500 entries; the conversations.
    with django_assert_num_queries(3):
        body = b"".join(export_json_zip_stream(user=owner))
    assert len(zipfile.ZipFile(io.BytesIO(body)).namelist()) == 4
    more = EntryFactory(user=owner, title="More", content="y")
    for _ in range(3):
        _photo(more, png())
    with django_assert_num_queries(3):
        body = b"".join(export_json_zip_stream(user=owner))
    assert len(zipfile.ZipFile(io.BytesIO(body)).namelist()) == 7


def test_photos_are_handed_out_in_pieces_never_whole(owner):
    from portability.exports import export_json_zip_stream

    large = io.BytesIO()
    noise = Image.frombytes("RGB", (300, 300), random.Random(7).randbytes(300 * 300 * 3))
    noise.save(large, format="PNG")
    assert len(large.getvalue()) > 3 * STREAM_CHUNK_BYTES
    _photo(EntryFactory(user=owner, title="Noise"), large.getvalue())
    pieces = list(export_json_zip_stream(user=owner))
    assert len(pieces) > 3
    assert max(len(piece) for piece in pieces) < 2 * STREAM_CHUNK_BYTES


def test_a_photo_whose_file_cannot_be_read_is_left_out_and_the_rest_exported(owner_client, album, photo_store,
                                                                             caplog):
    lost = album["small"]
    (photo_store / lost.original).unlink()
    _response, body = _download(owner_client)
    archive = zipfile.ZipFile(io.BytesIO(body))
    hill = json.loads(archive.read("journal.json"))["entries"][2]
    assert hill["attachments"][0]["path"] is None and hill["attachments"][0]["md5"] is None
    assert len(archive.namelist()) == 3
    assert f"photo {lost.pk} cannot be read" in caplog.text
