import pytest

from diary.emotions import EMOTIONS

pytestmark = pytest.mark.django_db


def test_vocabulary_in_english(api_client):
    response = api_client.get("/api/v1/emotions/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.json()
    assert [item["code"] for item in body] == list(EMOTIONS)
    assert {"code": "joy", "label": "joy"} in body
    assert 20 <= len(body) <= 30


def test_vocabulary_in_polish(api_client):
    body = api_client.get("/api/v1/emotions/", HTTP_ACCEPT_LANGUAGE="pl").json()
    labels = {item["code"]: item["label"] for item in body}
    assert labels["joy"] == "radość" and labels["sadness"] == "smutek"
    assert all(label for label in labels.values())


def test_suggestions_come_from_the_text(owner_api):
    response = owner_api.post(
        "/api/v1/emotions/suggest/", {"text": "So tired today, but grateful and calm by the river."}, format="json"
    )
    assert response.status_code == 200
    codes = [item["code"] for item in response.json()["emotions"]]
    assert set(codes) == {"tired", "grateful", "calm"}
    assert all(item["label"] for item in response.json()["emotions"])


def test_suggestions_work_in_polish(owner_api):
    response = owner_api.post(
        "/api/v1/emotions/suggest/", {"text": "Jestem bardzo zmęczona i trochę smutno mi."}, format="json",
        HTTP_ACCEPT_LANGUAGE="pl",
    )
    emotions = response.json()["emotions"]
    assert {item["code"] for item in emotions} == {"tired", "sadness"}
    assert {"code": "tired", "label": "zmęczenie"} in emotions


def test_suggestions_tag_nothing(owner_api, owner):
    owner_api.post("/api/v1/emotions/suggest/", {"text": "happy"}, format="json")
    assert not owner.diary_entries.exists()


def test_empty_text_suggests_nothing(owner_api):
    assert owner_api.post("/api/v1/emotions/suggest/", {"text": ""}, format="json").json() == {"emotions": []}


@pytest.mark.parametrize("body", [{}, {"text": None}, {"text": 0}, {"text": ["happy"]}, {"text": "x" * 100_001},
                                  {"text": "a\x00b"}])
def test_bad_suggestion_requests_are_400(owner_api, body):
    assert owner_api.post("/api/v1/emotions/suggest/", body, format="json").status_code == 400


def test_suggestions_need_a_signed_in_user(api_client):
    assert api_client.post("/api/v1/emotions/suggest/", {"text": "happy"}, format="json").status_code == 401
