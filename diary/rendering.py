"""Markdown to safe HTML.

Entries are GitHub-flavoured Markdown rendered by comrak (cmark-gfm's Rust port,
used through its public Python API), whose running time is linear in its input
(see docs/markdown-rendering.md). Raw HTML in an entry is left out by comrak, and
the HTML it produces is sanitised with nh3 against a short allow-list anyway: a
pasted `<script>` or `onerror=` must never reach a page. Images from elsewhere are
not allowed: the page's CSP would block remote ones, and loading them would tell a
third party when an entry was read. An entry's own photos are (`attachment:<id>`).
"""

import re

import comrak
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "ins", "mark", "sub", "sup", "small",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
    "code", "pre", "kbd", "a", "abbr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}

_EXTENSIONS = comrak.ExtensionOptions()
_EXTENSIONS.table = True
_EXTENSIONS.strikethrough = True
_EXTENSIONS.autolink = True
_EXTENSIONS.tasklist = True
_EXTENSIONS.tagfilter = True
# A diary is written line by line: a single newline is a line break. Raw HTML is
# omitted (not "unsafe"): only comrak's own, well-formed HTML reaches nh3.
_RENDER = comrak.RenderOptions()
_RENDER.hardbreaks = True
_RENDER.unsafe_ = False

# Blockquotes and list items opened on one line; deeper markers are shown as text.
# nh3's HTML parser takes time quadratic in nesting depth, and no diary needs 32 levels.
MAX_NESTING = 32

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer nofollow",
    clean_content_tags={"script", "style"},
    strip_comments=True,
)


def _comrak_html(text: str) -> str:
    # A lone surrogate has no UTF-8 form: it becomes "?" rather than an error.
    source = text.encode("utf-8", "replace").decode("utf-8")
    return comrak.render_markdown(source, extension_options=_EXTENSIONS, render_options=_RENDER)


_CONTAINER = r"[ \t]*+(?:>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))"
_TOO_DEEP = re.compile(
    rf"^((?:{_CONTAINER}){{{MAX_NESTING}}}[ \t]*+)(?:(>)|([-+*])(?=[ \t])|(\d{{1,9}})([.)])(?=[ \t]))", re.MULTILINE
)


def _flatten(match: re.Match) -> str:
    prefix, quote, bullet, number, delimiter = match.groups()
    if number:
        return f"{prefix}{number}\\{delimiter}"
    return f"{prefix}\\{quote or bullet}"


_HEADING = re.compile(r"<(/?)h([1-6])\b")
_TASK = re.compile(r'<input type="checkbox"( checked="")? disabled="" />')


def _heading_shift(match: re.Match) -> str:
    # The page's title is the h1; an entry's "# Heading" becomes an h2 under it.
    return f"<{match.group(1)}h{min(int(match.group(2)) + 1, 6)}"


def _html(text: str) -> str:
    html_text = _comrak_html(_TOO_DEEP.sub(_flatten, text))
    html_text = _HEADING.sub(_heading_shift, html_text)
    # A task list item's box is shown as a character: forms have no place in an entry.
    return _TASK.sub(lambda match: "\u2611" if match.group(1) else "\u2610", html_text)


# comrak's HTML has no "<" or ">" inside a tag's attributes, so each run between
# ">" and "<" is text. nh3 takes time quadratic in the escaped characters of one
# text node: an empty <wbr> (not allowed, so dropped) every few of them splits it.
_LONG_TEXT = re.compile(r"(?<=>)[^<>]{1024,}")
_ESCAPED = r"(?:&[#0-9a-z]+;|\xa0)"
_ESCAPED_RUN = re.compile(rf"{_ESCAPED}(?:[^&\xa0]*+{_ESCAPED}){{31}}")


def _split_long_text(match: re.Match) -> str:
    return _ESCAPED_RUN.sub(r"\g<0><wbr>", match.group(0))


# An entry's own photos may stand in its text: `![caption](attachment:12)` (docs/photos.md). Only
# those: an image from anywhere else would tell its server when the entry was read.
_photo_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS | {"img"},
    attributes={**ALLOWED_ATTRIBUTES, "img": {"src", "alt"}},
    url_schemes=URL_SCHEMES | {"attachment"},
    link_rel="noopener noreferrer nofollow",
    clean_content_tags={"script", "style"},
    strip_comments=True,
)
_IMG = re.compile(r"<img\b[^>]*>")
_SRC = re.compile(r'\bsrc="attachment:([0-9]{1,18})"')
_ALT = re.compile(r'\balt="([^"]*)"')


def markdown_render(text: str, *, photos: dict[int, str] | None = None) -> SafeString:
    """Render Markdown to HTML that is safe to put into a page as is.

    `photos` maps the entry's own photo ids to their addresses; with it, `attachment:<id>` images show
    those photos, and any other image is left out (its alt text stays). Without it no image is shown.
    """
    source = _LONG_TEXT.sub(_split_long_text, _html(text))
    if photos is None:
        return mark_safe(_cleaner.clean(source))  # noqa: S308 - sanitised by nh3 just above  # nosec B308 B703

    def own_photo(match: re.Match) -> str:
        tag = match.group(0)
        src, alt = _SRC.search(tag), _ALT.search(tag)
        alt_text = alt.group(1) if alt else ""
        address = photos.get(int(src.group(1))) if src else None
        if address is None:
            return alt_text  # already escaped by nh3
        return f'<img class="entry-photo" src="{address}" alt="{alt_text}" loading="lazy">'

    return mark_safe(_IMG.sub(own_photo, _photo_cleaner.clean(source)))  # noqa: S308 - nh3 above, our own tag  # nosec B308 B703

