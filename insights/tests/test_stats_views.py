"""The /insights/ page and GET /api/v1/stats/: periods, isolation, query counts."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from diary.tests.factories import EntryFactory
from insights.views import insights


def _write(user, *, days_ago=0, mood=4, tags=("calm",), content="one two three"):
    return EntryFactory(
        user=user,
        created_at=timezone.now() - timedelta(days=days_ago),
        mood=mood,
        emotion_tags=list(tags),
        content=content,
    )


def _page(user, **params):
    request = RequestFactory().get("/insights/", params)
    request.user = user
    return insights(request)


def test_visitor_is_sent_to_sign_in(client):
    response = client.get("/insights/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.django_db
def test_api_needs_credentials(api_client):
    assert api_client.get("/api/v1/stats/").status_code == 401


def test_page_shows_charts_with_titles_and_table_fallbacks(owner_client, owner):
    _write(owner, mood=5, tags=["joy"])
    _write(owner, days_ago=1, mood=2, tags=["tired"])
    response = owner_client.get("/insights/")
    assert response.status_code == 200
    html = response.content.decode()
    for chart in ("chart-entries", "chart-mood", "chart-weekdays", "chart-emotions", "chart-heatmap"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
        assert f'<title id="{chart}-title">' in html and f'<desc id="{chart}-desc">' in html
    assert html.count('<details class="chart-table">') == 5
    assert "style=" not in html  # the CSP forbids inline styles
    assert html.count("<script") == html.count('<script src="/static/')  # our own files only, nothing inline
    assert 'aria-current="page">30 days' in html


def test_page_for_a_new_user_invites_to_write(owner_client):
    response = owner_client.get("/insights/")
    assert response.status_code == 200
    assert b'href="/diary/new/"' in response.content
    assert b"chart-svg" not in response.content  # no chart (the header's logo is an svg too)


@pytest.mark.parametrize("days", ["7", "30", "90", "365"])
def test_page_accepts_each_period(owner_client, owner, days):
    _write(owner)
    response = owner_client.get("/insights/", {"days": days})
    assert response.status_code == 200
    assert f'aria-current="page">{days} days'.encode() in response.content


@pytest.mark.parametrize("days", ["0", "14", "366", "abc", "-30", "30.5"])
def test_page_refuses_other_periods_with_400(owner_client, days):
    response = owner_client.get("/insights/", {"days": days})
    assert response.status_code == 400
    assert b"7, 30, 90 or 365" in response.content


@pytest.mark.parametrize("days", ["0", "14", "366", "abc", ""])
def test_api_refuses_other_periods_with_400(owner_api, days):
    response = owner_api.get("/api/v1/stats/", {"days": days} if days else {"days": "x"})
    assert response.status_code == 400
    assert "days" in response.json()


def test_api_returns_the_statistics_shape(owner_api, owner):
    _write(owner, mood=5, tags=["joy", "calm"], content="a b c d")
    response = owner_api.get("/api/v1/stats/", {"days": 7})
    assert response.status_code == 200
    data = response.json()
    assert data["days"] == 7 and data["timezone"] == "UTC"
    assert data["totals"] == {"entries": 1, "words": 4, "days_written": 1, "mood_average": 5.0}
    assert data["streaks"] == {"current": 1, "longest": 1}
    assert len(data["daily"]) == 7 and set(data["daily"][0]) == {"date", "entries", "words", "mood", "mood_7d"}
    assert [(e["code"], e["label"]) for e in data["emotions"]] == [("calm", "calm"), ("joy", "joy")]
    assert len(data["weekdays"]) == 7
    assert data["heatmap"]["days"][-1] == {"date": data["end"], "entries": 1, "mood": 5.0}
    assert data["weekly"][-1]["mood"] == 5.0


def test_api_labels_emotions_in_the_request_language(owner_api, owner):
    _write(owner, tags=["joy"])
    response = owner_api.get("/api/v1/stats/", HTTP_ACCEPT_LANGUAGE="pl")
    assert response.json()["emotions"][0]["label"] == "radość"


def test_outsider_never_appears_in_anyones_statistics(owner_api, outsider_api, owner, outsider):
    _write(owner, tags=["joy"], content="mine mine")
    for _ in range(3):
        _write(outsider, tags=["anger"], mood=1, content="theirs theirs theirs")
    mine = owner_api.get("/api/v1/stats/").json()
    theirs = outsider_api.get("/api/v1/stats/").json()
    assert mine["totals"]["entries"] == 1 and mine["totals"]["words"] == 2
    assert [e["code"] for e in mine["emotions"]] == ["joy"]
    assert theirs["totals"]["entries"] == 3 and [e["code"] for e in theirs["emotions"]] == ["anger"]


def test_outsider_page_does_not_show_owner_numbers(client, owner, outsider):
    _write(owner, content=" ".join(["word"] * 4321))
    client.force_login(outsider)
    response = client.get("/insights/")
    assert b"4,321" not in response.content


def test_page_query_count_is_pinned_and_does_not_grow(owner, django_assert_num_queries):
    for day in range(3):
        _write(owner, days_ago=day)
    # Cold cache: 1. entries per local day, 2. emotions of the period. The user is already on the request.
    with django_assert_num_queries(2):
        assert _page(owner).status_code == 200
    # Warm cache: nothing.
    with django_assert_num_queries(0):
        assert _page(owner).status_code == 200
    for day in range(200):
        _write(owner, days_ago=day, tags=["joy", "tired"])
    with django_assert_num_queries(2):
        assert _page(owner, days="365").status_code == 200


def test_api_query_count_is_pinned_and_does_not_grow(api_client, owner, django_assert_num_queries):
    api_client.force_authenticate(owner)
    _write(owner)
    # 1. entries per local day, 2. emotions of the period
    with django_assert_num_queries(2):
        assert api_client.get("/api/v1/stats/").status_code == 200
    with django_assert_num_queries(0):
        assert api_client.get("/api/v1/stats/").status_code == 200
    for day in range(100):
        _write(owner, days_ago=day, tags=["joy"])
    with django_assert_num_queries(2):
        assert api_client.get("/api/v1/stats/", {"days": 90}).status_code == 200


def test_insights_show_own_tags_with_the_mood_of_days_with_and_without_them(owner_client, owner):
    from diary import services

    now = timezone.now()
    services.entry_create(user=owner, title="a", content="x", mood=5, tags=["Spacer"], created_at=now)
    services.entry_create(user=owner, title="b", content="x", mood=4, tags=["Spacer", "Kasia"],
                          created_at=now - timedelta(days=1))
    services.entry_create(user=owner, title="c", content="x", mood=1, created_at=now - timedelta(days=2))
    html = owner_client.get("/insights/?days=30").content.decode()
    assert 'id="tags-heading"' in html and 'id="chart-tags-title"' in html and 'id="chart-tags-time-title"' in html
    # Spacer: 2 entries on 2 days of mood 4.5; the one other day had 1.
    assert ('<a href="/diary/?tag=Spacer">#Spacer</a></th><td>2</td><td>2</td><td>4.5</td><td>1.0</td>'
            in html)
    assert "<th scope=\"row\">#Kasia</th>" in html
    stats = owner_client.get("/api/v1/stats/?days=30").json()
    spacer = next(tag for tag in stats["tags"] if tag["name"] == "Spacer")
    assert (spacer["entries"], spacer["mood"], spacer["mood_without"]) == (2, 4.5, 1.0)
    assert sum(month["entries"] for month in spacer["months"]) == 2


def test_insights_without_own_tags_show_no_tag_section(owner_client, owner):
    _write(owner)
    assert 'id="tags-heading"' not in owner_client.get("/insights/").content.decode()
