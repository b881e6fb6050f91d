"""The one word counter: the editor (static/js/words.js), the services and the import all follow it.

A word is what a reader sees as one, in the rendered entry (docs/writing.md):

- Markdown and HTML syntax is not text: tags, `<script>`/`<style>` bodies and
  comments, link targets (`[text](url)` counts its text), reference
  definitions and code fences are dropped first.
- Then a word is a run of letters and digits; runs joined by an apostrophe
  (straight or typographic), a hyphen or an underscore count once
  ("well-being", "don't", "snake_case"), and so do numbers with . , or :
  between digits ("3.14", "12:30", "2026-11-27").
- Punctuation, dashes, emoji and Markdown markers count nothing.

So "well-being — fine 🙂" is 2 words, and "**bold** [link](https://x.org)" is 2.
The examples in diary/tests/word_count_examples.json are checked against both
this function and the JavaScript one.
"""

import re

# Order matters: the same steps, in the same order, as static/js/words.js.
_INVISIBLE = [
    re.compile(r"<!--.*?(?:-->|$)", re.DOTALL),  # HTML comments
    re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)", re.DOTALL | re.IGNORECASE),  # their bodies
    re.compile(r"</?[A-Za-z][^>]*>"),  # any other tag (its text stays)
    re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S+.*$", re.MULTILINE),  # [id]: https://... definitions
    re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"),  # (target "title") of links and images
    re.compile(r"\]\[[^\]\n]*\]"),  # [label] of reference links
    re.compile(r"^[ \t]{0,3}(?:```|~~~).*$", re.MULTILINE),  # code fence lines and their language
]
# Letters and digits ([^\W_] is \w without the underscore), joined by an apostrophe, - or _
# ("snake_case"), and by . , : between digits ("3.14", "12:30").
_WORD = re.compile(r"[^\W_]+(?:(?:['\u2019_-]|(?<=\d)[.,:](?=\d))[^\W_]+)*")


def visible_text(text: str) -> str:
    for pattern in _INVISIBLE:
        text = pattern.sub(" ", text)
    return text


def word_count(text: str) -> int:
    """Words a reader sees in the rendered Markdown `text`."""
    return len(_WORD.findall(visible_text(text)))
