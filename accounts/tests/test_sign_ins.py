"""Where a user is signed in: browsers and API clients, listed and signed out by their owner only."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from rest_framework.test import APIClient

from accounts import devices
from accounts.clients import address_place, agent_summary
from accounts.models import ActivityEvent, SignIn
from accounts.tests.conftest import bearer
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
TOKEN, REFRESH, LOGOUT = "/api/v1/auth/token/", "/api/v1/auth/token/refresh/", "/api/v1/auth/logout/"
SESSIONS = "/api/v1/me/sessions/"


def signed_in_browser(agent: str = FIREFOX, address: str = "203.0.113.77") -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    return client


def api_sign_in(agent: str = "journal-cli/1.2") -> dict:
    response = APIClient(HTTP_USER_AGENT=agent).post(TOKEN, {"username": "owner", "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def later(monkeypatch, seconds: float = devices.TOUCH_SECONDS + 1) -> None:
    """Move the clock the touch throttle reads."""
    now = devices.time.monotonic()
    monkeypatch.setattr(devices.time, "monotonic", lambda: now + seconds)


# --- Summaries -------------------------------------------------------------------------------------------


def test_agent_summary_names_browser_and_system():
    assert agent_summary(FIREFOX) == "Firefox 128 / Linux"
    assert agent_summary(IPHONE) == "Safari 17 / iOS"
    assert agent_summary("journal-cli/1.2") == "journal-cli/1.2"
    assert agent_summary("") == ""
    assert len(agent_summary("x" * 500)) == 120


def test_place_is_the_network_not_the_address():
    assert address_place("203.0.113.77") == "203.0.113.0/24"
    assert address_place("2001:db8:abcd:12:1:2:3:4") == "2001:db8:abcd::/48"
    assert address_place("::ffff:198.51.100.9") == "198.51.100.0/24"
    assert address_place("not an address") == ""


# --- Listing -------------------------------------------------------------------------------------------------


def test_each_sign_in_is_listed_with_its_device_place_and_times(owner):
    laptop = signed_in_browser()
    signed_in_browser(IPHONE, "198.51.100.9")
    pair = api_sign_in()
    rows = bearer(pair["access"]).get(SESSIONS).json()
    assert [(row["kind"], row["device"], row["place"]) for row in rows] == [
        ("api", "journal-cli/1.2", "127.0.0.0/24"),
        ("browser", "Safari 17 / iOS", "198.51.100.0/24"),
        ("browser", "Firefox 128 / Linux", "203.0.113.0/24"),
    ]
    assert [row["current"] for row in rows] == [True, False, False]
    assert set(rows[0]) == {"id", "kind", "created_at", "last_used_at", "device", "place", "current"}
    page = laptop.get("/settings/sessions/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Safari 17 / iOS" in text and "journal-cli/1.2" in text and "this device" in text
    # The session key is never shown, nor its hash.
    assert laptop.session.session_key not in text
    assert devices._key_hash(laptop.session.session_key) not in text


def test_settings_page_links_to_the_protections(owner_client):
    text = owner_client.get("/settings/").content.decode()
    for path in ("/settings/sessions/", "/settings/two-factor/", "/settings/activity/"):
        assert f'href="{path}"' in text


def test_sessions_page_query_count(owner, django_assert_num_queries):
    laptop = signed_in_browser()
    signed_in_browser(IPHONE)
    api_sign_in()
    laptop.get("/settings/sessions/")  # signing in cleared the user cache; this fills it again
    # 1 the sign-ins (the session and the user come from the cache; the touch is not due yet).
    with django_assert_num_queries(1):
        assert laptop.get("/settings/sessions/").status_code == 200


def test_sessions_api_query_count(owner, django_assert_num_queries):
    signed_in_browser()
    pair = api_sign_in()
    api = bearer(pair["access"])
    api.get(SESSIONS)
    # 1 the sign-ins (the user comes from the cache).
    with django_assert_num_queries(1):
        assert len(api.get(SESSIONS).json()) == 2


# --- The cost on an ordinary request -----------------------------------------------------------------------


def test_an_ordinary_request_costs_no_query_and_the_touch_one_a_minute(owner, monkeypatch, django_assert_num_queries):
    laptop = signed_in_browser()
    row = SignIn.objects.get(kind=SignIn.BROWSER)
    ordinary = "/api/v1/emotions/"  # signed in by the session, answered from memory
    laptop.get(ordinary)  # signing in cleared the user cache; this fills it again
    with django_assert_num_queries(0):
        assert laptop.get(ordinary).status_code == 200
    later(monkeypatch)
    # 1 the throttled touch: UPDATE last_used_at.
    with django_assert_num_queries(1):
        assert laptop.get(ordinary).status_code == 200
    with django_assert_num_queries(0):
        assert laptop.get(ordinary).status_code == 200
    assert SignIn.objects.get(pk=row.pk).last_used_at > row.last_used_at


def test_a_session_from_before_tracking_is_added_at_its_first_touch(owner, monkeypatch):
    laptop = signed_in_browser()
    SignIn.objects.all().delete()
    session = laptop.session
    del session[devices.MARKER]
    session.save()
    later(monkeypatch)
    assert laptop.get("/settings/").status_code == 200
    assert SignIn.objects.filter(user=owner, kind=SignIn.BROWSER).count() == 1


# --- Signing out ---------------------------------------------------------------------------------------------


def test_signing_out_another_browser_ends_its_session_at_once(owner):
    laptop, phone = signed_in_browser(), signed_in_browser(IPHONE)
    assert phone.get("/settings/").status_code == 200
    phone_row = SignIn.objects.get(user_agent="Safari 17 / iOS")
    response = laptop.post(f"/settings/sessions/{phone_row.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == "/settings/sessions/"
    # No waiting for the minute: the phone's session itself is gone.
    assert phone.get("/settings/")["Location"].startswith("/accounts/login/")
    assert laptop.get("/settings/").status_code == 200
    assert not SignIn.objects.filter(pk=phone_row.pk).exists()
    event = ActivityEvent.objects.get(user=owner, kind=ActivityEvent.SIGN_IN_REVOKED)
    assert event.details == {"kind": "browser", "device": "Safari 17 / iOS"}


def test_a_session_whose_key_cannot_be_recovered_ends_at_its_next_touch(owner, monkeypatch):
    laptop, phone = signed_in_browser(), signed_in_browser(IPHONE)
    phone_row = SignIn.objects.get(user_agent="Safari 17 / iOS")
    SignIn.objects.filter(pk=phone_row.pk).update(secret="sealed under an old SECRET_KEY")
    assert laptop.delete  # the laptop signs the phone out through the API
    api = APIClient()
    api.force_authenticate(owner)
    assert api.delete(f"{SESSIONS}{phone_row.pk}/").status_code == 204
    later(monkeypatch)
    assert phone.get("/settings/")["Location"].startswith("/accounts/login/")
    assert SESSION_KEY not in phone.session


def test_signing_out_this_browser_from_the_list_signs_out(owner):
    laptop = signed_in_browser()
    row = SignIn.objects.get()
    response = laptop.post(f"/settings/sessions/{row.pk}/revoke/")
    assert response["Location"] == "/"
    assert SESSION_KEY not in laptop.session


def test_sign_out_everywhere_else_keeps_only_this_browser(owner):
    laptop, phone = signed_in_browser(), signed_in_browser(IPHONE)
    pair = api_sign_in()
    assert laptop.post("/settings/sessions/revoke-others/").status_code == 302
    assert phone.get("/settings/").status_code == 302
    assert APIClient().post(REFRESH, {"refresh": pair["refresh"]}, format="json").status_code == 401
    assert laptop.get("/settings/").status_code == 200
    assert list(SignIn.objects.values_list("user_agent", flat=True)) == ["Firefox 128 / Linux"]


def test_api_revoke_all_keeps_the_calling_app(owner):
    phone = signed_in_browser(IPHONE)
    mine, other = api_sign_in("mine/1"), api_sign_in("other/1")
    response = bearer(mine["access"]).post(f"{SESSIONS}revoke-all/")
    assert response.status_code == 200 and response.json() == {"revoked": 2}
    assert phone.get("/settings/").status_code == 302
    assert APIClient().post(REFRESH, {"refresh": other["refresh"]}, format="json").status_code == 401
    assert APIClient().post(REFRESH, {"refresh": mine["refresh"]}, format="json").status_code == 200


def test_api_delete_signs_out_an_app(owner):
    pair = api_sign_in()
    row = SignIn.objects.get(kind=SignIn.API)
    api = APIClient()
    api.force_authenticate(owner)
    assert api.delete(f"{SESSIONS}{row.pk}/").status_code == 204
    assert APIClient().post(REFRESH, {"refresh": pair["refresh"]}, format="json").status_code == 401
    assert api.delete(f"{SESSIONS}{row.pk}/").status_code == 404


def test_outsider_gets_404_for_the_owners_sign_in(owner, outsider, outsider_api):
    signed_in_browser()
    row = SignIn.objects.get(user=owner)
    assert outsider_api.delete(f"{SESSIONS}{row.pk}/").status_code == 404
    outsider_page = Client()
    outsider_page.force_login(outsider)
    assert outsider_page.post(f"/settings/sessions/{row.pk}/revoke/").status_code == 404
    assert SignIn.objects.filter(pk=row.pk).exists()
    assert all(r["id"] != row.pk for r in outsider_api.get(SESSIONS).json())


def test_signing_out_removes_the_browser_and_the_app_from_the_list(owner):
    laptop = signed_in_browser()
    pair = api_sign_in()
    laptop.post("/accounts/logout/")
    assert APIClient().post(LOGOUT, {"refresh": pair["refresh"]}, format="json").status_code == 204
    assert not SignIn.objects.exists()
    signed_out = ActivityEvent.objects.filter(user=owner, kind=ActivityEvent.SIGN_OUT).order_by("id")
    assert [event.details for event in signed_out] == [{"via": "browser"}, {"via": "app"}]


def test_a_new_password_keeps_this_browser_and_ends_the_others(owner):
    laptop, phone = signed_in_browser(), signed_in_browser(IPHONE)
    api_sign_in()
    response = laptop.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a much newer passphrase",
            "new_password2": "a much newer passphrase",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/settings/").status_code == 200
    assert phone.get("/settings/").status_code == 302
    assert list(SignIn.objects.values_list("user_agent", flat=True)) == ["Firefox 128 / Linux"]
    # The surviving row is this browser's new session key, so it is still marked current.
    assert "this device" in laptop.get("/settings/sessions/").content.decode()


# --- Refresh-token families -------------------------------------------------------------------------------


def test_a_rotated_refresh_token_carries_its_family(owner):
    pair = api_sign_in()
    family = devices.token_backend.decode(pair["refresh"])[devices.FAMILY_CLAIM]
    rotated = APIClient().post(REFRESH, {"refresh": pair["refresh"]}, format="json").json()
    assert devices.token_backend.decode(rotated["refresh"])[devices.FAMILY_CLAIM] == family
    assert devices.token_backend.decode(rotated["access"])[devices.FAMILY_CLAIM] == family
    assert SignIn.objects.get(kind=SignIn.API).key == family


def test_replaying_a_rotated_refresh_token_revokes_the_whole_family(owner):
    stolen = api_sign_in()
    other_app = api_sign_in("other/1")
    # The owner's app rotates twice; the thief then presents the first token, long rotated away.
    first = APIClient().post(REFRESH, {"refresh": stolen["refresh"]}, format="json").json()
    second = APIClient().post(REFRESH, {"refresh": first["refresh"]}, format="json").json()
    replay = APIClient().post(REFRESH, {"refresh": stolen["refresh"]}, format="json")
    assert replay.status_code == 401
    # Every token descended from that sign-in is dead, the latest included ...
    assert APIClient().post(REFRESH, {"refresh": second["refresh"]}, format="json").status_code == 401
    # ... and another sign-in of the same user is not touched.
    assert APIClient().post(REFRESH, {"refresh": other_app["refresh"]}, format="json").status_code == 200
    assert list(SignIn.objects.values_list("user_agent", flat=True)) == ["other/1"]
    assert ActivityEvent.objects.filter(user=owner, kind=ActivityEvent.TOKEN_REUSED).count() == 1


def test_a_rotated_refresh_token_sent_to_sign_out_also_revokes_its_family(owner):
    stolen = api_sign_in()
    rotated = APIClient().post(REFRESH, {"refresh": stolen["refresh"]}, format="json").json()
    assert APIClient().post(LOGOUT, {"refresh": stolen["refresh"]}, format="json").status_code == 401
    assert APIClient().post(REFRESH, {"refresh": rotated["refresh"]}, format="json").status_code == 401
    assert not SignIn.objects.exists()


def test_signing_out_twice_with_the_same_token_harms_nothing_else(owner):
    first, other = api_sign_in(), api_sign_in("other/1")
    assert APIClient().post(LOGOUT, {"refresh": first["refresh"]}, format="json").status_code == 204
    assert APIClient().post(LOGOUT, {"refresh": first["refresh"]}, format="json").status_code == 401
    assert APIClient().post(REFRESH, {"refresh": other["refresh"]}, format="json").status_code == 200


def test_a_forged_or_unknown_token_revokes_nothing(owner):
    pair = api_sign_in()
    forged = pair["refresh"][:-4] + ("AAAA" if not pair["refresh"].endswith("AAAA") else "BBBB")
    assert APIClient().post(REFRESH, {"refresh": forged}, format="json").status_code == 401
    assert APIClient().post(REFRESH, {"refresh": "not a token"}, format="json").status_code == 401
    assert APIClient().post(REFRESH, {"refresh": pair["refresh"]}, format="json").status_code == 200


def test_a_token_from_before_families_starts_one_when_rotated(owner):
    from rest_framework_simplejwt.tokens import RefreshToken

    old = RefreshToken.for_user(owner)
    rotated = APIClient().post(REFRESH, {"refresh": str(old)}, format="json").json()
    family = devices.token_backend.decode(rotated["refresh"])[devices.FAMILY_CLAIM]
    assert SignIn.objects.get(kind=SignIn.API).key == family


# --- Cleanup -------------------------------------------------------------------------------------------------


def test_expired_sign_ins_are_dropped(owner, settings):
    from datetime import timedelta

    from django.utils import timezone

    signed_in_browser()
    api_sign_in()
    old = timezone.now() - timedelta(days=30)
    SignIn.objects.update(last_used_at=old)
    assert devices.sign_in_list(user=owner).count() == 0
    assert devices.sign_ins_cleanup() == 2
    assert devices.sign_ins_cleanup() == 0


def test_a_browser_whose_session_is_gone_is_dropped_by_the_daily_cleanup(owner):
    from django.contrib.sessions.backends.base import SessionBase

    kept = signed_in_browser()
    gone = signed_in_browser(address="198.51.100.9")
    assert SignIn.objects.filter(kind=SignIn.BROWSER).count() == 2
    store: SessionBase = devices._session_store()(gone.session.session_key)
    store.delete()  # the session ended another way (cleared, flushed)
    assert devices.sign_ins_cleanup() == 1
    assert kept.get("/settings/").status_code == 200
    assert SignIn.objects.filter(kind=SignIn.BROWSER).count() == 1


def test_the_list_groups_sign_ins_by_device_newest_first(owner):
    first = signed_in_browser()
    signed_in_browser(address="198.51.100.9")  # the same browser, again
    api_sign_in()
    page = first.get("/settings/sessions/").content.decode()
    assert page.count('class="card sign-in') == 2  # the browser (twice) and the app
    assert "2 sign-ins" in page and "this device" in page
