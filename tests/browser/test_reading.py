"""Reading and finding in a real browser: excerpts of what a reader sees, months, older/newer, search,
and a year of insights, in English and Polish, at phone (390 x 844) and desktop width, light and dark."""

from datetime import timedelta

import pytest
from django.utils import timezone

from diary import services
from tests.browser.conftest import DESKTOP, SCREENSHOTS, assert_accessible, assert_fits_width, signed_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_390 = {"width": 390, "height": 844}
PARTY = (
    "### Big news\n\n| what | how |\n|---|---|\n| sushi | good |\n\n<script>alert('x')</script>\n\n"
    "We had sushi and then celebrated with friends until late."
)


def shots(page, name: str) -> None:
    """The page at desktop and phone (390 x 844) width, light and dark, under var/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE_390)):
        page.set_viewport_size(size)
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}-{scheme}.png"), full_page=True)
    page.emulate_media(color_scheme="light")
    page.set_viewport_size(DESKTOP)


def audit_both_themes_and_phone(page) -> None:
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert_accessible(page)
    page.set_viewport_size(PHONE_390)
    assert_fits_width(page)
    page.set_viewport_size(DESKTOP)
    page.emulate_media(color_scheme="light")


def _diary(owner):
    now = timezone.now()
    services.entry_create(user=owner, title="Party", content=PARTY, created_at=now - timedelta(days=40), mood=5)
    services.entry_create(user=owner, title="", content="Walked to the lake.\nThen coffee with Ana.",
                          created_at=now - timedelta(days=2), mood=4)
    services.entry_create(user=owner, title="", content="Jestem dziś bardzo zmęczona.\n\nAle spacer pomógł.",
                          created_at=now - timedelta(days=1), mood=3)
    services.entry_create(user=owner, title="Evening walk", content="A long walk by the river, walking slowly.",
                          created_at=now - timedelta(hours=2), mood=4)


@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_diary_reads_as_text_grouped_by_month_with_older_and_newer(page, owner, language):
    owner.language = language
    owner.save()
    _diary(owner)
    signed_in_as(page, owner)
    page.goto(page.base + "/diary/")
    cards = page.locator(".entry-card")
    text = page.locator("main").inner_text()
    for noise in ("| what |", "|---|", "###", "alert("):
        assert noise not in text
    assert "Untitled" not in text and "Bez tytułu" not in text
    # An untitled entry shows its first line as its title and the rest as its excerpt.
    untitled = cards.filter(has_text="Walked to the lake.")
    assert untitled.locator(".entry-card-title").inner_text() == "Walked to the lake."
    assert untitled.locator(".entry-excerpt").inner_text() == "Then coffee with Ana."
    assert "Big news · We had sushi" in cards.filter(has_text="Party").locator(".entry-excerpt").inner_text()
    # Months as headings, newest first, in the reader's language.
    months = page.locator(".entry-month-title").all_inner_texts()
    assert len(months) == len(set(months)) >= 1
    audit_both_themes_and_phone(page)
    shots(page, f"uxread-diary-{language}")

    # The entry page links the next older and the next newer entry.
    page.get_by_role("link", name="Walked to the lake.").click()
    newer = page.locator(".entry-neighbour.newer")
    older = page.locator(".entry-neighbour.older")
    assert "Party" in older.inner_text()
    assert "Jestem dziś bardzo zmęczona." in newer.inner_text()
    newer.click()
    assert page.locator("h1").inner_text() == "Jestem dziś bardzo zmęczona."
    audit_both_themes_and_phone(page)
    shots(page, f"uxread-entry-{language}")
    assert page.js_errors == []


@pytest.mark.parametrize(("q", "found", "marked"), [
    ("sushi celebrated", ["Party"], ["sushi", "celebrated"]),
    ("zmeczona", ["Jestem dziś bardzo zmęczona."], ["zmęczona"]),
    ("walking", ["Evening walk", "Walked to the lake."], ["walk", "walking", "walked"]),
])
def test_search_finds_every_word_without_accents_and_marks_them(page, owner, q, found, marked):
    _diary(owner)
    signed_in_as(page, owner)
    page.goto(page.base + "/diary/")
    page.get_by_label("Search").fill(q)
    page.get_by_role("button", name="Find").click()
    page.wait_for_load_state()
    titles = page.locator(".entry-card-title").all_inner_texts()
    assert titles == found
    marks = {m.lower() for m in page.locator(".entry-card mark").all_inner_texts()}
    assert set(marked) <= marks, marks
    if q == "sushi celebrated":
        audit_both_themes_and_phone(page)
        shots(page, "uxread-search-en")


def _a_year(owner):
    from diary.excerpts import excerpt_from_markdown
    from diary.models import DiaryEntry

    now = timezone.now()
    codes = ["joy", "calm", "tired", "stressed", "grateful", "sadness", "anxious", "proud", "lonely", "bored",
             "hopeful", "content", "excited", "relieved", "nostalgic"]
    rows = []
    for day in range(0, 365, 2):
        mood = None if day % 11 == 0 else 1 + (day // 9) % 5
        rows.append(DiaryEntry(
            user=owner, title=f"Day {day}", content="A day.", excerpt=excerpt_from_markdown("A day."),
            mood=mood, emotion_tags=[codes[day % len(codes)]], word_count=2, created_at=now - timedelta(days=day),
        ))
    DiaryEntry.objects.bulk_create(rows)


def _labels_inside(page) -> list[str]:
    """Texts of every chart that stick out of their card (a phone would cut them off)."""
    return page.evaluate(
        """() => {
        const out = [];
        document.querySelectorAll('.chart-card').forEach((card) => {
          const box = card.getBoundingClientRect();
          card.querySelectorAll('svg text').forEach((t) => {
            const r = t.getBoundingClientRect();
            if (!r.width) return;  // not drawn at this width
            if (r.left < box.left - 0.5 || r.right > box.right + 0.5) out.push(t.textContent);
          });
        });
        return out;
      }"""
    )


def _labels_overlapping(page) -> list[str]:
    """Pairs of chart labels drawn over each other."""
    return page.evaluate(
        """() => {
        const out = [];
        document.querySelectorAll('.chart-card svg').forEach((svg) => {
          const boxes = [...svg.querySelectorAll('text')].map((t) => [t.textContent, t.getBoundingClientRect()])
            .filter(([, r]) => r.width > 0);
          boxes.forEach(([a, r], i) => boxes.slice(i + 1).forEach(([b, s]) => {
            const overlap = Math.min(r.right, s.right) - Math.max(r.left, s.left) > 0.5
              && Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top) > 0.5;
            if (overlap) out.push(a + ' / ' + b);
          }));
        });
        return out;
      }"""
    )


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_year_of_insights_reads_on_a_phone(page, owner, language):
    owner.language = language
    owner.save()
    _a_year(owner)
    signed_in_as(page, owner)
    page.goto(page.base + "/insights/?days=365")
    mood = page.locator("svg.chart-mood")
    # Weeks, not days: about 53 dots of the same size as a month's.
    dots = mood.locator("circle.dot")
    assert 40 <= dots.count() <= 54
    assert {dots.nth(i).get_attribute("r") for i in range(dots.count())} == {"3.5"}
    pixels = page.locator("svg.chart-heatmap-wide")
    # Every other day of the year is written: coloured by mood, or grey without one; the rest are empty.
    assert 175 <= pixels.locator("rect.pixel").count() <= 184
    assert pixels.locator("rect.pixel-no-mood").count() >= 15
    assert all(pixels.locator(f"rect.pixel.mood-{step}").count() > 10 for step in range(1, 6))
    assert pixels.locator("rect.pixel-empty").count() >= 175
    more = page.locator("svg.chart-emotions text.more").text_content()
    assert more.startswith("+3 ")
    for size in (PHONE_390, DESKTOP):
        page.set_viewport_size(size)
        assert _labels_inside(page) == []
        assert _labels_overlapping(page) == []
    page.set_viewport_size(PHONE_390)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".chart-wide").screenshot(path=str(SCREENSHOTS / f"uxread-pixels-{language}-phone.png"))
    page.set_viewport_size(DESKTOP)
    audit_both_themes_and_phone(page)
    shots(page, f"uxread-insights-year-{language}")
    assert page.js_errors == []


@pytest.mark.parametrize("language", ["en", "pl"])
def test_own_tags_read_apart_from_emotions_and_filter_the_diary(page, owner, language):
    owner.language = language
    owner.save()
    now = timezone.now()
    services.entry_create(user=owner, title="Walk", content="By the river.", emotion_tags=["calm"],
                          tags=["Spacer z psem", "Kasia"], mood=4, created_at=now - timedelta(hours=3))
    services.entry_create(user=owner, title="Meeting", content="Long.", tags=["work meeting"],
                          created_at=now - timedelta(hours=2))
    signed_in_as(page, owner)
    page.goto(page.base + "/diary/")
    card = page.locator(".entry-card").filter(has_text="Walk")
    own, emotion = card.locator(".own-tag").first, card.locator(".tag:not(.own-tag)").first
    assert own.inner_text() == "#Spacer z psem"
    # Told apart by more than colour: the edge and the mark.
    assert own.evaluate("e => getComputedStyle(e).borderTopStyle") == "dashed"
    assert emotion.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
    audit_both_themes_and_phone(page)
    shots(page, f"owntags-diary-{language}")
    own.click()
    page.wait_for_url("**/diary/?tag=Spacer*")
    assert page.locator(".entry-card").count() == 1
    assert page.locator("#filter-tag").input_value() == "Spacer z psem"
    page.locator(".entry-card-title a").click()
    page.wait_for_load_state()
    assert page.locator(".entry-header-meta .own-tag").all_inner_texts() == ["#Spacer z psem", "#Kasia"]
    audit_both_themes_and_phone(page)
    shots(page, f"owntags-entry-{language}")


@pytest.mark.parametrize("language", ["en", "pl"])
def test_insights_chart_own_tags_with_tables(page, owner, language):
    owner.language = language
    owner.save()
    now = timezone.now()
    for day in range(40):
        tags = ["Spacer z psem"] if day % 2 else ["work meeting", "Kasia"]
        services.entry_create(user=owner, title=f"d{day}", content="x", mood=5 if day % 2 else 2, tags=tags,
                              created_at=now - timedelta(days=day))
    signed_in_as(page, owner)
    page.goto(page.base + "/insights/?days=90")
    assert page.locator("#chart-tags-title").count() == 1 and page.locator("#chart-tags-time-title").count() == 1
    section = page.locator("section[aria-labelledby=tags-heading]")
    section.locator("summary").click()
    walk = section.locator("tbody tr").filter(has_text="#Spacer z psem")
    assert walk.locator("td").all_inner_texts()[2:] == (["5.0", "2.0"] if language == "en" else ["5,0", "2,0"])
    audit_both_themes_and_phone(page)
    shots(page, f"owntags-insights-{language}")
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for name in ("tags-heading", "tags-time-heading"):
            page.locator(f"section[aria-labelledby={name}]").screenshot(
                path=str(SCREENSHOTS / f"owntags-insights-{name}-{language}-{scheme}.png"))


def test_headings_in_an_entry_are_never_smaller_than_its_text_and_titles_share_one_face(page, owner):
    entry = services.entry_create(user=owner, title="Faces", content=(
        "# One\n\n## Two\n\n### Three\n\n#### Four\n\n##### Five\n\n###### Six\n\nThe text."))
    signed_in_as(page, owner)
    page.goto(page.base + f"/diary/{entry.pk}/")
    size = "e => parseFloat(getComputedStyle(e).fontSize)"
    text = page.locator(".entry-body p").last.evaluate(size)
    sizes = [page.locator(f".entry-body h{level}").first.evaluate(size) for level in range(2, 7)]
    assert all(value >= text for value in sizes), (text, sizes)
    assert sizes == sorted(sizes, reverse=True)
    face = "e => getComputedStyle(e).fontFamily"
    shown = page.locator(".entry-header h1").evaluate(face)
    page.goto(page.base + f"/diary/{entry.pk}/edit/")
    assert page.locator(".paper-title input").evaluate(face) == shown


@pytest.mark.parametrize("language", ["en", "pl"])
def test_own_tags_are_renamed_and_merged_from_settings(page, owner, language):
    owner.language = language
    owner.save()
    services.entry_create(user=owner, title="a", content="x", tags=["run", "Kasia"])
    services.entry_create(user=owner, title="b", content="x", tags=["Running"])
    signed_in_as(page, owner)
    page.goto(page.base + "/settings/")
    page.locator('a[href="/diary/tags/"]').click()
    page.wait_for_url("**/diary/tags/")
    audit_both_themes_and_phone(page)
    shots(page, f"owntags-settings-{language}")
    row = page.locator("form.tag-row").filter(has=page.locator('input[name=old][value="run"]'))
    row.locator("input[name=new]").fill("running")
    row.locator("button[type=submit]").first.click()
    page.wait_for_url("**/diary/tags/")
    assert page.locator("form.tag-row").count() == 2  # Kasia and Running
    assert page.locator("form.tag-row .own-tag").all_inner_texts() == ["#Kasia", "#Running"]
