"""Plain text of an entry as a reader sees it: for excerpts, derived titles and search highlights.

The excerpt is taken from the rendered HTML, not from the Markdown source, so
no "###", "|---|" or text of a stripped <script> reaches a list. Tables and
code blocks are left out (they read as noise in two lines of preview). It is
computed once per write and stored in ``DiaryEntry.excerpt``; lists read that
column and never load ``content``. See docs/reading.md.
"""

import re
from html import escape
from html.parser import HTMLParser

from django.utils.safestring import SafeString, mark_safe

from diary.rendering import markdown_render
from journal_site.lemmas import fold, search_forms

EXCERPT_LENGTH = 240
DISPLAY_TITLE_LENGTH = 80
# Enough source for a 240-character excerpt even under heavy markup; the rest is never shown.
SOURCE_LENGTH = 4000

_BLOCKS = {
    "p", "div", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "blockquote", "ul", "ol", "dl",
}  # fmt: skip
_SKIPPED = {"table", "pre", "script", "style"}
_FENCE = re.compile(r"^ {0,3}(?:```|~~~)", re.MULTILINE)


def render_markdown(text: str) -> str:
    """The HTML an entry's text renders to on its page (sanitised)."""
    return str(markdown_render(text))


class _TextLines(HTMLParser):
    """Visible text of HTML, one line per block; tables, code blocks, scripts and styles left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._current: list[str] = []
        self._skipping = 0

    def _break(self) -> None:
        line = " ".join("".join(self._current).split())
        if line:
            self.lines.append(line)
        self._current = []

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self._skipping += 1
            self._break()
        elif tag in _BLOCKS:
            self._break()

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCKS:
            self._break()

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            self._break()

    def handle_data(self, data):
        if not self._skipping:
            self._current.append(data)

    def close(self):
        super().close()
        self._break()


# Text with none of these renders to itself, one line per line: no need to render it (most diary
# entries are plain prose, and an import of 100,000 of them should not pay for Markdown).
_MARKUP = re.compile(r"[#*_`\[\]<>|~\\&=]|^\s*(?:[-+]\s|\d+[.)]\s|-{2,}\s*$)|^(?: {4}|\t)", re.MULTILINE)


def plain_lines(markdown_text: str) -> list[str]:
    """The lines of text a reader sees at the start of `markdown_text`."""
    if not _MARKUP.search(markdown_text[:SOURCE_LENGTH]):
        return [" ".join(line.split()) for line in markdown_text[:SOURCE_LENGTH].splitlines() if line.strip()]
    source = markdown_text[:SOURCE_LENGTH]
    if len(markdown_text) > SOURCE_LENGTH:
        source = source.rsplit("\n", 1)[0]  # never render half a line
        if len(_FENCE.findall(source)) % 2:  # a code block cut open: close it, so it stays code
            source += "\n```"
    parser = _TextLines()
    parser.feed(render_markdown(source))
    parser.close()
    return parser.lines


def _cut(text: str, length: int) -> str:
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0] or text[:length]
    return cut.rstrip(" ,.;:-\u2013\u2014") + "…"


def excerpt_from_markdown(markdown_text: str, *, length: int = EXCERPT_LENGTH) -> str:
    """The stored excerpt: plain text, one line per block (newline-separated), cut at a word."""
    return excerpt_from_lines(plain_lines(markdown_text), length=length)


def excerpt_from_lines(text_lines: list[str], *, length: int = EXCERPT_LENGTH) -> str:
    """An excerpt of lines that are plain text already."""
    lines: list[str] = []
    used = 0
    for line in text_lines:
        if used >= length:
            if not lines[-1].endswith("…"):  # one ellipsis, even after a line that ends in one
                lines.append("…")
            break
        piece = _cut(line, length - used)
        lines.append(piece)
        if piece != line:  # cut: the ellipsis is there already
            break
        used += len(line) + 1
    return "\n".join(lines).replace("\n…", "…")


def _one_line(excerpt: str) -> str:
    """The excerpt's lines run together; a line that ends without punctuation (a heading) gets a " · "."""
    parts: list[str] = []
    for line in excerpt.split("\n"):
        if parts and not parts[-1].endswith((".", "!", "?", "…", ":", ";", ",")):
            parts[-1] += " ·"
        parts.append(line)
    return " ".join(parts)


def excerpt_title_and_rest(*, title: str, excerpt: str) -> tuple[str, str]:
    """What a list shows: the title (or, without one, the first line of text) and the excerpt after it."""
    if title:
        return title, _one_line(excerpt)
    first, _, rest = excerpt.partition("\n")
    return _cut(first, DISPLAY_TITLE_LENGTH), _one_line(rest) if rest else ""


# --- Matching words of a search ---------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
# A light English suffix strip, so "walking" lights up "walk" and "walked" in a highlight.
_SUFFIX = re.compile(r"(?:ing|ed|es|s)$")


SEARCH_WORDS_MAX = 20


def search_words(q: str, *, limit: int = SEARCH_WORDS_MAX) -> list[str]:
    """The words of a search, folded, in order, without duplicates."""
    words: list[str] = []
    for word in _WORD.findall(fold(q)):
        if word not in words:
            words.append(word)
    return words[:limit]


def stem(word: str) -> str:
    """A rough English stem ("walking" → "walk"), only where at least four letters remain."""
    stripped = _SUFFIX.sub("", word)
    return stripped if len(stripped) >= 4 else word


def highlight(text: str, words: list[str], forms: frozenset[str] = frozenset()) -> SafeString:
    """`text` escaped, with each word that a search word finds wrapped in <mark>.

    A word is found by its beginning (or an English stem's), or, with `forms`, by one of its dictionary
    forms ("lekarzem" lights up "lekarza"; journal_site.lemmas.search_forms).
    """
    if not words:
        return mark_safe(escape(text))  # noqa: S308 - escaped  # nosec B308 B703
    stems = [stem(word) for word in words]
    parts: list[str] = []
    position = 0
    for match in _WORD.finditer(text):
        folded = fold(match.group())
        if any(folded.startswith(word) or folded.startswith(root) for word, root in zip(words, stems, strict=True)) or (
            forms and not match.group().isdigit() and not forms.isdisjoint(search_forms(match.group().lower()))
        ):
            parts.append(escape(text[position:match.start()]))
            parts.append(f"<mark>{escape(match.group())}</mark>")
            position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above  # nosec B308 B703
