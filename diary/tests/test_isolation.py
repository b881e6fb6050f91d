"""Another user's entry does not exist for you: every page and endpoint answers 404 and changes nothing."""

import pytest

from diary.models import DiaryEntry
from diary.tests.factories import EntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(owner):
    return EntryFactory(user=owner, title="Private", content="Only mine.", mood=2, emotion_tags=["sadness"])


def _unchanged(entry):
    row = DiaryEntry.objects.get(pk=entry.pk)
    return (row.title, row.content, row.mood, row.emotion_tags, row.updated_at) == (
        entry.title, entry.content, entry.mood, entry.emotion_tags, entry.updated_at
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/diary/{id}/"),
        ("get", "/diary/{id}/edit/"),
        ("post", "/diary/{id}/edit/"),
        ("get", "/diary/{id}/delete/"),
        ("post", "/diary/{id}/delete/"),
    ],
)
def test_outsider_gets_404_for_entry_pages(client, outsider, entry, method, path):
    client.force_login(outsider)
    data = {"title": "Hacked", "content": "Hacked", "created_at": "2024-01-01T10:00"}
    response = getattr(client, method)(path.format(id=entry.pk), data if method == "post" else None)
    assert response.status_code == 404
    assert b"Only mine." not in response.content
    assert _unchanged(entry)


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_outsider_gets_404_for_entry_api(outsider_api, entry, method):
    body = {"title": "Hacked", "content": "Hacked"} if method in ("put", "patch") else None
    response = getattr(outsider_api, method)(f"/api/v1/entries/{entry.pk}/", body, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert "Only mine." not in response.content.decode()
    assert _unchanged(entry)


def test_outsider_lists_and_searches_nothing_of_the_owners(outsider_api, client, outsider, entry):
    assert outsider_api.get("/api/v1/entries/?q=mine").json()["results"] == []
    assert outsider_api.get("/api/v1/entries/").json()["results"] == []
    client.force_login(outsider)
    for path in ("/diary/?q=mine", "/diary/", "/", "/diary/calendar/?month=" + entry.created_at.strftime("%Y-%m")):
        assert b"Private" not in client.get(path).content


def test_visitor_gets_401_from_the_api(api_client, entry):
    for method in ("get", "put", "patch", "delete"):
        assert getattr(api_client, method)(f"/api/v1/entries/{entry.pk}/").status_code == 401
    assert api_client.get("/api/v1/entries/").status_code == 401
    assert _unchanged(entry)
