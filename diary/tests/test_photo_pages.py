"""Photos from the entry editor: adding them (the page's script or a plain form), the buttons of each photo
(caption, earlier, later, remove), the files served to a signed-in owner, and nobody else."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from diary.models import Attachment
from diary.tests import photo_files
from diary.tests.factories import EntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def add_photos(owner_client, tasks_inline, django_capture_on_commit_callbacks):
    def send(entry, *files: tuple[str, bytes], client=None, json=False, caption=""):
        data = {"file": [SimpleUploadedFile(name, data) for name, data in files], "caption": caption}
        extra = {"HTTP_ACCEPT": "application/json"} if json else {}
        with django_capture_on_commit_callbacks(execute=True):
            return (client or owner_client).post(f"/diary/{entry.pk}/photos/", data, **extra)

    return send


@pytest.fixture
def outsider_client(outsider):
    """Signed in as the outsider; a client of its own (`client` is the owner's in owner_client)."""
    other = Client()
    other.force_login(outsider)
    return other


@pytest.fixture
def photos(local_photo_store, photo_entry, add_photos):
    # As the page's script adds them (JSON), so no message waits for the next page.
    add_photos(photo_entry, *[(f"p{i}.jpg", photo_files.jpeg(10 + i, 10)) for i in range(3)], caption="Shared",
               json=True)
    return list(Attachment.objects.filter(entry=photo_entry))


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _order(entry) -> list[int]:
    return list(Attachment.objects.filter(entry=entry).values_list("pk", flat=True))


def _editor(entry) -> str:
    return f"/diary/{entry.pk}/edit/#photos"


def test_photos_added_from_a_form_go_back_to_the_editor(local_photo_store, photo_entry, add_photos):
    response = add_photos(photo_entry, ("a.jpg", photo_files.jpeg()), ("b.png", photo_files.png()), caption="Day")
    assert response.status_code == 302
    assert response["Location"] == _editor(photo_entry)
    assert _messages(response) == ["Photos added."]
    rows = list(Attachment.objects.filter(entry=photo_entry))
    assert [(row.content_type, row.caption, row.position, row.thumbs_ready) for row in rows] == [
        ("image/jpeg", "Day", 1, True), ("image/png", "Day", 2, True)]
    assert len(local_photo_store.names()) == 6


def test_the_pages_script_gets_json(local_photo_store, photo_entry, add_photos):
    response = add_photos(photo_entry, ("a.jpg", photo_files.jpeg(30, 20)), json=True)
    assert response.status_code == 201
    [photo] = response.json()["attachments"]
    assert (photo["width"], photo["height"], photo["content_type"]) == (30, 20, "image/jpeg")


def test_a_refused_file_is_said_and_nothing_is_kept(local_photo_store, photo_entry, add_photos):
    response = add_photos(photo_entry, ("notes.jpg", photo_files.TEXT))
    assert response.status_code == 302
    assert response["Location"] == _editor(photo_entry)
    assert _messages(response) == ["This file is not a photo we can keep: use JPEG, PNG, WebP, GIF or HEIC."]
    assert not Attachment.objects.exists() and local_photo_store.names() == []

    as_json = add_photos(photo_entry, ("page.jpg", photo_files.jpeg_with_script()), json=True)
    assert as_json.status_code == 400
    assert "more than a photo" in as_json.json()["file"][0]
    assert not Attachment.objects.exists() and local_photo_store.names() == []


def test_the_photos_before_a_refused_one_are_kept_and_said(local_photo_store, photo_entry, add_photos):
    response = add_photos(photo_entry, ("a.jpg", photo_files.jpeg()), ("b.jpg", photo_files.TEXT),
                          ("c.jpg", photo_files.jpeg()))
    assert response.status_code == 302
    assert _messages(response)[0] == "Photo added."
    assert "not a photo" in _messages(response)[1]
    assert Attachment.objects.count() == 1


def test_a_form_without_a_file_is_refused(owner_client, local_photo_store, photo_entry):
    response = owner_client.post(f"/diary/{photo_entry.pk}/photos/", {"caption": "x"})
    assert response.status_code == 302
    assert _messages(response) == ["Choose a photo first."]
    as_json = owner_client.post(f"/diary/{photo_entry.pk}/photos/", {}, HTTP_ACCEPT="application/json")
    assert as_json.status_code == 400
    assert owner_client.get(f"/diary/{photo_entry.pk}/photos/").status_code == 405


def test_the_page_quota_refusal_says_how_much_is_used(local_photo_store, photo_entry, add_photos, settings):
    settings.PHOTO_QUOTA_BYTES = 1000
    response = add_photos(photo_entry, ("a.jpg", photo_files.noise_jpeg(64)), json=True)
    assert response.status_code == 403
    assert "Delete some photos first" in response.json()["detail"]
    assert local_photo_store.names() == []


# --- Each photo's buttons --------------------------------------------------------------------------


def test_the_caption_is_saved(owner_client, photo_entry, photos):
    response = owner_client.post(f"/diary/photos/{photos[1].pk}/", {"action": "caption", "caption": " Dusk "})
    assert response.status_code == 302
    assert response["Location"] == _editor(photo_entry)
    assert _messages(response) == ["Caption saved."]
    assert Attachment.objects.get(pk=photos[1].pk).caption == "Dusk"


def test_a_caption_too_long_is_said_and_not_saved(owner_client, photos):
    response = owner_client.post(f"/diary/photos/{photos[0].pk}/", {"action": "caption", "caption": "x" * 501})
    assert response.status_code == 302
    assert "under 500 characters" in _messages(response)[0]
    assert Attachment.objects.get(pk=photos[0].pk).caption == "Shared"


def test_a_photo_moves_earlier_and_later(owner_client, photo_entry, photos):
    first, second, third = (photo.pk for photo in photos)
    owner_client.post(f"/diary/photos/{third}/", {"action": "earlier"})
    assert _order(photo_entry) == [first, third, second]
    owner_client.post(f"/diary/photos/{first}/", {"action": "later"})
    assert _order(photo_entry) == [third, first, second]
    # At either end it stays where it is.
    owner_client.post(f"/diary/photos/{third}/", {"action": "earlier"})
    owner_client.post(f"/diary/photos/{second}/", {"action": "later"})
    assert _order(photo_entry) == [third, first, second]
    positions = list(Attachment.objects.filter(entry=photo_entry).values_list("position", flat=True))
    assert positions == [1, 2, 3]


def test_a_photo_is_removed_with_its_files(owner_client, local_photo_store, photo_entry, photos,
                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(f"/diary/photos/{photos[0].pk}/", {"action": "delete"})
    assert response.status_code == 302
    assert _messages(response) == ["Photo removed."]
    assert _order(photo_entry) == [photos[1].pk, photos[2].pk]
    assert set(local_photo_store.names()) == {*photos[1].file_names, *photos[2].file_names}


def test_an_unknown_action_changes_nothing(owner_client, photo_entry, photos):
    response = owner_client.post(f"/diary/photos/{photos[0].pk}/", {"action": "rotate"})
    assert response.status_code == 302
    assert _messages(response) == ["Unknown action."]
    assert _order(photo_entry) == [photo.pk for photo in photos]
    assert owner_client.get(f"/diary/photos/{photos[0].pk}/").status_code == 405


# --- The files, and who may ------------------------------------------------------------------------


def test_the_owner_gets_the_files_with_a_session(owner_client, photos):
    photo = photos[0]
    for variant, content_type in (("original", "image/jpeg"), ("320", "image/webp"), ("1280", "image/webp")):
        response = owner_client.get(f"/diary/photos/{photo.pk}/{photo.digest}/{variant}")
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Cache-Control"] == "private, max-age=31536000, immutable"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith('inline; filename="photo-')
        assert b"".join(response.streaming_content)


@pytest.mark.parametrize("action", ["caption", "earlier", "later", "delete"])
def test_outsider_gets_404_for_the_photo_buttons(outsider_client, photo_entry, photos, local_photo_store, action,
                                                 django_capture_on_commit_callbacks):
    client = outsider_client
    photo = photos[1]
    stored = local_photo_store.names()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/diary/photos/{photo.pk}/", {"action": action, "caption": "Mine now"})
    assert response.status_code == 404
    assert [(row.pk, row.caption, row.position) for row in Attachment.objects.filter(entry=photo_entry)] == [
        (row.pk, row.caption, row.position) for row in photos]
    assert local_photo_store.names() == stored


def test_outsider_gets_404_for_adding_to_an_entry_and_for_the_files(outsider_client, outsider, photo_entry, photos,
                                                                    local_photo_store, add_photos):
    client = outsider_client
    stored = local_photo_store.names()
    response = add_photos(photo_entry, ("a.jpg", photo_files.jpeg()), client=client)
    assert response.status_code == 404
    assert Attachment.objects.filter(entry=photo_entry).count() == 3
    assert not Attachment.objects.filter(user=outsider).exists()
    assert local_photo_store.names() == stored
    photo = photos[0]
    for variant in ("original", "320", "1280"):
        answered = client.get(f"/diary/photos/{photo.pk}/{photo.digest}/{variant}")
        assert answered.status_code == 404
        assert not hasattr(answered, "streaming_content")
    # Their own photo's digest on the owner's photo is no way in either.
    own = add_photos(EntryFactory(user=outsider), ("o.jpg", photo_files.jpeg()), client=client, json=True)
    theirs = Attachment.objects.get(pk=own.json()["attachments"][0]["id"])
    assert client.get(f"/diary/photos/{photo.pk}/{theirs.digest}/original").status_code == 404
    assert client.get(f"/diary/photos/{theirs.pk}/{theirs.digest}/original").status_code == 200


def test_a_visitor_is_sent_to_sign_in_and_gets_no_file(photo_entry, photos, local_photo_store):
    client = Client()
    stored = local_photo_store.names()
    for path, data in ((f"/diary/{photo_entry.pk}/photos/", {"file": photo_files.upload_file()}),
                       (f"/diary/photos/{photos[0].pk}/", {"action": "delete"})):
        response = client.post(path, data)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    photo = photos[0]
    assert client.get(f"/diary/photos/{photo.pk}/{photo.digest}/original").status_code == 401
    assert _order(photo_entry) == [row.pk for row in photos]
    assert local_photo_store.names() == stored
