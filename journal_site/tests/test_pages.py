import pytest

from accounts.tests.factories import PASSWORD


@pytest.mark.django_db
def test_landing_page_for_visitors(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Start writing" in response.content
    assert b'href="/accounts/signup/"' in response.content


@pytest.mark.django_db
def test_landing_page_in_polish_from_browser_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="pl")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "pl"


def test_admin_lets_in_admins_only(client, owner, admin_user):
    client.force_login(owner)
    assert client.get("/admin/").status_code == 403  # signed in without admin rights
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


def test_admin_login_form_accepts_admin_password(client, admin_user):
    response = client.post("/admin/login/?next=/admin/", {"username": "boss", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_healthz_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_static_css_is_served(client):
    response = client.get("/static/css/journal.css")
    assert response.status_code == 200
