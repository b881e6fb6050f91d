"""Photos in a real browser, at phone width: attach one in the editor and see its thumbnail, then the entry's
gallery; photos chosen for a new entry follow it once saved. Against the local store and a real S3 server.

Screenshots go to var/screenshots/photos-*.png at phone (390x844) and desktop width, light and dark.
"""

import re

import pytest

from diary.models import Attachment, DiaryEntry
from diary.tests.factories import EntryFactory
from diary.tests.photo_files import jpeg
from tests.browser.conftest import assert_fits_width, checked_screenshots, open_page, signed_in_as

# Thumbnails are made by a task: here inline, in the live server, whatever broker the suite has.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("tasks_inline")]

PHONE = {"width": 390, "height": 844}


def shots(page, name: str) -> None:
    checked_screenshots(page, f"photos-{name}", PHONE)


@pytest.fixture
def phone(browser, live_server):
    page = open_page(browser, live_server, viewport=PHONE, has_touch=True, is_mobile=True)
    yield page
    page.context.close()


def loaded(locator) -> bool:
    """The image was fetched and decoded (a broken or refused one has no natural width)."""
    return locator.evaluate("img => img.complete && img.naturalWidth > 0")


def test_a_photo_attached_on_a_phone_shows_its_thumbnail_then_the_gallery(phone, owner, photo_store):
    entry = EntryFactory(user=owner, title="Sea day", content="Waves all afternoon.")
    signed_in_as(phone, owner)
    phone.goto(f"{phone.base}/diary/{entry.pk}/edit/#photos")
    typed = "Unsaved words stay."
    phone.fill("#id_content", typed)

    phone.set_input_files("#photo-file", files=[{
        "name": "sea.jpg", "mimeType": "image/jpeg", "buffer": jpeg(1600, 1200)}])
    thumb = phone.locator("#photos .photo-item img.photo-thumb")
    thumb.wait_for()
    assert loaded(thumb)
    assert re.fullmatch(r"/diary/photos/\d+/[0-9a-f]{32}/320", thumb.get_attribute("src"))
    # The photos part was drawn again in place: what was typed and not saved is still there.
    assert phone.input_value("#id_content") == typed
    assert_fits_width(phone)
    shots(phone, "editor")

    phone.fill("#photos .photo-item input[name=caption]", "The harbour")
    phone.click("#photos .photo-item button[value=caption]")
    phone.locator("#photos .photo-item input[name=caption][value='The harbour']").wait_for()

    phone.goto(f"{phone.base}/diary/{entry.pk}/")
    photo = phone.locator(".entry-gallery img.photo-thumb")
    photo.wait_for()
    assert loaded(photo)
    assert photo.get_attribute("alt") == "The harbour"
    assert phone.locator(".entry-gallery figcaption").inner_text() == "The harbour"
    assert_fits_width(phone)
    shots(phone, "gallery")

    # The diary list shows the photo small on the entry's card.
    phone.goto(f"{phone.base}/diary/")
    card = phone.locator(".entry-card.has-photo img.entry-card-photo")
    card.wait_for()
    assert loaded(card)
    assert_fits_width(phone)
    shots(phone, "list")

    stored = Attachment.objects.get(entry=entry)
    assert stored.thumbs_ready and stored.caption == "The harbour"
    assert not any(name for name in photo_store.names() if photo_store.raw(name).startswith(b"\xff\xd8\xff"))


def test_photos_chosen_for_a_new_entry_follow_it_once_saved(phone, owner, local_photo_store):
    signed_in_as(phone, owner)
    phone.goto(f"{phone.base}/diary/new/")
    phone.fill("#id_content", "A day with pictures.")
    phone.set_input_files("#photo-file", files=[
        {"name": "one.jpg", "mimeType": "image/jpeg", "buffer": jpeg(800, 600)},
        {"name": "two.jpg", "mimeType": "image/jpeg", "buffer": jpeg(600, 800)},
    ])
    assert phone.locator("[data-photo-pending] img").count() == 2
    phone.locator(".editor-save button[type=submit]").click()
    phone.wait_for_url(re.compile(r"/diary/\d+/$"))
    gallery = phone.locator(".entry-gallery img.photo-thumb")
    gallery.first.wait_for()
    entry = DiaryEntry.objects.get(user=owner)
    assert entry.content == "A day with pictures."
    assert [(row.width, row.height) for row in Attachment.objects.filter(entry=entry)] == [(800, 600), (600, 800)]
    assert gallery.count() == 2 and all(loaded(gallery.nth(i)) for i in range(2))
    assert not phone.js_errors


def test_a_refused_file_says_why_and_keeps_the_page(phone, owner, local_photo_store):
    entry = EntryFactory(user=owner)
    signed_in_as(phone, owner)
    phone.goto(f"{phone.base}/diary/{entry.pk}/edit/")
    phone.set_input_files("#photo-file", files=[
        {"name": "drawing.svg", "mimeType": "image/svg+xml", "buffer": b'<svg xmlns="http://www.w3.org/2000/svg"/>'}])
    status = phone.locator("#photos [data-photo-status].is-error")
    status.wait_for()
    assert "not a photo we can keep" in status.inner_text()
    assert not Attachment.objects.exists()
