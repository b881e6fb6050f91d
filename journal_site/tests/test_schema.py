"""Migrations and the database schema, on whichever database the suite runs against."""

import pytest
from django.core.management import call_command
from django.db import connection

# docs/data-model.md: clients' monitoring and hand-written SQL use these names.
EXPECTED_INDEXES = {
    "users": {"ix_users_username", "ix_users_email", "ix_users_created_at", "ix_users_is_active", "ix_users_is_admin"},
    "diary_entries": {"ix_diary_entries_user_id", "ix_diary_entries_created_at", "ix_diary_entries_emotion_tags"},
    "conversation_history": {
        "ix_conversation_history_user_id",
        "ix_conversation_history_mode",
        "ix_conversation_history_created_at",
        "ix_conversation_history_user_mode",
    },
}


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
@pytest.mark.parametrize("table", sorted(EXPECTED_INDEXES))
def test_tables_carry_the_documented_index_names(table):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    assert EXPECTED_INDEXES[table] <= set(constraints)


@pytest.mark.django_db
def test_postgres_catalog_has_gin_indexes_and_pair_index():
    if connection.vendor != "postgresql":
        pytest.skip("GIN indexes exist on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN "
            "('users', 'diary_entries', 'conversation_history')"
        )
        indexes = dict(cursor.fetchall())
    for table, names in EXPECTED_INDEXES.items():
        assert names <= set(indexes), f"{table} misses {names - set(indexes)}"
    assert "USING gin (emotion_tags jsonb_path_ops)" in indexes["ix_diary_entries_emotion_tags"]
    assert "USING gin (search_index)" in indexes["ix_diary_entries_search"]
    assert indexes["ix_conversation_history_user_mode"].endswith("(user_id, mode)")


@pytest.mark.django_db(transaction=True)
def test_migrations_unapply_and_reapply():
    call_command("migrate", "diary", "0001", verbosity=0)
    call_command("migrate", "conversations", "zero", verbosity=0)
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        assert "ix_diary_entries_emotion_tags" in connection.introspection.get_constraints(cursor, "diary_entries")
