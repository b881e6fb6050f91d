"""The entry read paths skip DRF's serializer: their JSON must be byte for byte what the serializer writes."""

import json
from datetime import UTC, datetime

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from diary.api import EntrySerializer
from diary.tests.factories import EntryFactory

pytestmark = pytest.mark.django_db


def serializer_bytes(data) -> bytes:
    return JSONRenderer().render(data)


@pytest.fixture
def entries(owner):
    return [
        EntryFactory(user=owner, title="Zażółć 🙂", content="line\u2028sep\u2029end \"q\" </script>", mood=None,
                     emotion_tags=[], created_at=datetime(2024, 3, 31, 0, 30, tzinfo=UTC)),
        EntryFactory(user=owner, title="", content="plain", mood=5, emotion_tags=["joy", "calm"], exclude_from_ai=True,
                     created_at=datetime(2025, 10, 26, 1, 0, 0, 123456, tzinfo=UTC)),
    ]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Warsaw", "America/Adak"])
def test_list_is_what_the_serializer_writes(zone, owner, owner_api, entries):
    owner.timezone = zone
    owner.save()
    response = owner_api.get("/api/v1/entries/?limit=1")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    with timezone.override(zone):
        expected = EntrySerializer(sorted(entries, key=lambda e: e.created_at, reverse=True)[:1], many=True).data
    assert response.content == serializer_bytes({"next": body["next"], "previous": None, "results": expected})
    assert body["next"] is not None
    second = owner_api.get(body["next"])
    with timezone.override(zone):
        expected = EntrySerializer([entries[0]], many=True).data
    assert json.loads(second.content)["results"] == json.loads(serializer_bytes(expected))


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata"])
def test_detail_is_what_the_serializer_writes(zone, owner, owner_api, entries):
    owner.timezone = zone
    owner.save()
    for entry in entries:
        response = owner_api.get(f"/api/v1/entries/{entry.pk}/")
        with timezone.override(zone):
            assert response.content == serializer_bytes(EntrySerializer(entry).data)


def test_line_separators_are_escaped_like_drf(owner_api, entries):
    content = owner_api.get(f"/api/v1/entries/{entries[0].pk}/").content
    assert b"\\u2028" in content and b"\\u2029" in content and "\u2028".encode() not in content


def test_detail_of_another_users_entry_is_404(outsider_api, entries):
    assert outsider_api.get(f"/api/v1/entries/{entries[0].pk}/").status_code == 404


def test_a_client_that_accepts_no_json_still_gets_406(owner_api, entries):
    assert owner_api.get("/api/v1/entries/", HTTP_ACCEPT="text/html").status_code == 406
