"""Envelope encryption (docs/encryption.md): key-encryption keys, users' data keys, sealed fields."""

import base64

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from accounts import keys
from accounts.keys import CannotOpen, Sealed
from accounts.models import DataKey, TwoFactor, User
from accounts.tests.factories import UserFactory
from diary.models import EntryTemplate
from journal_site import encryption
from journal_site.env import ConfigError

pytestmark = pytest.mark.django_db

KEY_A = base64.b64encode(b"A" * 32).decode()
KEY_B = base64.b64encode(b"B" * 32).decode()


def _column(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


# --- Key-encryption keys -------------------------------------------------------------------------------------


def test_keks_are_read_with_the_first_one_current():
    keks = encryption.kek_parse(f"2:{KEY_B}, 1:{KEY_A}")
    assert keks.current == 2 and set(keks.keys) == {1, 2}


@pytest.mark.parametrize(
    "value,message",
    [
        ("", "holds no key"),
        (KEY_A, "VERSION:BASE64"),
        ("0:" + KEY_A, "VERSION:BASE64"),
        ("1:not base64!", "not valid base64"),
        ("1:" + base64.b64encode(b"short").decode(), "must be 32 bytes"),
        (f"1:{KEY_A},1:{KEY_B}", "given twice"),
    ],
)
def test_a_bad_kek_is_refused_with_a_clear_message(value, message):
    with pytest.raises(ConfigError, match=message):
        encryption.kek_parse(value)


def test_a_data_key_is_kept_only_wrapped(owner):
    version, key = keys.data_key_current(user_id=owner.pk)
    row = DataKey.objects.get(user=owner, version=version)
    assert key not in bytes(row.wrapped) and len(key) == 32
    assert row.kek_version == settings.ENCRYPTION_KEYS.current
    # A wrapped key moved to another user does not open.
    other = UserFactory()
    DataKey.objects.create(user=other, version=2, kek_version=row.kek_version, wrapped=row.wrapped)
    keys.keys_forget()
    with pytest.raises(CannotOpen):
        keys.data_key(user_id=other.pk, version=2)


def test_every_user_has_a_data_key_from_the_start(django_assert_num_queries):
    user = UserFactory()
    # Version 0 is the search key, which seals nothing (docs/encryption.md, Search).
    assert list(DataKey.objects.filter(user=user).order_by("version").values_list("version", flat=True)) == [0, 1]
    with django_assert_num_queries(0):  # made with the user, so this process seals and searches without asking
        keys.seal(user_id=user.pk, field="t.c", text="x")
        keys.search_key(user_id=user.pk)


def test_a_user_made_without_a_key_gets_one_on_first_use():
    user = UserFactory()
    DataKey.objects.filter(user=user).delete()
    keys.keys_forget()
    token = keys.seal(user_id=user.pk, field="t.c", text="words")
    assert DataKey.objects.filter(user=user).count() == 1
    keys.keys_forget()
    assert keys.unseal(user_id=user.pk, field="t.c", value=token) == "words"


# --- Sealing -------------------------------------------------------------------------------------------------


def test_sealed_text_opens_only_for_its_user_and_field(owner, outsider):
    token = keys.seal(user_id=owner.pk, field="t.c", text="Zażółć gęślą jaźń")
    assert token.startswith("e1.1.")
    sealed_bytes = base64.urlsafe_b64decode(token.rsplit(".", 1)[1] + "==")
    assert "Zażółć".encode() not in sealed_bytes and b"j" + "aźń".encode() not in sealed_bytes
    assert keys.unseal(user_id=owner.pk, field="t.c", value=token) == "Zażółć gęślą jaźń"
    with pytest.raises(CannotOpen):
        keys.unseal(user_id=owner.pk, field="t.other", value=token)
    with pytest.raises(CannotOpen):
        keys.unseal(user_id=outsider.pk, field="t.c", value=token)


def test_the_same_text_seals_differently_each_time(owner):
    first, second = (keys.seal(user_id=owner.pk, field="t.c", text="same") for _ in range(2))
    assert first != second


def test_text_from_before_sealing_reads_as_it_is(owner):
    assert keys.unseal(user_id=owner.pk, field="t.c", value="Written before.") == "Written before."
    assert keys.unseal(user_id=owner.pk, field="t.c", value="e1.looks like a token") == "e1.looks like a token"


def test_a_template_is_sealed_in_the_database_and_reads_as_text(owner):
    template = EntryTemplate.objects.create(user=owner, name="Gratitude", content="Three good things")
    assert _column("diary_entry_templates", "content", template.pk).startswith("e1.")
    assert "Gratitude" not in _column("diary_entry_templates", "name", template.pk)
    fresh = EntryTemplate.objects.get(pk=template.pk)
    assert (fresh.name, fresh.content) == ("Gratitude", "Three good things")
    # values() hands out sealed values, never their ciphertext as if it were text.
    (name,) = EntryTemplate.objects.filter(pk=template.pk).values_list("name", flat=True)
    assert isinstance(name, Sealed) and repr(name) == "<Sealed>"
    assert keys.unseal(user_id=owner.pk, field="diary_entry_templates.name", value=name) == "Gratitude"


def test_a_sealed_value_moved_to_another_users_row_does_not_open(owner, outsider):
    mine = EntryTemplate.objects.create(user=owner, name="Mine", content="Private words")
    theirs = EntryTemplate.objects.create(user=outsider, name="Theirs", content="x")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE diary_entry_templates SET content = %s WHERE id = %s",
            [_column("diary_entry_templates", "content", mine.pk), theirs.pk],
        )
    moved = EntryTemplate.objects.get(pk=theirs.pk)
    with pytest.raises(CannotOpen):
        print(moved.content)


def test_an_update_cannot_write_words_in_the_clear(owner):
    template = EntryTemplate.objects.create(user=owner, name="A", content="B")
    with pytest.raises(ValueError, match="takes sealed text"):
        EntryTemplate.objects.filter(pk=template.pk).update(content="in the clear")


def test_the_two_step_secret_is_sealed(owner):
    from accounts import twofactor

    secret = twofactor.secret_new()
    twofactor.two_factor_enable(user=owner, secret=secret)
    row = TwoFactor.objects.get(user=owner)
    stored = _column("account_two_factor", "secret", row.pk)
    assert secret not in stored and stored.startswith("e1.")
    assert TwoFactor.objects.get(user=owner).secret == secret


def test_deleting_an_account_forgets_its_keys(owner):
    keys.seal(user_id=owner.pk, field="t.c", text="x")
    assert DataKey.objects.filter(user=owner).exists()
    User.objects.filter(pk=owner.pk).delete()
    assert not DataKey.objects.filter(user_id=owner.pk).exists()


def test_deleting_a_user_forgets_their_unwrapped_key_in_this_process(owner):
    keys.seal(user_id=owner.pk, field="t.c", text="x")
    owner_id = owner.pk
    owner.delete()
    assert all(user_id != owner_id for user_id, _ in keys._keys)


# --- Rotation ------------------------------------------------------------------------------------------------


def test_a_new_kek_rewraps_every_data_key_and_the_old_one_can_go(settings):
    settings.ENCRYPTION_KEYS = encryption.kek_parse(f"1:{KEY_A}")
    users = UserFactory.create_batch(3)
    tokens = {user.pk: keys.seal(user_id=user.pk, field="t.c", text=f"words of {user.pk}") for user in users}
    settings.ENCRYPTION_KEYS = encryption.kek_parse(f"2:{KEY_B},1:{KEY_A}")
    call_command("encryption_rewrap", "--batch-size", "2", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(DataKey.objects.values_list("kek_version", flat=True)) == {2}
    settings.ENCRYPTION_KEYS = encryption.kek_parse(f"2:{KEY_B}")
    keys.keys_forget()
    for user_id, token in tokens.items():
        assert keys.unseal(user_id=user_id, field="t.c", value=token) == f"words of {user_id}"
    # Without the rotation, the old KEK's keys would not open.
    settings.ENCRYPTION_KEYS = encryption.kek_parse(f"3:{KEY_A}")
    other = UserFactory()
    token = keys.seal(user_id=other.pk, field="t.c", text="x")
    settings.ENCRYPTION_KEYS = encryption.kek_parse(f"2:{KEY_B}")
    keys.keys_forget()
    with pytest.raises(CannotOpen, match="key-encryption key 3 is not configured"):
        keys.unseal(user_id=other.pk, field="t.c", value=token)


def test_a_new_kek_line_is_numbered_after_the_configured_ones(settings, capsys):
    settings.ENCRYPTION_KEYS = encryption.kek_parse(f"4:{KEY_B},1:{KEY_A}")
    call_command("encryption_key_new")
    line = capsys.readouterr().out.strip()
    assert encryption.kek_parse(line).current == 5


# --- Existing rows -------------------------------------------------------------------------------------------


def test_an_import_file_waits_for_its_job_sealed(owner):
    from portability.imports import PAYLOAD_FIELD

    data = b'{"format": "journal", "entries": [{"content": "A marker sentence."}]}'
    sealed = keys.seal_bytes(user_id=owner.pk, field=PAYLOAD_FIELD, data=data)
    assert b"marker" not in sealed
    assert keys.unseal_bytes(user_id=owner.pk, field=PAYLOAD_FIELD, data=sealed) == data
    assert keys.unseal_bytes(user_id=owner.pk, field=PAYLOAD_FIELD, data=data) == data  # stored before
    with pytest.raises(CannotOpen):
        keys.unseal_bytes(user_id=owner.pk, field="other.place", data=sealed)


def test_the_migration_seals_templates_saved_before(owner):
    from importlib import import_module

    from django.apps import apps

    template = EntryTemplate.objects.create(user=owner, name="N", content="C")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE diary_entry_templates SET name = 'Old name', content = 'Old text' WHERE id = %s",
                       [template.pk])
    assert EntryTemplate.objects.get(pk=template.pk).content == "Old text"  # read as it is, meanwhile
    import_module("diary.migrations.0010_sealed_templates").seal_templates(apps, None)
    assert _column("diary_entry_templates", "content", template.pk).startswith("e1.")
    fresh = EntryTemplate.objects.get(pk=template.pk)
    assert (fresh.name, fresh.content) == ("Old name", "Old text")


# --- Caches --------------------------------------------------------------------------------------------------


def test_a_cached_value_holding_words_is_kept_sealed(owner):
    from django.core.cache import cache

    calls = []
    value = {"tags": ["Kasia", "work meeting"]}

    def compute():
        calls.append(1)
        return value

    def read():
        return keys.cached_sealed("t:words", 60, compute, name="stats", user_id=owner.pk)

    assert read() == value
    stored = cache.get("t:words")
    assert isinstance(stored, bytes) and b"Kasia" not in stored
    assert read() == value and len(calls) == 1
    # A value planted in the cache (or sealed for another key or user) is never loaded: it is computed again.
    cache.set("t:words", b"\x00e1 planted", 60)
    assert read() == value and len(calls) == 2


def test_a_message_and_the_companions_reply_are_sealed(owner, monkeypatch):
    from conversations.models import ConversationHistory
    from conversations.services import message_send

    kept = []
    real_cached = keys.cached
    monkeypatch.setattr(keys, "cached", lambda key, timeout, compute, name: kept.append(
        real_cached(key, timeout, compute, name=name)) or kept[-1])
    message_send(user=owner, mode="supportive", content="A lighthouse keeper's secret.")
    message, reply = ConversationHistory.objects.filter(user=owner).order_by("id")
    for row in (message, reply):
        assert _column("conversation_history", "content", row.pk).startswith("e1.")
    assert message.content == "A lighthouse keeper's secret." and reply.content
    assert kept and all(reply.content.encode() not in value for value in kept)


# --- A user's own rotation -----------------------------------------------------------------------------------


def _age_newest_key(user, seconds: float) -> None:
    from datetime import timedelta

    from django.utils import timezone

    newest = DataKey.objects.filter(user=user).order_by("-version").first()
    DataKey.objects.filter(pk=newest.pk).update(created_at=timezone.now() - timedelta(seconds=seconds))


def test_rotating_a_users_key_seals_their_rows_again_and_then_retires_the_old_key(owner, outsider):
    from accounts.tasks import data_keys_retire

    template = EntryTemplate.objects.create(user=owner, name="Evening", content="Three good things")
    theirs = EntryTemplate.objects.create(user=outsider, name="Theirs", content="Untouched")
    before = _column("diary_entry_templates", "content", theirs.pk)
    assert keys.data_key_rotate(user_id=owner.pk) == 2
    assert keys.seal(user_id=owner.pk, field="t.c", text="new").startswith("e1.2.")
    result = keys.data_key_reseal(user_id=owner.pk)
    assert result == {"resealed": 2, "retired": 0, "busy": 0}  # the name and the text; the old key stays a while
    assert _column("diary_entry_templates", "content", template.pk).startswith("e1.2.")
    assert _column("diary_entry_templates", "content", theirs.pk) == before
    # A process that still remembered version 1 seals with it meanwhile; the next pass finds it.
    version1 = keys.data_key(user_id=owner.pk, version=1)
    stale = encryption.seal("Written by a slow process", key=version1, version=1, user_id=owner.pk,
                            field="diary_entry_templates.content")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE diary_entry_templates SET content = %s WHERE id = %s", [stale, template.pk])
    _age_newest_key(owner, keys.CURRENT_VERSION_SECONDS * 2 + 1)
    assert data_keys_retire() == 1  # the hourly task finishes what the rotation began
    assert list(DataKey.objects.filter(user=owner).order_by("version").values_list("version", flat=True)) == [0, 2]
    keys.keys_forget()
    fresh = EntryTemplate.objects.get(pk=template.pk)
    assert (fresh.name, fresh.content) == ("Evening", "Written by a slow process")
    assert EntryTemplate.objects.get(pk=theirs.pk).content == "Untouched"


def test_one_re_sealing_per_user_at_a_time(owner):
    from django.core.cache import cache

    cache.add(f"lock:keys:reseal:{owner.pk}", True, 60)
    assert keys.data_key_reseal(user_id=owner.pk)["busy"] == 1


def test_an_import_waiting_for_its_job_keeps_the_old_key(owner):
    from diary.models import ImportJob
    from portability.imports import PAYLOAD_FIELD

    ImportJob.objects.create(user=owner, payload=keys.seal_bytes(user_id=owner.pk, field=PAYLOAD_FIELD, data=b"{}"))
    keys.data_key_rotate(user_id=owner.pk)
    _age_newest_key(owner, keys.CURRENT_VERSION_SECONDS * 2 + 1)
    assert keys.data_key_reseal(user_id=owner.pk)["retired"] == 0
    assert DataKey.objects.filter(user=owner).count() == 3  # the search key, the old key and the new one


def test_an_operator_rotates_one_users_key(owner, capsys):
    from django.core.management.base import CommandError

    call_command("encryption_rotate_user", owner.username)
    assert "data key 2 seals from now on" in capsys.readouterr().out
    assert list(DataKey.objects.filter(user=owner).order_by("version").values_list("version", flat=True)) == [0, 1, 2]
    with pytest.raises(CommandError, match="no user named"):
        call_command("encryption_rotate_user", "nobody-here")


def test_a_sealed_field_read_without_its_owner_fails_loudly(owner):
    from django.core.exceptions import FieldError

    EntryTemplate.objects.create(user=owner, name="N", content="C")
    template = EntryTemplate.objects.only("content").get()
    with pytest.raises(FieldError, match="load it too"):  # not a query per row, nor an empty string in a template
        print(template.content)


def test_a_key_made_in_a_transaction_that_is_rolled_back_is_not_remembered():
    from django.db import transaction

    user = UserFactory()
    DataKey.objects.filter(user=user).delete()
    keys.keys_forget()

    class RolledBack(Exception):
        pass

    with pytest.raises(RolledBack), transaction.atomic():
        keys.seal(user_id=user.pk, field="t.c", text="lost with the transaction")
        keys.seal(user_id=user.pk, field="t.c", text="and again")  # reads the row it made: still not kept
        raise RolledBack
    assert (user.pk, 1) not in keys._keys
    token = keys.seal(user_id=user.pk, field="t.c", text="kept")  # a new key, from the database
    keys.keys_forget()
    assert keys.unseal(user_id=user.pk, field="t.c", value=token) == "kept"


@pytest.mark.parametrize("text", [
    "e1.1." + "A" * 37,  # too short for a nonce and a tag
    "e1.01." + "A" * 40,  # a version is never written with a leading zero
    "e1.1." + "A" * 39 + "+",  # base64, not base64url
    "e1.1." + "A b" * 20,  # not base64 at all
    "e1.1." + "A" * 40 + "==",  # never padded
    "e1.²." + "A" * 40,  # not an ASCII digit
    "e1.1." + "A" * 41,  # no base64 has this length
    "e1.1.",
])
def test_text_shaped_almost_like_a_sealed_value_reads_as_text(text):
    assert encryption.sealed_parts(text) is None and encryption.sealed_version(text) is None
    assert keys.unseal(user_id=1, field="t.c", value=text) == text


def test_a_sealed_value_is_recognised_and_a_changed_one_does_not_open(owner):
    token = keys.seal(user_id=owner.pk, field="t.c", text="words " * 200)
    assert encryption.sealed_version(token) == 1
    changed = token[:-8] + ("A" if token[-8] != "A" else "B") + token[-7:]
    with pytest.raises(CannotOpen):
        keys.unseal(user_id=owner.pk, field="t.c", value=changed)
