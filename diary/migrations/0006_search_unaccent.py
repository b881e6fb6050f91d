"""Search ignores accents and knows English word forms (PostgreSQL only; see docs/reading.md).

- The unaccent extension, and two text search configurations built on it:
  journal_simple (copy of 'simple': unaccent, no stemming) and
  journal_english (copy of 'english': unaccent, then the English stemmer).
  to_tsvector(regconfig, text) is IMMUTABLE, so a generated column may use
  them, where unaccent() itself could not be called.
- search_document becomes the union of both vectors over title and content;
  the GIN index ix_diary_entries_search keeps its name.

Like 0003, this rewrites the table once: run it in a quiet hour on a large
deployment.
"""

from django.db import migrations

TEXT = "COALESCE(title, '') || ' ' || COALESCE(content, '')"
DOCUMENT = (
    f"to_tsvector('journal_simple'::regconfig, {TEXT}) || to_tsvector('journal_english'::regconfig, {TEXT})"
)
OLD_DOCUMENT = "to_tsvector('simple'::regconfig, COALESCE(title, '') || ' ' || COALESCE(content, ''))"
WORD_TOKENS = "hword, hword_part, word"


def _replace_column(schema_editor, document: str) -> None:
    schema_editor.execute("SET LOCAL statement_timeout = 0")
    schema_editor.execute("DROP INDEX IF EXISTS ix_diary_entries_search")
    schema_editor.execute("ALTER TABLE diary_entries DROP COLUMN IF EXISTS search_document")
    schema_editor.execute(
        f"ALTER TABLE diary_entries ADD COLUMN search_document tsvector GENERATED ALWAYS AS ({document}) STORED"
    )
    schema_editor.execute("CREATE INDEX ix_diary_entries_search ON diary_entries USING gin (search_document)")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, template, stemmer in (("journal_simple", "simple", "simple"), ("journal_english", "english", "english_stem")):
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")
        schema_editor.execute(f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{template})")
        # Only words with non-ASCII letters can carry accents; ASCII words keep the template's mapping.
        schema_editor.execute(f"ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR {WORD_TOKENS} WITH unaccent, {stemmer}")
    _replace_column(schema_editor, DOCUMENT)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _replace_column(schema_editor, OLD_DOCUMENT)
    schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS journal_simple")
    schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS journal_english")


def unaccent_extension(apps, schema_editor):
    # Django's UnaccentExtension asks pg_extension even on SQLite when unapplied.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


def sqlite_tag_index(apps, schema_editor):
    """SQLite rebuilt the table for 0005's column, losing the index 0002 made outside the model state."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("CREATE INDEX IF NOT EXISTS ix_diary_entries_emotion_tags ON diary_entries (emotion_tags)")


class Migration(migrations.Migration):
    dependencies = [("diary", "0005_entry_excerpt")]
    operations = [
        migrations.RunPython(unaccent_extension, migrations.RunPython.noop),
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(sqlite_tag_index, migrations.RunPython.noop),
    ]
