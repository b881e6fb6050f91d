"""Markdown to safe HTML (plain-text excerpts are in diary.excerpts).

Entries are Markdown written by their owner, but the HTML they render to is
sanitised with nh3 against a short allow-list anyway: raw HTML in Markdown
passes through the Markdown converter untouched, and a pasted `<script>` or
`onerror=` must never reach a page. Images are not allowed: the page's CSP
would block remote ones, and loading them would tell a third party when an
entry was read.
"""

import re

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "ins", "mark", "sub", "sup", "small",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
    "code", "pre", "kbd", "a", "abbr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
# A diary is written line by line: a single newline is a line break (nl2br).
MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "def_list", "abbr", "sane_lists", "nl2br"]

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer nofollow",
    clean_content_tags={"script", "style"},
    strip_comments=True,
)


_HEADING = re.compile(r"<(/?)h([1-6])\b")


def _heading_shift(match: re.Match) -> str:
    # The page's title is the h1; an entry's "# Heading" becomes an h2 under it.
    return f"<{match.group(1)}h{min(int(match.group(2)) + 1, 6)}"


def markdown_render(text: str) -> SafeString:
    """Render Markdown to HTML that is safe to put into a page as is."""
    html = markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS, output_format="html")
    html = _HEADING.sub(_heading_shift, html)
    return mark_safe(_cleaner.clean(html))  # noqa: S308 - sanitised by nh3 just above  # nosec B308 B703
