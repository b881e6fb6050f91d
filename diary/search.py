"""Full-text search over entries. See docs/reading.md.

PostgreSQL: the stored column search_document holds, for title and content,
the lexemes of two text search configurations made by migration 0006:
journal_simple (accents removed, no stemming: prefixes stand in for Polish
word forms) and journal_english (accents removed, English stems). A search
wants every word, each either as an unaccented prefix or as an English stem;
the GIN index ix_diary_entries_search serves all of it.

SQLite: every word must appear in the title or the text, accents and case
folded by a Python function registered on each connection (journal_fold).
"""

from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db.models import Expression, Func, Q, TextField

from diary.excerpts import fold, search_words, stem

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
    """Every word of `q`, each as an unaccented prefix or an English stem; None when `q` has no word.

    Only letters and digits reach the tsquery, so its operators cannot be injected.
    """
    words = search_words(q)
    if not words:
        return None
    per_word = [
        SearchQuery(f"{word}:*", config=SEARCH_CONFIG, search_type="raw")
        | SearchQuery(word, config=STEM_CONFIG, search_type="raw")
        for word in words
    ]
    return reduce(and_, per_word)


class Fold(Func):
    """Lowercase, accents removed (SQLite only: a Python function registered per connection)."""

    function = SQLITE_FOLD
    output_field = TextField()


def fold_filter(q: str) -> Q | None:
    """SQLite: every word (or its English stem) in the folded title or text; None when `q` has no word."""
    words = search_words(q)
    if not words:
        return None
    return reduce(and_, [
        reduce(or_, [Q(search_title__contains=stem(word)), Q(search_text__contains=stem(word))]) for word in words
    ])


def sqlite_register_fold(sender, connection, **kwargs) -> None:
    """connection_created receiver: give SQLite the fold() used by searches."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FOLD, 1, _fold_or_none, deterministic=True)


def _fold_or_none(value):
    return None if value is None else fold(value)
