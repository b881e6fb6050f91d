"""Full-text search over entries. See docs/reading.md.

PostgreSQL: the stored column search_document holds, for title and content,
the lexemes of two text search configurations made by migration 0006:
journal_simple (accents removed, no stemming) and journal_english (accents
removed, English stems), and since migration 0007 the dictionary forms of the
words (search_lemmas, journal_site.lemmas). A search wants every word, each as
an unaccented prefix, an English stem or one of its dictionary forms; the GIN
index ix_diary_entries_search serves all of it.

SQLite: every word must appear in the title or the text (accents and case
folded by a Python function registered on each connection, journal_fold), or
one of its dictionary forms in search_lemmas.
"""

import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db.models import Expression, Func, Q, TextField

from diary.excerpts import SEARCH_WORDS_MAX, fold, search_words, stem
from journal_site.lemmas import MARKED_SPELLINGS_QUERY, search_forms

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchWord:
    """One word of a search: as typed, folded, and the dictionary forms it is also found under."""

    folded: str
    forms: frozenset[str]


def query_words(q: str) -> list[SearchWord]:
    """The words of a search in order, each once, with their dictionary forms ("lekarzem" → lekarz)."""
    found: dict[str, frozenset[str]] = {}
    for typed in _WORD.findall(q.lower()):
        # The word as typed, marks included, gives the surest dictionary form.
        for folded in search_words(typed):
            forms = search_forms(typed, spellings=MARKED_SPELLINGS_QUERY) | {folded}
            found[folded] = found.get(folded, frozenset()) | forms
    return [SearchWord(folded, forms) for folded, forms in list(found.items())[:SEARCH_WORDS_MAX]]

SEARCH_CONFIG = "journal_simple"
STEM_CONFIG = "journal_english"
SQLITE_FOLD = "journal_fold"


class SearchDocument(Expression):
    """The entry's stored search vector: the column search_document (PostgreSQL only).

    Django's model does not declare it, so inserts never name it and
    PostgreSQL keeps it up to date (a generated column, migrations 0003, 0006).
    """

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        from diary.models import DiaryEntry

        table = compiler.quote_name_unless_alias(DiaryEntry._meta.db_table)
        return f"{table}.{connection.ops.quote_name('search_document')}", []


def search_vector() -> SearchDocument:
    """What searches compare against: the indexed, stored search vector."""
    return SearchDocument()


def search_query(q: str) -> SearchQuery | None:
    """Every word of `q`, each as an unaccented prefix, an English stem or a dictionary form; None without a word.

    Only letters and digits reach the tsquery, so its operators cannot be injected.
    """
    words = query_words(q)
    if not words:
        return None
    per_word = [
        SearchQuery(f"{word.folded}:*", config=SEARCH_CONFIG, search_type="raw")
        | SearchQuery(word.folded, config=STEM_CONFIG, search_type="raw")
        | SearchQuery(" | ".join(sorted(word.forms)), config=SEARCH_CONFIG, search_type="raw")
        for word in words
    ]
    return reduce(and_, per_word)


class Fold(Func):
    """Lowercase, accents removed (SQLite only: a Python function registered per connection)."""

    function = SQLITE_FOLD
    output_field = TextField()


def fold_filter(q: str) -> Q | None:
    """SQLite: every word (or its English stem) in the folded title or text, or one of its dictionary forms.

    None when `q` has no word.
    """
    words = query_words(q)
    if not words:
        return None
    return reduce(and_, [
        reduce(or_, [
            *(Q(search_title__contains=part) | Q(search_text__contains=part)
              for part in sorted({stem(word.folded), *word.forms})),
            *(Q(search_lemmas__contains=f" {form} ") for form in sorted(word.forms)),
        ])
        for word in words
    ])


def sqlite_register_fold(sender, connection, **kwargs) -> None:
    """connection_created receiver: give SQLite the fold() used by searches."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FOLD, 1, _fold_or_none, deterministic=True)


def _fold_or_none(value):
    return None if value is None else fold(value)
