"""The photos of an entry in the JSON API: list, caption, order, the entry's representation, who may
touch them, the query count of the entry list, and the upload metrics (docs/api.md, docs/photos.md)."""

import json

import pytest
from prometheus_client import REGISTRY

from diary import api
from diary.models import Attachment
from diary.tests import photo_files
from diary.tests.factories import EntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def photos(local_photo_store, owner_api, photo_entry, upload):
    """Three photos of the owner's entry, thumbnails made, in the order they were added (as the API shows
    them now: with their thumbnails' address)."""
    for i in range(3):
        upload(photo_entry, photo_files.jpeg(10 + i, 10), caption=f"Photo {i}")
    return owner_api.get(f"/api/v1/entries/{photo_entry.pk}/attachments/").json()


def _order(entry) -> list[int]:
    return list(Attachment.objects.filter(entry=entry).values_list("pk", flat=True))


def _snapshot(photo_id: int) -> tuple:
    row = Attachment.objects.get(pk=photo_id)
    return row.caption, row.position, row.entry_id, row.original, row.digest


# --- Reading and changing ---------------------------------------------------------------------------


def test_the_entry_carries_its_photos_in_order(owner_api, photo_entry, photos):
    detail = owner_api.get(f"/api/v1/entries/{photo_entry.pk}/").json()
    assert [item["id"] for item in detail["attachments"]] == [photo["id"] for photo in photos]
    assert detail["attachments"][0]["caption"] == "Photo 0"
    assert detail["attachments"][0]["thumbnail_url"].endswith("/320")
    listed = owner_api.get("/api/v1/entries/").json()["results"]
    assert listed[0]["attachments"] == detail["attachments"]
    one = owner_api.get(f"/api/v1/entries/{photo_entry.pk}/attachments/{photos[1]['id']}/").json()
    assert one == detail["attachments"][1]


def test_an_entry_without_photos_has_an_empty_list(owner_api, owner):
    entry = EntryFactory(user=owner)
    assert owner_api.get(f"/api/v1/entries/{entry.pk}/").json()["attachments"] == []
    assert owner_api.get(f"/api/v1/entries/{entry.pk}/attachments/").json() == []


def test_the_caption_changes(owner_api, photo_entry, photos):
    path = f"/api/v1/entries/{photo_entry.pk}/attachments/{photos[0]['id']}/"
    response = owner_api.patch(path, {"caption": "  The old bridge  "}, format="json")
    assert response.status_code == 200
    assert response.json()["caption"] == "The old bridge"
    assert Attachment.objects.get(pk=photos[0]["id"]).caption == "The old bridge"


@pytest.mark.parametrize("body", [{"caption": "x" * 501}, {"caption": 5}, {}, {"caption": None}])
def test_a_bad_caption_is_refused(owner_api, photo_entry, photos, body):
    path = f"/api/v1/entries/{photo_entry.pk}/attachments/{photos[0]['id']}/"
    assert owner_api.patch(path, body, format="json").status_code == 400
    assert Attachment.objects.get(pk=photos[0]["id"]).caption == "Photo 0"


def test_the_photos_take_the_order_given(owner_api, photo_entry, photos):
    order = [photos[2]["id"], photos[0]["id"], photos[1]["id"]]
    response = owner_api.put(f"/api/v1/entries/{photo_entry.pk}/attachments/order/", {"order": order},
                             format="json")
    assert response.status_code == 200
    assert [item["id"] for item in response.json()] == order
    assert _order(photo_entry) == order
    assert [item["id"] for item in owner_api.get(f"/api/v1/entries/{photo_entry.pk}/").json()["attachments"]] == order


@pytest.mark.parametrize("pick", [
    lambda ids, other: ids[:2],  # one left out
    lambda ids, other: [*ids, ids[0]],  # one twice
    lambda ids, other: [ids[0], ids[1], ids[1]],  # one twice, one left out
    lambda ids, other: [*ids[:2], other],  # another entry's photo in place of one
    lambda ids, other: [*ids, other],  # another entry's photo as well
    lambda ids, other: [],
])
def test_an_order_must_name_every_photo_once(owner_api, owner, photo_entry, photos, upload, pick):
    other = upload(EntryFactory(user=owner), photo_files.png()).json()["id"]
    before = _order(photo_entry)
    response = owner_api.put(f"/api/v1/entries/{photo_entry.pk}/attachments/order/",
                             {"order": pick(before, other)}, format="json")
    assert response.status_code == 400
    assert "order" in response.json()
    assert _order(photo_entry) == before


# --- Who may ---------------------------------------------------------------------------------------


def test_outsider_gets_404_for_every_photo_route_and_changes_nothing(outsider_api, outsider, photo_entry, photos,
                                                                      local_photo_store):
    photo = photos[0]
    before = _snapshot(photo["id"])
    stored = local_photo_store.names()
    base = f"/api/v1/entries/{photo_entry.pk}/attachments/"
    calls = [
        ("get", photo["url"], None),
        ("get", photo["thumbnail_url"], None),
        ("get", base, None),
        ("post", base, {"file": photo_files.upload_file()}),
        ("get", f"{base}{photo['id']}/", None),
        ("patch", f"{base}{photo['id']}/", {"caption": "Mine now"}),
        ("delete", f"{base}{photo['id']}/", None),
        ("put", f"{base}order/", {"order": [p["id"] for p in reversed(photos)]}),
    ]
    for method, path, body in calls:
        if body is None:
            response = getattr(outsider_api, method)(path)
        else:
            response = getattr(outsider_api, method)(path, body, format="multipart" if method == "post" else "json")
        assert response.status_code == 404, (method, path)
        assert b"Photo 0" not in b"".join(getattr(response, "streaming_content", [response.content]))

    # Their own entry's address with the owner's photo is no way in either.
    theirs = EntryFactory(user=outsider)
    response = outsider_api.patch(f"/api/v1/entries/{theirs.pk}/attachments/{photo['id']}/", {"caption": "x"},
                                  format="json")
    assert response.status_code == 404
    assert _snapshot(photo["id"]) == before
    assert _order(photo_entry) == [p["id"] for p in photos]
    assert local_photo_store.names() == stored


def test_a_photo_is_found_only_under_its_own_entry(owner_api, owner, photo_entry, photos):
    other = EntryFactory(user=owner)
    path = f"/api/v1/entries/{other.pk}/attachments/{photos[0]['id']}/"
    assert owner_api.get(path).status_code == 404
    assert owner_api.patch(path, {"caption": "x"}, format="json").status_code == 404
    assert owner_api.delete(path).status_code == 404
    assert Attachment.objects.get(pk=photos[0]["id"]).caption == "Photo 0"


def test_a_visitor_gets_401(api_client, photo_entry, photos):
    photo = photos[0]
    base = f"/api/v1/entries/{photo_entry.pk}/attachments/"
    for method, path in (("get", photo["url"]), ("get", base), ("post", base), ("get", f"{base}{photo['id']}/"),
                         ("patch", f"{base}{photo['id']}/"), ("delete", f"{base}{photo['id']}/"),
                         ("put", f"{base}order/")):
        assert getattr(api_client, method)(path).status_code == 401, (method, path)
    assert Attachment.objects.count() == 3


def test_a_wrong_digest_or_variant_answers_404(owner_api, photos):
    photo_id, digest = photos[0]["id"], Attachment.objects.get(pk=photos[0]["id"]).digest
    assert owner_api.get(f"/diary/photos/{photo_id}/{digest}/original").status_code == 200
    other_digest = Attachment.objects.get(pk=photos[1]["id"]).digest
    for path in (f"/diary/photos/{photo_id}/{other_digest}/original", f"/diary/photos/{photo_id}/{'0' * 32}/320",
                 f"/diary/photos/{photo_id}/{digest}/640", f"/diary/photos/{photo_id}/{digest}/file_key"):
        assert owner_api.get(path).status_code == 404, path


def test_a_thumbnail_not_made_yet_answers_404(owner_api, local_photo_store, photo_entry, upload):
    created = upload(photo_entry, photo_files.jpeg(), after_commit=False).json()
    row = Attachment.objects.get(pk=created["id"])
    assert not row.thumbs_ready and created["thumbnail_url"] is None
    assert owner_api.get(f"/diary/photos/{row.pk}/{row.digest}/320").status_code == 404
    assert owner_api.get(created["url"]).status_code == 200


# --- Cost ------------------------------------------------------------------------------------------


def _photo_rows(entry, count: int) -> None:
    for position in range(1, count + 1):
        Attachment.objects.create(user_id=entry.user_id, entry=entry, position=position, content_type="image/jpeg",
                                  width=4, height=3, byte_size=10, stored_bytes=40, digest="ab" * 16,
                                  file_key="a2V5", original=f"u{entry.user_id}/e{entry.pk}-{position}",
                                  thumbs_ready=True)


@pytest.mark.parametrize("with_photos", [1, 20])
def test_the_entry_list_reads_every_photo_in_one_query(call_api, owner, django_assert_num_queries, with_photos):
    entries = [EntryFactory(user=owner) for _ in range(20)]
    for entry in entries[:with_photos]:
        _photo_rows(entry, 3)
    view = api.EntryListCreateApi.as_view()
    # 1. one page of the user's entries (LIMIT page size + 1)
    # 2. the photos of the page's entries, all at once (diary.attachments.attachments_by_entry)
    with django_assert_num_queries(2):
        response = call_api(view, owner, "/api/v1/entries/")
    results = json.loads(response.content)["results"]
    assert sum(len(item["attachments"]) for item in results) == 3 * with_photos


def test_the_entry_detail_reads_its_photos_in_one_query(call_api, owner, django_assert_num_queries):
    entry = EntryFactory(user=owner)
    _photo_rows(entry, 5)
    # 1. the entry, by id and owner
    # 2. its photos, without their keys
    with django_assert_num_queries(2):
        response = call_api(api.EntryDetailApi.as_view(), owner, f"/api/v1/entries/{entry.pk}/", entry_id=entry.pk)
    assert len(json.loads(response.content)["attachments"]) == 5


# --- Metrics ---------------------------------------------------------------------------------------


def _sample(name: str, labels: dict | None = None) -> float:
    return REGISTRY.get_sample_value(name, labels or {}) or 0


def test_uploads_are_counted_by_outcome_at_metrics(client, local_photo_store, photo_entry, upload):
    kept = _sample("photo_uploads_total", {"outcome": "kept"})
    polyglot = _sample("photo_uploads_total", {"outcome": "polyglot"})
    kept_bytes = _sample("photo_upload_bytes_total")
    thumbnails = _sample("photo_thumbnail_duration_seconds_count")

    created = upload(photo_entry, photo_files.jpeg())
    assert created.status_code == 201
    assert upload(photo_entry, photo_files.jpeg_with_script()).status_code == 400

    assert _sample("photo_uploads_total", {"outcome": "kept"}) == kept + 1
    assert _sample("photo_uploads_total", {"outcome": "polyglot"}) == polyglot + 1
    assert _sample("photo_upload_bytes_total") == kept_bytes + Attachment.objects.get().byte_size
    assert _sample("photo_thumbnail_duration_seconds_count") == thumbnails + 1
    text = client.get("/metrics").content.decode()
    for line in ('photo_uploads_total{outcome="kept"}', 'photo_uploads_total{outcome="polyglot"}',
                 "photo_upload_bytes_total", "photo_thumbnail_duration_seconds_bucket"):
        assert line in text, line
