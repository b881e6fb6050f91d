"""Search over sealed entries: a blind index (docs/reading.md, docs/encryption.md).

Titles and texts are sealed, so the database cannot read them. Each entry keeps
instead `search_index`: keyed hashes of its words, made with the owner's search
key (accounts.keys.search_key), never the key that seals. What is hashed is what
a search matches, folded (lower case, accents removed):

- every beginning of every word, up to PREFIX_MAX letters ("p"), so a word is
  found by its start ("riv" finds "river"), or by its rough English stem's;
- every dictionary form of every word, the word itself included ("l"), so
  "lekarzem" finds "lekarza" (journal_site.lemmas.search_forms);
- the same again for the title's words ("t"), which ranks title matches first.

A search hashes its words the same way: an entry is found when, for every
word, one of the word's hashes is in its index. Hashes are 32 bits: two words
of one user that collide make a search find an entry it should not, about once
in two million entries a word (docs/encryption.md says why they are kept).

PostgreSQL keeps the index as integer[] under a GIN index (ix_diary_entries_search),
and a word is `search_index && ARRAY[...]`; SQLite keeps the numbers in a text
column (" 12 -7 ") and compares them with LIKE.
"""

import hmac
import re
from dataclasses import dataclass
from functools import reduce
from operator import add, and_, or_

from django.db import connection, models
from django.db.models import Case, Lookup, Q, Value, When

from accounts.keys import search_key
from diary.excerpts import SEARCH_WORDS_MAX, fold, search_words, stem
from journal_site.lemmas import MARKED_SPELLINGS_QUERY, search_forms

_WORD = re.compile(r"[^\W_]+")
# The longest beginning of a word kept: a longer search word is matched by its first PREFIX_MAX letters.
PREFIX_MAX = 12


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


def _hash(key: bytes, term: str) -> int:
    """A term's keyed hash, truncated to a signed 32-bit number (PostgreSQL's integer)."""
    return int.from_bytes(hmac.digest(key, term.encode(), "sha256")[:4], "big", signed=True)


def _word_terms(word: str) -> set[str]:
    """What one word of an entry is filed under (its lowercase spelling as written)."""
    folded = fold(word)
    terms = {f"p:{folded[:length]}" for length in range(1, min(len(folded), PREFIX_MAX) + 1)}
    terms.add(f"l:{folded}")
    if not word.isdigit():
        terms.update(f"l:{form}" for form in search_forms(word))
    return terms


def entry_search_index(*, user_id: int, title: str, content: str) -> list[int]:
    """What a user's entry with this title and text keeps in `search_index` (made by every write)."""
    return entry_index(key=search_key(user_id=user_id), title=title, content=content)


def entry_index(*, key: bytes, title: str, content: str) -> list[int]:
    """The sorted, distinct hashes an entry with this title and text is found by."""
    terms: set[str] = set()
    for word in set(_WORD.findall(content.lower())):
        terms |= _word_terms(word)
    for word in set(_WORD.findall(title.lower())):
        title_terms = _word_terms(word)
        terms |= title_terms
        terms.update(f"t{term}" for term in title_terms)
    return sorted({_hash(key, term) for term in terms})


def _query_terms(word: SearchWord, *, title: bool = False) -> list[str]:
    """The terms any one of which finds `word`: its beginning, its stem's, or a dictionary form."""
    prefix = "t" if title else ""
    starts = {word.folded[:PREFIX_MAX], stem(word.folded)[:PREFIX_MAX]}
    return sorted({*(f"{prefix}p:{start}" for start in starts), *(f"{prefix}l:{form}" for form in word.forms)})


def search_filter(*, key: bytes, q: str) -> Q | None:
    """Every word of `q` in the entry (in any of its forms); None when `q` has no word."""
    words = query_words(q)
    if not words:
        return None
    return reduce(and_, [
        Q(search_index__overlap=sorted({_hash(key, term) for term in _query_terms(word)})) for word in words
    ])


def title_rank(*, key: bytes, q: str):
    """How many words of `q` the title holds: a search's best-match order (diary.selectors)."""
    return reduce(add, [
        Case(When(Q(search_index__overlap=sorted({_hash(key, term) for term in _query_terms(word, title=True)})),
                  then=Value(1)), default=Value(0), output_field=models.IntegerField())
        for word in query_words(q)
    ], Value(0))


class _MadeOnSave:
    """A list column made from other columns whenever the row is saved with it; never edited, empty by default."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        for option in ("default", "editable", "blank"):
            kwargs.pop(option, None)
        return name, f"diary.search.{type(self).__name__}", args, kwargs

    def made(self, model_instance) -> list[int]:
        raise NotImplementedError

    def pre_save(self, model_instance, add):
        value = self.made(model_instance)
        setattr(model_instance, self.attname, value)
        return value


class BlindIndexField(_MadeOnSave, models.Field):
    """Keyed hashes of an entry's words: integer[] on PostgreSQL, numbers in a text column elsewhere.

    Made from the row's `title` and `content` (and owner, `user_id`) whenever the row is saved with this
    field, so every write path (save, bulk_create, a form) keeps it in step with the text.
    """

    description = "Blind index (keyed hashes)"

    def made(self, model_instance) -> list[int]:
        return entry_search_index(
            user_id=model_instance.user_id, title=model_instance.title or "", content=model_instance.content or ""
        )

    def db_type(self, connection):
        return "integer[]" if connection.vendor == "postgresql" else "text"

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        if connection.vendor == "postgresql":
            return [int(number) for number in value]
        return f" {' '.join(str(int(number)) for number in value)} " if value else ""

    def from_db_value(self, value, expression, connection):
        if value is None or isinstance(value, list):
            return value
        return [int(number) for number in value.split()]

    def to_python(self, value):
        if isinstance(value, str):
            return [int(number) for number in value.split()]
        return value


@BlindIndexField.register_lookup
class Overlap(Lookup):
    """The index holds at least one of these hashes."""

    lookup_name = "overlap"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        numbers = [int(number) for number in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} && %s::integer[]", [*lhs_params, numbers]
        if not numbers:
            return "0 = 1", []
        # Only integers reach the pattern, so it holds no LIKE wildcard.
        return "(" + " OR ".join(f"{lhs} LIKE %s" for _ in numbers) + ")", [
            param for number in numbers for param in (*lhs_params, f"% {number} %")
        ]


# --- Own tags ---------------------------------------------------------------------------------------------


def tag_hash(*, key: bytes, name: str) -> int:
    """A tag name's keyed hash, any letter case, 64 bits (a user's tags never collide in practice).

    What filters, counts and keeps unique the user's own tags, whose names are sealed (docs/encryption.md).
    """
    return int.from_bytes(hmac.digest(key, f"g:{name.casefold()}".encode(), "sha256")[:8], "big", signed=True)


def tag_hashes(*, user_id: int, names) -> list[int]:
    key = search_key(user_id=user_id)
    return [tag_hash(key=key, name=name) for name in names]


def json_number_in(column: str, number: int) -> Q:
    """Rows whose JSON list `column` holds `number`: jsonb @> on PostgreSQL (served by a GIN index), the JSON
    text elsewhere (Django writes it with json.dumps: "[1, -2]")."""
    if connection.vendor == "postgresql":
        return Q(**{f"{column}__contains": [number]})
    number = int(number)
    return reduce(or_, [Q(**{f"{column}__icontains": pattern})
                        for pattern in (f"[{number}]", f"[{number},", f" {number},", f" {number}]")])


class TagIndexField(_MadeOnSave, models.JSONField):
    """The keyed hashes of an entry's own tags (a JSON list), made from `tags` whenever the row is saved with it."""

    def made(self, model_instance) -> list[int]:
        return tag_hashes(user_id=model_instance.user_id, names=model_instance.tags or [])


class TagHashField(models.BigIntegerField):
    """The keyed hash of a UserTag's name, made whenever the row is saved with it: unique per user."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        kwargs.pop("editable", None)
        return name, "diary.search.TagHashField", args, kwargs

    def pre_save(self, model_instance, add):
        (value,) = tag_hashes(user_id=model_instance.user_id, names=[model_instance.name])
        setattr(model_instance, self.attname, value)
        return value
