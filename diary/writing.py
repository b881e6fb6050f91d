"""What the editor offers besides the page: emotions in order of use, the user's tags and templates.

Reads only. Emotion use is counted over recent entries by one grouped query
and cached per user under the statistics version (diary.cache), so it is
recounted only after the user's entries change.
"""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from accounts.keys import unseal
from diary.cache import STATS_TIMEOUT, stats_key
from diary.emotions import EMOTION_GROUPS, EMOTIONS
from diary.json_lists import json_list_expand
from diary.models import EntryTemplate, UserTag
from journal_site.caching import cached

# "Most used" means lately: the last half year, so an old habit fades.
USAGE_DAYS = 180
def _emotion_usage_compute(*, user_id: int) -> dict[str, int]:
    join, value = json_list_expand(column="e.emotion_tags")
    since = timezone.now() - timedelta(days=USAGE_DAYS)
    sql = f"""
        SELECT {value}, COUNT(*) FROM diary_entries e {join}
        WHERE e.user_id = %s AND e.created_at >= %s GROUP BY 1
    """  # noqa: S608 - constants only; the values are parameters  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, since])
        return {str(code): int(count) for code, count in cursor.fetchall() if code in EMOTIONS}


def emotion_usage(*, user) -> dict[str, int]:
    """How often the user tagged each emotion lately: one query, then cached until their entries change."""
    key = stats_key(user_id=user.pk, name="emotion-usage")
    return cached(key, STATS_TIMEOUT, lambda: _emotion_usage_compute(user_id=user.pk), name="stats")


def emotion_groups_for(*, usage: dict[str, int]) -> list[dict]:
    """The vocabulary by group; within a group the user's most used first, then the usual order."""
    groups = []
    for code, label, codes in EMOTION_GROUPS:
        ordered = sorted(codes, key=lambda c: (-usage.get(c, 0), codes.index(c)))
        groups.append({"code": code, "label": label, "emotions": ordered})
    return groups


def user_tags(*, user) -> dict[int, str]:
    """The user's own tags, opened: name by name hash, alphabetically whatever the case (USER_TAGS_MAX at most)."""
    user_id = getattr(user, "pk", user)
    place = UserTag._meta.get_field("name").place
    rows = UserTag.objects.filter(user_id=user_id).values_list("name_hash", "name")
    opened = [(name_hash, unseal(user_id=user_id, field=place, value=name)) for name_hash, name in rows]
    return dict(sorted(opened, key=lambda item: (item[1].casefold(), item[1])))


def user_tag_names(*, user, prefix: str = "", limit: int = 200) -> list[str]:
    """The user's own tag names, alphabetically whatever the case; only those beginning with `prefix` when given."""
    prefix = prefix.strip()[:40].casefold()
    return [name for name in user_tags(user=user).values() if name.casefold().startswith(prefix)][:limit]


def user_tags_with_counts(*, user) -> list[dict]:
    """Every tag on the user's list with how many entries carry it, alphabetically (the tags page)."""
    join, value = json_list_expand(column="e.tag_index")
    sql = f"""
        SELECT {value}, COUNT(*) FROM diary_entries e {join} WHERE e.user_id = %s GROUP BY 1
    """  # noqa: S608 - constants only; the value is a parameter  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk])
        counts = {int(name_hash): int(count) for name_hash, count in cursor.fetchall()}
    return [{"name": name, "entries": counts.get(name_hash, 0)} for name_hash, name in user_tags(user=user).items()]


def entry_templates(*, user) -> list[EntryTemplate]:
    """The user's templates by name: sorted here, since the names are sealed (at most TEMPLATES_MAX, 50)."""
    templates = list(EntryTemplate.objects.filter(user=user).order_by("id")[:50])
    return sorted(templates, key=lambda template: (template.name.casefold(), template.id))


def entry_template_get_for_user(*, user, template_id: int) -> EntryTemplate:
    from django.http import Http404

    if not 0 < template_id <= 2**63 - 1:
        raise Http404
    try:
        return EntryTemplate.objects.get(pk=template_id, user=user)
    except EntryTemplate.DoesNotExist:
        raise Http404 from None
