"""Per-user caps on what an account keeps, answered with a clear 400 (docs/limits.md): own tags and
templates, the templates' cap holding under concurrency."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.tests.factories import UserFactory
from diary import services
from diary.models import EntryTemplate, UserTag
from journal_site.testing import run_at_once

pytestmark = pytest.mark.django_db


def _fill_tags(user, count):
    UserTag.objects.bulk_create([UserTag(user=user, name=f"tag {n}") for n in range(count)])


def test_an_account_keeps_at_most_a_thousand_tags(owner_api, owner):
    _fill_tags(owner, services.USER_TAGS_MAX - 1)
    response = owner_api.post("/api/v1/entries/", {"content": "x", "tags": ["new one", "new two"]}, format="json")
    assert response.status_code == 400
    assert "an account keeps at most 1000" in str(response.json()["tags"])
    assert UserTag.objects.filter(user=owner).count() == services.USER_TAGS_MAX - 1
    # Tags it has are always fine, and one more fits.
    assert owner_api.post("/api/v1/entries/", {"content": "x", "tags": ["tag 3", "new one"]},
                          format="json").status_code == 201
    assert owner_api.post("/api/v1/tags/", {"name": "one too many"}, format="json").status_code == 400
    assert UserTag.objects.filter(user=owner).count() == services.USER_TAGS_MAX


def test_the_editor_says_so_and_keeps_the_text(owner_client, owner):
    _fill_tags(owner, services.USER_TAGS_MAX)
    response = owner_client.post("/diary/new/", {"content": "Kept text.", "tags": "brand new",
                                                 "created_at": "2024-05-01T10:00"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "an account keeps at most 1000" in html and "Kept text." in html


def test_an_import_fills_the_list_up_to_the_cap_and_leaves_the_rest_off(owner):
    from portability.imports import _spelled_within_cap

    spelled = {f"tag {n}": f"tag {n}" for n in range(services.USER_TAGS_MAX - 1)}
    assert _spelled_within_cap(["Tag 1", "fresh", "another"], spelled) == ["tag 1", "fresh"]


@pytest.mark.skipif(connection.vendor == "sqlite", reason="real concurrency on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_the_template_cap_holds_under_concurrent_creates(monkeypatch):
    import time

    user = UserFactory(username="templater")
    for n in range(services.TEMPLATES_MAX - 4):
        services.entry_template_create(user=user, name=f"T{n}", content="x")
    create_row = EntryTemplate.objects.create

    def slow_create(**fields):  # widen the gap between counting and inserting, as a busy server does
        time.sleep(0.05)
        return create_row(**fields)

    monkeypatch.setattr(EntryTemplate.objects, "create", slow_create)

    def create():
        try:
            services.entry_template_create(user=user, name="raced", content="x")
        except ValidationError:
            return False
        return True

    results = run_at_once(create, times=10)
    assert results.count(True) == 4
    assert EntryTemplate.objects.filter(user=user).count() == services.TEMPLATES_MAX


# --- The text budget ----------------------------------------------------------------------------------


def _bytes(user) -> int:
    from accounts.models import User

    return User.objects.get(pk=user.pk).text_bytes


def test_every_write_keeps_the_accounts_text_bytes(owner):
    entry = services.entry_create(user=owner, title="Łódź", content="zażółć")  # Polish letters are two bytes
    assert _bytes(owner) == len("Łódź".encode()) + len("zażółć".encode())
    services.entry_update(entry=entry, data={"content": "x"})
    assert _bytes(owner) == len("Łódź".encode()) + 1
    services.entry_delete(entry=entry)
    assert _bytes(owner) == 0


def test_past_the_budget_a_write_is_a_clear_400_and_changes_nothing(owner_api, owner, settings):
    settings.ACCOUNT_TEXT_BUDGET_BYTES = 100
    assert owner_api.post("/api/v1/entries/", {"content": "x" * 60}, format="json").status_code == 201
    response = owner_api.post("/api/v1/entries/", {"content": "y" * 60}, format="json")
    assert response.status_code == 400 and "as much text as an account keeps" in str(response.json()["content"])
    assert _bytes(owner) == 60
    # Shortening always works, and makes room.
    entry_id = owner_api.get("/api/v1/entries/").json()["results"][0]["id"]
    assert owner_api.patch(f"/api/v1/entries/{entry_id}/", {"content": "x"}, format="json").status_code == 200
    assert owner_api.post("/api/v1/entries/", {"content": "y" * 60}, format="json").status_code == 201


def test_an_import_past_the_budget_is_refused_whole(owner, settings):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    from diary.models import DiaryEntry
    from portability.formats import EXPORT_FORMAT_NAME, EXPORT_VERSION
    from portability.imports import ImportInvalid, import_start

    settings.ACCOUNT_TEXT_BUDGET_BYTES = 100
    entries = [{"created_at": f"2024-01-0{n}T10:00:00+00:00", "title": "", "content": "z" * 40, "mood": None,
                "emotion_tags": [], "exclude_from_ai": False} for n in range(1, 4)]
    data = json.dumps({"format": EXPORT_FORMAT_NAME, "version": EXPORT_VERSION, "entries": entries}).encode()
    with pytest.raises(ImportInvalid, match="as much text as an account keeps"):
        import_start(user=owner, upload=SimpleUploadedFile("e.json", data))
    assert not DiaryEntry.objects.filter(user=owner).exists() and _bytes(owner) == 0


def test_a_refused_write_gives_its_bytes_back(owner):
    _fill_tags(owner, services.USER_TAGS_MAX)
    with pytest.raises(ValidationError):
        services.entry_create(user=owner, content="Twenty bytes of text", tags=["one too many"])
    assert _bytes(owner) == 0


@pytest.mark.skipif(connection.vendor == "sqlite", reason="row locks on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_an_accounts_writes_do_not_wait_for_one_another(monkeypatch):
    """The count is taken in a statement of its own: a slow write does not hold the user's row."""
    import threading

    from django.db import connections

    from diary.models import DiaryEntry

    user = UserFactory(username="busy")
    inside, release = threading.Event(), threading.Event()
    save = DiaryEntry.save

    def slow_save(entry, *args, **kwargs):
        if entry.title == "slow":
            inside.set()
            release.wait(10)
        return save(entry, *args, **kwargs)

    monkeypatch.setattr(DiaryEntry, "save", slow_save)

    def write(title):
        try:
            services.entry_create(user=user, title=title, content="text")
        finally:
            connections.close_all()

    slow = threading.Thread(target=write, args=("slow",))
    slow.start()
    assert inside.wait(10)
    quick = threading.Thread(target=write, args=("quick",))
    quick.start()
    quick.join(5)
    finished_first = not quick.is_alive()
    release.set()
    slow.join(10)
    quick.join(10)
    assert finished_first, "a write waited for another write of the same account"
    assert _bytes(user) == len("slowtext") + len("quicktext")
