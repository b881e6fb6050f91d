"""The companion's reply cache is private to one user and one mode.

A cached reply is found by a digest of its context together with a scope: a
random token kept per user and mode under ``ai:scope:{user_id}:{mode}``.
Clearing a conversation or deleting the account drops the token, so every reply
cached under it is unreachable at once (and expires within the hour), with no
scan of the keyspace; this works alike on Redis and on the in-process cache.
See docs/ai-reply-cache.md.
"""

import secrets

from django.core.cache import cache

from conversations.modes import MODES


def _scope_key(*, user_id: int, mode: str) -> str:
    return f"ai:scope:{user_id}:{mode}"


def reply_scope(*, user_id: int, mode: str) -> str:
    """The user's current scope token for a mode, made on first use."""
    key = _scope_key(user_id=user_id, mode=mode)
    token = cache.get(key)
    if token is None:
        cache.add(key, secrets.token_hex(16), timeout=None)
        token = cache.get(key)
    # Without a cache the token is new each time: nothing is shared, nothing is found.
    return token or secrets.token_hex(16)


def reply_cache_forget(*, user_id: int, mode: str | None = None) -> None:
    """Make the replies cached for the user (in one mode, or all) unreachable."""
    modes = [mode] if mode else list(MODES)
    cache.delete_many([_scope_key(user_id=user_id, mode=m) for m in modes])
