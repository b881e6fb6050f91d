import os

import pytest

from diary.excerpts import excerpt_from_markdown
from diary.rendering import MAX_NESTING, markdown_render
from diary.tests.factories import EntryFactory

ATTACKS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)></svg>",
    "<iframe src='https://evil.example'></iframe>",
    "[click](javascript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>",
    "<a href='/' onclick='alert(1)'>x</a>",
    "<p style='background:url(javascript:alert(1))'>x</p>",
    "<style>body{display:none}</style>",
    "<object data='x'></object><embed src='x'>",
    "<form action='https://evil.example'><input name=q></form>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "```\n</code><script>alert(1)</script>\n```",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_nothing_executable_survives_rendering(attack):
    html = markdown_render(f"Before\n\n{attack}\n\nAfter").lower()
    for needle in ("<script", "onerror", "onload", "onclick", "javascript:", "<iframe", "<svg", "style=", "<style",
                   "<object", "<embed", "<form", "<input", "data:text"):
        assert needle not in html, f"{needle!r} survived in {html!r}"
    assert "before" in html


def test_markdown_becomes_html():
    html = markdown_render("# Day\n\n**bold** and _it_\n\n- one\n- two\n\n> quote\n\n[site](https://example.com)")
    assert "<h2>Day</h2>" in html  # under the page's own h1, the entry title
    assert "<strong>bold</strong>" in html and "<em>it</em>" in html
    assert "<li>one</li>" in html and "<blockquote>" in html
    assert 'href="https://example.com"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_headings_sit_under_the_page_title():
    html = markdown_render("# One\n\n###### Six\n\n<h1>raw</h1>")
    assert "<h1" not in html
    assert "<h2>One</h2>" in html and "<h6>Six</h6>" in html


def test_single_newlines_are_line_breaks():
    assert "<br" in markdown_render("first line\nsecond line")


def test_excerpt_is_plain_text_cut_at_a_word():
    text = "## Title\n\n> **Bold** words with a [link](https://example.com) and `code`.\n\n" + "more " * 100
    excerpt = excerpt_from_markdown(text, length=60)
    # One line per block: the heading, the quote, then the paragraph that is cut.
    assert excerpt.startswith("Title\nBold words with a link and code.\nmore ")
    assert excerpt.endswith("…") and len(excerpt) <= 61
    assert set(excerpt.split("\n")[-1].removesuffix("…").split(" ")) == {"more"}  # whole words only
    assert "*" not in excerpt and "#" not in excerpt and "](" not in excerpt and "`" not in excerpt


def test_excerpt_of_html_is_text():
    # Raw HTML is left out of entries (GitHub-flavoured Markdown without unsafe HTML): only the text stays.
    assert excerpt_from_markdown("<b>bold</b> and <i>it</i> hello") == "bold and it hello"
    assert excerpt_from_markdown("<script>alert(1)</script> hello") == ""
    assert excerpt_from_markdown("<div>block</div>\n\nafter") == "after"


def test_github_flavoured_markdown():
    html = markdown_render("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~ www.example.com\n\n- [ ] open\n- [x] done")
    assert "<table>" in html and "<td>1</td>" in html
    assert "<del>gone</del>" in html
    assert '<a href="http://www.example.com" rel="noopener noreferrer nofollow">' in html
    assert "<li>\u2610 open</li>" in html and "<li>\u2611 done</li>" in html
    assert "<input" not in html


def test_raw_html_is_left_out():
    html = markdown_render("<u>under</u> <mark>m</mark>\n\n<div>block</div>")
    assert "<u>" not in html and "<div" not in html and "block" not in html
    assert "under" in html


def test_deep_nesting_is_bounded():
    html = markdown_render(">" * 1000 + " deep\n\n" + "- " * 1000 + "item")
    assert html.count("<blockquote>") == MAX_NESTING
    assert html.count("<ul>") == MAX_NESTING
    assert "deep" in html and "item" in html


def _resident_kib() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="reads the resident size from Linux's /proc")
def test_memory_stays_flat_over_many_renders():
    # Every construct the renderer builds nodes for, about 3 KB. The resident size now, not the
    # process's peak (ru_maxrss), which an earlier, larger test may have set already.
    text = (
        "## A day\n\n*word* and **more** [link](https://example.com) www.example.com\n- [x] done\n- [ ] open\n\n"
        "> a quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~ `code`\n\n"
    ) * 20
    markdown_render(text)
    before = _resident_kib()
    for _ in range(200):
        markdown_render(text)
    # A renderer that kept its tree and output (cmarkgfm's wrappers do) grows by about 40 MB here.
    assert _resident_kib() - before < 10_000


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/diary/{id}/", "/diary/", "/", "/diary/{id}/edit/", "/diary/{id}/delete/"])
def test_no_entry_can_put_a_script_into_a_page(owner_client, owner, path):
    entry = EntryFactory(
        user=owner,
        title="<script>alert('title')</script>",
        content="<script>alert('body')</script><img src=x onerror=alert(1)>",
    )
    response = owner_client.get(path.format(id=entry.pk))
    assert response.status_code == 200
    page = response.content.decode()
    # The editor shows the source as escaped text; no page carries the markup itself.
    assert "<script>alert" not in page and "<img" not in page
    # The only scripts are our own files, loaded from /static/.
    assert page.count("<script") == page.count('<script src="/static/')
