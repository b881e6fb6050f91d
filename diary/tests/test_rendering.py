import pytest

from diary.rendering import markdown_render
from journal_site.testing import EntryFactory

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
