"""Where photos show: the entry's gallery, its own photos inline in the text (and nobody else's), the first
photo on the entry's card (drawn again when the photos change), placeholders until thumbnails exist, and
the space used on the settings page."""

import re

import pytest
from django.core.cache import caches

from diary.attachments import size_text
from diary.models import Attachment
from diary.rendering import markdown_render
from diary.tests import photo_files
from diary.tests.factories import EntryFactory

pytestmark = pytest.mark.django_db

ADDRESS = re.compile(r"/diary/photos/(\d+)/[0-9a-f]{32}/(original|1280|320)")


@pytest.fixture(autouse=True)
def _store(local_photo_store):
    return local_photo_store


def test_only_the_entrys_own_photos_show_in_its_text():
    html = str(markdown_render(
        "Look ![the sea](attachment:5) ![theirs](attachment:6) ![remote](https://example.com/x.png)",
        photos={5: "/diary/photos/5/abc/1280"}))
    assert '<img class="entry-photo" src="/diary/photos/5/abc/1280" alt="the sea" loading="lazy">' in html
    assert html.count("<img") == 1
    assert "theirs" in html and "remote" in html  # only their captions stay
    assert "example.com" not in html and "attachment:6" not in html


def test_no_image_shows_where_photos_are_not_given():
    assert "<img" not in str(markdown_render("![a](attachment:5) ![b](https://example.com/x.png)"))


def test_a_caption_cannot_break_out_of_the_image():
    html = str(markdown_render('![" onerror="alert(1)](attachment:5)', photos={5: "/p"}))
    assert "onerror=" not in html.replace("&quot; onerror=&quot;", "")


def test_the_entry_page_shows_the_gallery_and_the_photo_in_the_text(owner_client, owner, upload, photo_entry):
    first = upload(photo_entry, photo_files.jpeg(64, 48), caption="River").json()
    second = upload(photo_entry, photo_files.png(30, 60)).json()
    photo_entry.content = f"Before\n\n![River at noon](attachment:{first['id']})\n\nAfter"
    photo_entry.save()
    html = owner_client.get(f"/diary/{photo_entry.pk}/").content.decode()
    gallery = html.split('class="entry-gallery"')[1]
    assert [int(match) for match in re.findall(r'href="/diary/photos/(\d+)/[0-9a-f]{32}/original"', gallery)] == [
        first["id"], second["id"]]
    assert '<figcaption>River</figcaption>' in gallery
    assert 'width="64" height="48"' in gallery
    inline = html.split('class="entry-body"')[1].split("</div>")[0]
    assert f'src="/diary/photos/{first["id"]}/' in inline and "/1280" in inline and 'alt="River at noon"' in inline


def test_a_photo_of_another_entry_never_shows_in_this_one(owner_client, owner, upload, photo_entry):
    other = EntryFactory(user=owner)
    theirs = upload(other, photo_files.jpeg()).json()
    photo_entry.content = f"![borrowed](attachment:{theirs['id']})"
    photo_entry.save()
    html = owner_client.get(f"/diary/{photo_entry.pk}/").content.decode()
    assert f"/diary/photos/{theirs['id']}/" not in html and "borrowed" in html


def test_a_placeholder_stands_until_the_thumbnails_are_made(owner_client, upload, photo_entry):
    upload(photo_entry, photo_files.jpeg(80, 40), after_commit=False)
    html = owner_client.get(f"/diary/{photo_entry.pk}/").content.decode()
    assert 'class="photo-thumb photo-placeholder" viewBox="0 0 80 40"' in html
    assert re.search(r'data-photo-waiting="/diary/photos/\d+/[0-9a-f]{32}/1280"', html)
    cards = owner_client.get("/diary/").content.decode()
    assert 'class="entry-card-photo photo-placeholder"' in cards


def test_the_card_shows_the_first_photo_and_is_drawn_again_when_photos_change(owner_client, upload, photo_entry):
    caches["fragments"].clear()
    assert "entry-card-photo" not in owner_client.get("/diary/").content.decode()  # kept without a photo
    photo = upload(photo_entry, photo_files.jpeg(), caption="Dawn").json()
    html = owner_client.get("/diary/").content.decode()
    assert re.search(rf'<img class="entry-card-photo" src="/diary/photos/{photo["id"]}/[0-9a-f]{{32}}/320" alt="Dawn"',
                     html)
    assert owner_client.post(f"/diary/photos/{photo['id']}/", {"action": "delete"}).status_code == 302
    assert "entry-card-photo" not in owner_client.get("/diary/").content.decode()


def test_each_card_has_its_own_first_photo(owner_client, owner, upload):
    entries = [EntryFactory(user=owner) for _ in range(3)]
    ids = [upload(entry, photo_files.jpeg()).json()["id"] for entry in entries[:2]]
    upload(entries[0], photo_files.png())  # a second photo: the card still shows the first
    html = owner_client.get("/diary/").content.decode()
    shown = [int(found) for found in re.findall(r'class="entry-card-photo" src="/diary/photos/(\d+)/', html)]
    assert sorted(shown) == sorted(ids)


def test_the_settings_page_shows_the_photo_space(owner_client, upload, photo_entry, settings):
    settings.PHOTO_QUOTA_BYTES = 10 * 1024 * 1024
    upload(photo_entry, photo_files.jpeg(200, 200))
    used = sum(Attachment.objects.values_list("stored_bytes", flat=True))
    html = owner_client.get("/settings/").content.decode()
    assert f"Your photos take {size_text(used)} of your 10 MB." in html
    assert 'class="photo-space-bar" max="100" value="0"' in html


def test_the_editor_offers_a_check_in_a_photo(owner_client, owner):
    checkin = EntryFactory(user=owner, content="", title="", mood=4)
    html = owner_client.get(f"/?checked={checkin.pk}").content.decode()
    assert f'href="/diary/{checkin.pk}/edit/#photos">Add a photo</a>' in html
    editor = owner_client.get(f"/diary/{checkin.pk}/edit/").content.decode()
    assert f'action="/diary/{checkin.pk}/photos/"' in editor and 'accept="image/jpeg' in editor
