"""Users' data keys, and the model field that keeps a person's words sealed (docs/encryption.md).

A data key is made the first time a user's text is sealed, kept wrapped in
`account_data_keys`, and unwrapped at most once per process and version (an
in-memory map, never Redis). `SealedTextField` seals on save and opens on first
read of the attribute; `.values()` and `.values_list()` give `Sealed` objects,
which `unseal()` opens, so no read path hands out a ciphertext as if it were text.
"""

import functools
import json
import pickle  # nosec B403 - loads only what cached_sealed sealed itself (AES-GCM authenticated)
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import FieldError
from django.db import IntegrityError, models, transaction
from django.db.models.query_utils import DeferredAttribute
from django.utils import timezone

from journal_site import encryption
from journal_site.caching import cached
from journal_site.encryption import CannotOpen

__all__ = [
    "CannotOpen",
    "Sealed",
    "SealedJSONField",
    "SealedTextField",
    "data_key_current",
    "keys_forget",
    "seal",
    "seal_bytes",
    "search_key",
    "unseal",
    "unseal_bytes",
    "unseal_row",
]

# Unwrapped keys a process keeps (32 bytes each): enough for every active user of a large site.
_KEYS_KEPT = 20_000
_keys: OrderedDict[tuple[int, int], bytes] = OrderedDict()
_keys_lock = threading.Lock()
# Each user's newest key version, and until when (time.monotonic()) that is trusted.
_current: dict[int, tuple[int, float]] = {}
CURRENT_VERSION_SECONDS = 300.0
# The version of a user's search key: a data key of its own that never seals (search_key()).
SEARCH_KEY_VERSION = 0
_SEARCH_DERIVED = -1  # where _keys keeps the HMAC key derived from it
_MISSING = object()


def _context(user_id: int, version: int) -> bytes:
    """What a wrapped data key is bound to: its user and version (a wrapped key moved to another fails)."""
    return f"journal data key {user_id}.{version}".encode()


def _remember(user_id: int, version: int, key: bytes) -> bytes:
    if (user_id, version) in _unsettled():
        return key  # made in this thread's open transaction, which may yet be rolled back
    with _keys_lock:
        _keys[(user_id, version)] = key
        _keys.move_to_end((user_id, version))
        while len(_keys) > _KEYS_KEPT:
            _keys.popitem(last=False)
    return key


def keys_forget(*, user_id: int | None = None) -> None:
    """Drop unwrapped keys from this process: one user's (their account is deleted) or all (tests, rotation)."""
    with _keys_lock:
        if user_id is None:
            _keys.clear()
            _current.clear()
            _unsettled().clear()
        else:
            for cached in [cached for cached in _keys if cached[0] == user_id]:
                del _keys[cached]
            _current.pop(user_id, None)


# Keys this thread made in a transaction not yet committed: not remembered until it is.
_thread = threading.local()


def _unsettled() -> set[tuple[int, int]]:
    if not hasattr(_thread, "unsettled"):
        _thread.unsettled = set()
    return _thread.unsettled


def _data_keys():
    from accounts.models import DataKey  # accounts.models uses SealedTextField from here

    return DataKey.objects


def _unwrap(row) -> bytes:
    key = settings.ENCRYPTION_KEYS.unwrap(
        bytes(row.wrapped), version=row.kek_version, context=_context(row.user_id, row.version)
    )
    return _remember(row.user_id, row.version, key)


def data_key_first(*, user_id: int) -> None:
    """A new user's first data key and search key, made with the user (accounts.signals) in one insert, and
    remembered by this process.

    Remembered at once: if the user's creation is rolled back, the id is never handed out again.
    """
    keys = {version: encryption.data_key_new() for version in (SEARCH_KEY_VERSION, 1)}
    rows = []
    for version, key in keys.items():
        kek_version, wrapped = settings.ENCRYPTION_KEYS.wrap(key, context=_context(user_id, version))
        rows.append(_data_keys().model(user_id=user_id, version=version, kek_version=kek_version, wrapped=wrapped))
    _data_keys().bulk_create(rows)
    for version, key in keys.items():
        _remember(user_id, version, key)
    _remember(user_id, _SEARCH_DERIVED, _search_derive(keys[SEARCH_KEY_VERSION]))
    with _keys_lock:
        _current[user_id] = (1, time.monotonic() + CURRENT_VERSION_SECONDS)


def data_key_create(*, user_id: int, version: int):
    """A new random data key `version` for the user, wrapped by the current KEK (another process may win).

    Not remembered while the caller's transaction is open: it may still be rolled back, and a key
    remembered for a row that never was would seal text nothing can open.
    """
    key = encryption.data_key_new()
    kek_version, wrapped = settings.ENCRYPTION_KEYS.wrap(key, context=_context(user_id, version))
    try:
        with transaction.atomic():
            row = _data_keys().create(user_id=user_id, version=version, kek_version=kek_version, wrapped=wrapped)
    except IntegrityError:
        return _data_keys().get(user_id=user_id, version=version)
    if transaction.get_connection().in_atomic_block:
        _unsettled().add((user_id, version))
        transaction.on_commit(partial(_unsettled().discard, (user_id, version)))
    return row


def data_key_current(*, user_id: int) -> tuple[int, bytes]:
    """The version and key that seal the user's new text: their newest data key, made on first use.

    Which version is newest is remembered for CURRENT_VERSION_SECONDS, so a write costs no query; a
    per-user rotation sweeps again after that long, for what a process sealed with the version before.
    """
    now = time.monotonic()
    with _keys_lock:
        known = _current.get(user_id)
        if known is not None and known[1] > now:
            key = _keys.get((user_id, known[0]))
            if key is not None:
                return known[0], key
    row = _data_keys().filter(user_id=user_id, version__gt=SEARCH_KEY_VERSION).order_by("-version").first()
    if row is None:  # a user made without signals (bulk_create): given a key on first use
        row = data_key_create(user_id=user_id, version=1)
    with _keys_lock:
        key = _keys.get((user_id, row.version))
    key = key if key is not None else _unwrap(row)
    with _keys_lock:
        _current[user_id] = (row.version, now + CURRENT_VERSION_SECONDS)
        while len(_current) > _KEYS_KEPT:
            _current.pop(next(iter(_current)))
    return row.version, key


def _search_derive(key: bytes) -> bytes:
    return encryption.derive(key, purpose="journal search index")


def search_key(*, user_id: int) -> bytes:
    """The HMAC key of the user's blind indexes (docs/encryption.md, Search), made on first use.

    Derived from a random key of its own (version 0 in account_data_keys), which never seals text and is
    kept through the user's rotations: what it hashes stays findable without re-reading every entry.
    """
    with _keys_lock:
        derived = _keys.get((user_id, _SEARCH_DERIVED))
    if derived is not None:
        return derived
    row = _data_keys().filter(user_id=user_id, version=SEARCH_KEY_VERSION).first()
    row = row or data_key_create(user_id=user_id, version=SEARCH_KEY_VERSION)
    derived = _search_derive(_unwrap(row))
    if (user_id, SEARCH_KEY_VERSION) in _unsettled():
        return derived  # made in this thread's open transaction: not remembered until it commits
    return _remember(user_id, _SEARCH_DERIVED, derived)


def data_key(*, user_id: int, version: int) -> bytes:
    with _keys_lock:
        key = _keys.get((user_id, version))
    if key is not None:
        return key
    row = _data_keys().filter(user_id=user_id, version=version).first()
    if row is None:
        raise CannotOpen(f"user {user_id} has no data key {version}")
    return _unwrap(row)


def data_keys_rewrap(*, batch_size: int = 1000) -> int:
    """Wrap every data key not under the current KEK with it; returns how many. Resumable, idempotent.

    After it, the older KEKs can leave ENCRYPTION_KEYS (docs/encryption.md, Rotation).
    """
    keks = settings.ENCRYPTION_KEYS
    done = last = 0
    while rows := list(
        _data_keys().filter(pk__gt=last).exclude(kek_version=keks.current).order_by("pk")[:batch_size]
    ):
        for row in rows:
            context = _context(row.user_id, row.version)
            key = keks.unwrap(bytes(row.wrapped), version=row.kek_version, context=context)
            row.kek_version, row.wrapped = keks.wrap(key, context=context)
        _data_keys().bulk_update(rows, ["kek_version", "wrapped"], batch_size=batch_size)
        done += len(rows)
        last = rows[-1].pk
    return done


# --- A user's own rotation ---------------------------------------------------------------------------


def sealed_fields() -> list["SealedTextField"]:
    """Every sealed text column of the installed apps."""
    from django.apps import apps

    return [field for model in apps.get_models() for field in model._meta.concrete_fields
            if isinstance(field, SealedTextField)]


def data_key_rotate(*, user_id: int) -> int:
    """Give the user a new data key, which seals from now on, and queue the re-sealing of their rows.

    Returns the new version. Processes that remembered the old version go on sealing with it for at most
    CURRENT_VERSION_SECONDS; the re-sealing and the retirement of old keys allow for that (docs/encryption.md).
    """
    from accounts.tasks import data_key_reseal_task
    from journal_site import outbox

    newest = (_data_keys().filter(user_id=user_id, version__gt=SEARCH_KEY_VERSION).order_by("-version")
              .values_list("version", flat=True).first())
    row = data_key_create(user_id=user_id, version=(newest or 0) + 1)
    keys_forget(user_id=user_id)
    outbox.enqueue(data_key_reseal_task, args=(user_id,))
    return row.version


def data_key_reseal(*, user_id: int, batch_size: int = 500) -> dict[str, int]:
    """Seal again with the newest key what the user has sealed with older ones; then retire those keys.

    Resumable and idempotent: each pass reads the user's rows in id order and changes only values sealed
    with an older version, each with a conditional update (an edit made meanwhile is kept). One pass per
    user at a time (a claim in the shared cache). The older keys are deleted once the newest is older than
    twice CURRENT_VERSION_SECONDS and a pass found nothing left to re-seal.
    """
    from django.core.cache import cache as shared

    claim = f"lock:keys:reseal:{user_id}"
    if not shared.add(claim, True, 3600):
        return {"resealed": 0, "retired": 0, "busy": 1}
    try:
        newest = _data_keys().filter(user_id=user_id, version__gt=SEARCH_KEY_VERSION).order_by("-version").first()
        if newest is None:
            return {"resealed": 0, "retired": 0, "busy": 0}
        def sweep() -> int:
            return sum(_reseal_field(field, user_id=user_id, newest=newest.version, batch_size=batch_size)
                       for field in sealed_fields())

        resealed = sweep()
        retired = 0
        settled = timezone.now() - newest.created_at > timedelta(seconds=2 * CURRENT_VERSION_SECONDS)
        # The second sweep finds what a process sealed with an older key during the first.
        if settled and not _import_payloads_waiting(user_id=user_id) and not sweep():
            retired = (_data_keys().filter(user_id=user_id, version__gt=SEARCH_KEY_VERSION, version__lt=newest.version)
                       .delete()[0])
            if retired:
                keys_forget(user_id=user_id)
        return {"resealed": resealed, "retired": retired, "busy": 0}
    finally:
        shared.delete(claim)


def _reseal_field(field: "SealedTextField", *, user_id: int, newest: int, batch_size: int) -> int:
    """Seal again with key `newest` (the database's, never a process's remembered one) what an older one sealed."""
    manager = field.model._default_manager
    owner = {field.owner: user_id}
    key = data_key(user_id=user_id, version=newest)
    done = last = 0
    while rows := list(manager.filter(pk__gt=last, **owner).order_by("pk")
                       .values_list("pk", field.attname)[:batch_size]):
        last = rows[-1][0]
        for pk, value in rows:
            version = encryption.sealed_version(value.token) if isinstance(value, Sealed) else None
            if version is None or version == newest:
                continue
            text = unseal(user_id=user_id, field=field.place, value=value)
            token = encryption.seal(text, key=key, version=newest, user_id=user_id, field=field.place)
            done += manager.filter(pk=pk, **{field.attname: value}).update(**{field.attname: token})
    return done


def _import_payloads_waiting(*, user_id: int) -> bool:
    """An uploaded file still waiting for its job is sealed with the key of its day: that key stays."""
    from django.apps import apps

    return apps.get_model("diary", "ImportJob").objects.filter(user_id=user_id, payload__isnull=False).exists()


def data_key_check(rows: list[dict]) -> list[str]:
    """What keeps the configured KEKs from opening these data keys (rows of account_data_keys); [] if nothing.

    One key per KEK version is opened: a wrong key of that version fails on the first.
    """
    keks = settings.ENCRYPTION_KEYS
    problems = []
    tried: set[int] = set()
    for row in rows:
        if row["kek_version"] in tried:
            continue
        tried.add(row["kek_version"])
        try:
            keks.unwrap(row["wrapped"], version=row["kek_version"], context=_context(row["user_id"], row["version"]))
        except CannotOpen as error:
            problems.append(str(error))
    return problems


class Sealed:
    """A sealed value as read from the database; `unseal()` opens it. Never shown as text by mistake."""

    __slots__ = ("token",)

    def __init__(self, token: str):
        self.token = token

    def __repr__(self) -> str:
        return "<Sealed>"

    def __eq__(self, other) -> bool:
        return isinstance(other, Sealed) and other.token == self.token

    def __hash__(self) -> int:
        return hash(self.token)


def seal(*, user_id: int, field: str, text: str) -> str:
    """`text` sealed for the user's `field` (`<table>.<column>`); the empty text stays empty."""
    if not text:
        return text
    version, key = data_key_current(user_id=user_id)
    return encryption.seal(text, key=key, version=version, user_id=user_id, field=field)


def unseal(*, user_id: int, field: str, value) -> str:
    """The text of a sealed value (a `Sealed` or its token); text written before sealing began as it is."""
    if value is None:
        return value
    token = value.token if isinstance(value, Sealed) else value
    parts = encryption.sealed_parts(token)
    if parts is None:
        return token
    version, body = parts
    return encryption.open_body(body, key=data_key(user_id=user_id, version=version), user_id=user_id, field=field)


def unseal_row(row: dict, *, model, user_id: int) -> dict:
    """A `.values()` row of `model` with every sealed column in it opened, in place (one user's rows).

    The API's list path: one key look-up per version, not per value.
    """
    keys: dict[int, bytes] = {}
    for name, field in _sealed_columns(model):
        value = row.get(name)
        if not isinstance(value, Sealed):
            continue
        parts = encryption.sealed_parts(value.token)
        if parts is None:
            row[name] = field.opened(value.token)
            continue
        version, body = parts
        key = keys.get(version) or keys.setdefault(version, data_key(user_id=user_id, version=version))
        row[name] = field.opened(encryption.open_body(body, key=key, user_id=user_id, field=field.place))
    return row


@functools.cache
def _sealed_columns(model) -> tuple[tuple[str, "SealedTextField"], ...]:
    return tuple((field.attname, field) for field in model._meta.concrete_fields if isinstance(field, SealedTextField))


def seal_bytes(*, user_id: int, field: str, data: bytes) -> bytes:
    """`data` (an uploaded file) sealed for the user's `field`, as `seal()` does text."""
    version, key = data_key_current(user_id=user_id)
    return encryption.seal_bytes(data, key=key, version=version, user_id=user_id, field=field)


def unseal_bytes(*, user_id: int, field: str, data: bytes) -> bytes:
    """The bytes `seal_bytes()` sealed; bytes stored before sealing began as they are."""
    version = encryption.sealed_bytes_version(data)
    if version is None:
        return data
    key = data_key(user_id=user_id, version=version)
    return encryption.open_sealed_bytes(data, key=key, user_id=user_id, field=field)


def cached_sealed(key: str, timeout: int, compute: Callable[[], Any], *, name: str, user_id: int) -> Any:
    """`journal_site.caching.cached` for a value holding the user's words: Redis keeps it sealed.

    The value is pickled and sealed with the user's data key, bound to its cache key; one that does not
    open (planted, or kept in the clear by an older release) counts as a miss and is computed again
    (docs/encryption.md). The key is the caller's, with its version: invalidation works as before.
    """
    place = f"cache:{key}"
    sealed_key = key
    fresh = _MISSING

    def compute_sealed() -> bytes:
        nonlocal fresh
        fresh = compute()
        return seal_bytes(user_id=user_id, field=place, data=pickle.dumps(fresh, protocol=pickle.HIGHEST_PROTOCOL))

    stored = cached(sealed_key, timeout, compute_sealed, name=name)
    if fresh is not _MISSING:
        return fresh
    try:
        version = encryption.sealed_bytes_version(stored) if isinstance(stored, bytes) else None
        if version is None:
            raise CannotOpen(f"{sealed_key} is not sealed")
        data = encryption.open_sealed_bytes(
            stored, key=data_key(user_id=user_id, version=version), user_id=user_id, field=place
        )
    except CannotOpen:
        cache.set(sealed_key, compute_sealed(), timeout)
        return fresh
    # Only what this function sealed opens (AES-GCM authenticates it), so only our own pickles are loaded.
    return pickle.loads(data)  # noqa: S301  # nosec B301


class _SealedAttribute(DeferredAttribute):
    """Opens the sealed value on first read, with the row's owner; what is set is kept as given."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            field = self.field
            if field.owner not in instance.__dict__:
                # It would be fetched row by row: a query per value opened. Not an AttributeError, which a
                # template would swallow into an empty string.
                raise FieldError(f"{field.place} is opened with {field.owner}: load it too (only(..., 'user'))")
            value = field.opened(unseal(user_id=instance.__dict__[field.owner], field=field.place, value=value))
            instance.__dict__[field.attname] = value
        return value

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class SealedTextField(models.TextField):
    """Text sealed with its owner's data key, bound to the owner and to `<table>.<column>`.

    `owner` names the attribute holding the owning user's id. The column cannot be filtered or sorted
    on; search uses blind indexes instead (docs/encryption.md).
    """

    descriptor_class = _SealedAttribute

    def __init__(self, *args, owner: str = "user_id", **kwargs):
        self.owner = owner
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        if self.owner != "user_id":
            kwargs["owner"] = self.owner
        return name, "accounts.keys.SealedTextField", args, kwargs

    @property
    def place(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"

    def from_db_value(self, value, expression, connection):
        return None if value is None else Sealed(value)

    def opened(self, text: str):
        """The attribute's value for an opened text (the text itself here; see SealedJSONField)."""
        return text

    def as_text(self, value) -> str:
        return value

    def pre_save(self, model_instance, add):
        value = model_instance.__dict__.get(self.attname)
        if isinstance(value, Sealed):
            return value
        text = self.as_text(value)
        if not text:
            return text
        return seal(user_id=getattr(model_instance, self.owner), field=self.place, text=text)

    def get_prep_value(self, value):
        if isinstance(value, Sealed):
            return value.token
        value = super().get_prep_value(value)
        if value and encryption.sealed_version(value) is None:
            # update() and bulk_update() do not seal: they would write the words in the clear.
            raise ValueError(f"{self.place} takes sealed text: save() the row, or seal() the value first")
        return value

    def to_python(self, value):
        return value if isinstance(value, Sealed) else super().to_python(value)


class SealedJSONField(SealedTextField):
    """A JSON value (a list of names) sealed as its compact JSON text; the empty list is stored as ""."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        if kwargs.get("default") is list:
            del kwargs["default"]
        if kwargs.get("blank"):
            del kwargs["blank"]
        return name, "accounts.keys.SealedJSONField", args, kwargs

    def opened(self, text: str):
        return json.loads(text) if text else []

    def as_text(self, value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")) if value else ""

    def get_prep_value(self, value):
        if isinstance(value, list | dict):
            raise ValueError(f"{self.place} takes sealed text: save() the row")
        return super().get_prep_value(value)

    def to_python(self, value):
        return value
