"""Markdown to safe HTML, and plain-text excerpts of Markdown.

Entries are GitHub-flavoured Markdown rendered by cmark-gfm, whose running time
is linear in its input (see docs/markdown-rendering.md). Raw HTML in an entry is
left out by cmark-gfm, and the HTML it produces is sanitised with nh3 against a
short allow-list anyway: a pasted `<script>` or `onerror=` must never reach a
page. Images are not allowed: the page's CSP would block remote ones, and loading
them would tell a third party when an entry was read.
"""

import ctypes
import ctypes.util
import html
import re

import nh3
from cmarkgfm import _cmark
from cmarkgfm.cmark import Options
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "ins", "mark", "sub", "sup", "small",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
    "code", "pre", "kbd", "a", "abbr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = (b"table", b"strikethrough", b"autolink", b"tasklist", b"tagfilter")
# A diary is written line by line: a single newline is a line break. Raw HTML is
# omitted (no CMARK_OPT_UNSAFE): only cmark-gfm's own, well-formed HTML reaches nh3.
OPTIONS = Options.CMARK_OPT_HARDBREAKS | Options.CMARK_OPT_VALIDATE_UTF8
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
_text_only = nh3.Cleaner(tags=set(), attributes={}, clean_content_tags={"script", "style"}, strip_comments=True)

_ffi, _lib = _cmark.ffi, _cmark.lib
# cmarkgfm's wrappers never free the document tree nor the rendered string (tens
# of megabytes per large entry); the library exports the functions that do.
_native = ctypes.CDLL(_cmark.__file__)
_native.cmark_node_free.argtypes = [ctypes.c_void_p]
_native.cmark_node_free.restype = None
_libc = ctypes.CDLL(ctypes.util.find_library("c"))
_libc.free.argtypes = [ctypes.c_void_p]
_libc.free.restype = None
_lib.cmark_gfm_core_extensions_ensure_registered()
_extensions = [_lib.cmark_find_syntax_extension(name) for name in EXTENSIONS]


def _address(pointer) -> int:
    return int(_ffi.cast("uintptr_t", pointer))


def _cmark_html(text: str) -> str:
    source = text.encode("utf-8", "replace")
    parser = _lib.cmark_parser_new(OPTIONS)
    try:
        for extension in _extensions:
            _lib.cmark_parser_attach_syntax_extension(parser, extension)
        _lib.cmark_parser_feed(parser, source, len(source))
        root = _lib.cmark_parser_finish(parser)
        try:
            rendered = _lib.cmark_render_html(root, OPTIONS, _lib.cmark_parser_get_syntax_extensions(parser))
            try:
                return _ffi.string(rendered).decode("utf-8", "replace")
            finally:
                _libc.free(_address(rendered))
        finally:
            _native.cmark_node_free(_address(root))
    finally:
        _lib.cmark_parser_free(parser)


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
    html_text = _cmark_html(_TOO_DEEP.sub(_flatten, text))
    html_text = _HEADING.sub(_heading_shift, html_text)
    # A task list item's box is shown as a character: forms have no place in an entry.
    return _TASK.sub(lambda match: "\u2611" if match.group(1) else "\u2610", html_text)


# cmark-gfm's HTML has no "<" or ">" inside a tag's attributes, so each run between
# ">" and "<" is text. nh3 takes time quadratic in the escaped characters of one
# text node: an empty <wbr> (not allowed, so dropped) every few of them splits it.
_LONG_TEXT = re.compile(r"(?<=>)[^<>]{1024,}")
_ESCAPED = r"(?:&[#0-9a-z]+;|\xa0)"
_ESCAPED_RUN = re.compile(rf"{_ESCAPED}(?:[^&\xa0]*+{_ESCAPED}){{31}}")


def _split_long_text(match: re.Match) -> str:
    return _ESCAPED_RUN.sub(r"\g<0><wbr>", match.group(0))


def markdown_render(text: str) -> SafeString:
    """Render Markdown to HTML that is safe to put into a page as is."""
    return mark_safe(_cleaner.clean(_LONG_TEXT.sub(_split_long_text, _html(text))))  # noqa: S308 - sanitised by nh3 just above  # nosec B308 B703


_SPACE = re.compile(r"\s+")


def markdown_excerpt(text: str, *, length: int = 240) -> str:
    """Plain text from the start of Markdown, cut at a word boundary with an ellipsis."""
    # The start of an entry is enough for an excerpt, whatever its length.
    text = html.unescape(_text_only.clean(_html(text[: length * 8])))
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0] or text[:length]
    return cut.rstrip(" ,.;:-\u2013\u2014") + "…"
