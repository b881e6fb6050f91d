from django.contrib.postgres.search import SearchVectorField
from django.db.models import Expression

SEARCH_CONFIG = "simple"


class SearchDocument(Expression):
    """The entry's stored search vector: the column search_document (PostgreSQL only).

    Migration 0003 adds it as a generated column over title and content with
    the 'simple' configuration, and puts the GIN index
    ix_diary_entries_search on it. Django's model does not declare it, so
    inserts never name it and PostgreSQL keeps it up to date.
    """

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        from diary.models import DiaryEntry

        table = compiler.quote_name_unless_alias(DiaryEntry._meta.db_table)
        return f"{table}.{connection.ops.quote_name('search_document')}", []


def search_vector() -> SearchDocument:
    """What searches compare against: the indexed, stored search vector."""
    return SearchDocument()
