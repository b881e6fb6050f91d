"""Reads: the user cache and finding users by name or email."""

from functools import partial

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q

from accounts import usernames
from accounts.models import User
from journal_site.caching import cached

USER_CACHE_TIMEOUT = 30 * 60


def user_cache_key(*, user_id: int) -> str:
    return f"user:id:{user_id}"


def _user_columns() -> list[str]:
    return [field.attname for field in User._meta.concrete_fields]


def _user_row(*, user_id: int) -> dict | None:
    columns = _user_columns()
    row = User.objects.filter(pk=user_id).values_list(*columns).first()
    return None if row is None else {"columns": columns, "values": list(row)}


def user_get_cached(*, user_id: int | str | None) -> User | None:
    """The user with this id, read from `user:id:{id}` (30 minutes), or None if there is none.

    The cache holds the row's values, not a pickled model, so a deploy that
    adds a column reads a stale entry as a miss instead of failing. A missing
    user is cached too (ids are never reused), so a stale session or token of
    a deleted account costs no query either.
    """
    try:
        user_id = int(user_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    key = user_cache_key(user_id=user_id)
    data = cached(key, USER_CACHE_TIMEOUT, partial(_user_row, user_id=user_id), name="users")
    if data is not None and data["columns"] != _user_columns():
        data = _user_row(user_id=user_id)
        cache.set(key, data, USER_CACHE_TIMEOUT)
    if data is None:
        return None
    return User.from_db(DEFAULT_DB_ALIAS, data["columns"], data["values"])


def user_identifier_condition(identifier: str) -> Q:
    """The account a typed username or email names (an email has an "@", a username never does)."""
    identifier = identifier.strip()
    if "@" in identifier:
        return Q(email__lower=identifier.lower())
    return Q(username_key=usernames.key(identifier))


def user_id_for_identifier(identifier: str) -> int | None:
    return User.objects.filter(user_identifier_condition(identifier)).values_list("pk", flat=True).first()


# --- Admin ------------------------------------------------------------------------


def user_search_condition(*, search: str) -> Q | None:
    """Users whose username or email begins with the search, in any letter case."""
    search = search.strip().lower()
    if not search:
        return None
    return Q(username__lower__startswith=search) | Q(email__lower__startswith=search)
