"""What do the journal's departures from stock Django/DRF save per request?

    .venv/bin/python bench/bench_forks.py [--pairs 7] [--requests 200] [--warmup 20] [--only renderer,me,entries]

Each departure is measured on the requests that reach it, in one process
through Django's test client, with the journal as shipped (A) against the
stock behaviour (B):

- `renderer`: FORM_RENDERER = FastWidgetRenderer, against Django's
  DjangoTemplates. New entry, edit entry, settings, and the sign-in page
  signed out.
- `me`: GET /api/v1/me/ with accounts.api.me_data, against
  MeSerializer(user).data (still encoded by orjson); B' also answers through
  DRF's Response and JSONRenderer.
- `entries`: GET /api/v1/entries/?limit=20, ?limit=50 and /api/v1/entries/<id>/
  with diary.api.entry_data (values() rows encoded by orjson), against DRF's
  own list and retrieve (ListModelMixin.list, RetrieveModelMixin.retrieve:
  EntrySerializer over model instances, many=True for the list, rendered by
  JSONRenderer). The queryset, pagination and object lookup are the view's
  own on both sides.

B is switched in with override_settings (whose setting_changed handlers drop
the template engines and the default form renderer) or by replacing the
function or method the view calls. One request under each side counts which
widget renderers or serializers actually ran, and how many
queries it made. A and B alternate in pairs (A B, then B A), each side warmed
up after every switch; a side is `--requests` requests timed with
time.process_time, so other work on the machine weighs less. The table gives,
per path, the median CPU µs a request of each side, the gain (B - A) / B, the
range of the per-pair ratios A / B and in how many pairs A was faster. Under
each row: whether A and B answer the same bytes (the CSP nonce and the CSRF
token change with every request and are masked before comparing).

It runs on the embedded default only: a fresh SQLite database and the
in-memory cache in a temporary directory (deleted afterwards), with the rate
limit raised so that no request is refused. Two users with 60 entries each
are made with the test factories.
"""

import argparse
import contextlib
import gc
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SCRATCH = tempfile.mkdtemp(prefix="bench-forks-")
for _name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SQLITE_PATH"):
    os.environ.pop(_name, None)  # the embedded default: SQLite and the in-process cache
os.environ["DJANGO_SETTINGS_MODULE"] = "journal_site.settings"
os.environ["VAR_DIR"] = SCRATCH
os.environ["RATE_LIMIT_PER_MINUTE"] = "1000000000"
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.forms import renderers as form_renderers  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework import mixins  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402
from rest_framework_simplejwt.tokens import RefreshToken  # noqa: E402

from accounts import api as accounts_api  # noqa: E402
from accounts.tests.factories import UserFactory  # noqa: E402
from diary import api as diary_api  # noqa: E402
from diary.tests.factories import EntryFactory  # noqa: E402
from journal_site import form_renderer as fast_renderer  # noqa: E402

ENTRIES_PER_USER = 60
TEXTS = {
    "en": [
        "Woke up early and walked by the river before work.\n\nThe meeting went better than I feared; "
        "I said what I meant and **nobody minded**. Evening: soup, a chapter of the novel, bed at ten.",
        "A heavy day. Too many small things at once:\n\n- the car\n- the dentist\n- Mum's birthday\n\n"
        "Tomorrow I will do one thing at a time.",
        "Ran 5 km in the rain. Felt proud afterwards, and tired in a good way. Talked to Anna for an hour.",
    ],
    "pl": [
        "Wstałam wcześnie i poszłam nad rzekę przed pracą.\n\nSpotkanie poszło lepiej, niż się bałam; "
        "powiedziałam, co myślę, i **nikt się nie obraził**. Wieczorem zupa, rozdział powieści, sen o dziesiątej.",
        "Ciężki dzień. Za dużo drobiazgów naraz:\n\n- samochód\n- dentysta\n- urodziny mamy\n\n"
        "Jutro zrobię jedną rzecz naraz.",
        "Przebiegłam 5 km w deszczu. Byłam z siebie dumna, zmęczona w dobry sposób. Godzina rozmowy z Anią.",
    ],
}
EMOTION_SETS = [["calm", "grateful"], ["stressed", "tired", "anxious"], ["proud", "joy"], []]
TAG_SETS = [["walk"], ["family", "work"], [], ["running"]]

# What changes with every response whatever the side: the CSP nonce and the masked CSRF token.
PER_REQUEST = [
    (re.compile(rb'nonce="[^"]*"'), b'nonce="*"'),
    (re.compile(rb"'nonce-[^']*'"), b"'nonce-*'"),
    (re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"'), b'name="csrfmiddlewaretoken" value="*"'),
    (re.compile(rb'csrftoken=[^;]*'), b"csrftoken=*"),
]
COMPARED_HEADERS = ("Content-Type", "Content-Language", "Content-Length", "Cache-Control", "Vary")


@dataclass
class Side:
    name: str
    enter: Callable[[], None]
    leave: Callable[[], None]

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        self.enter()
        try:
            yield
        finally:
            self.leave()


@dataclass
class Case:
    fork: str
    label: str
    get: Callable[[], object]  # one request; returns the response
    a: Side
    b: Side
    check: Callable[[], str]  # what ran under the active side, e.g. "12 cached / 0 stock {% translate %}"
    before_pair: Callable[[], None] = lambda: None
    a_micros: list[float] = field(default_factory=list)
    b_micros: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _nothing() -> None:
    pass


SHIPPED = Side("A", _nothing, _nothing)


def settings_side(name: str, **overrides) -> Side:
    override = override_settings(**overrides)
    return Side(name, override.enable, override.disable)


def patch_side(name: str, replacements: list[tuple[object, str, object]]) -> Side:
    originals: list[tuple[object, str, object]] = []

    def enter() -> None:
        for owner, attribute, value in replacements:
            originals.append((owner, attribute, getattr(owner, attribute)))
            setattr(owner, attribute, value)

    def leave() -> None:
        while originals:
            owner, attribute, value = originals.pop()
            setattr(owner, attribute, value)

    return Side(name, enter, leave)


@contextlib.contextmanager
def counting(counts: Counter, owner: type, method: str, key: Callable) -> Iterator[None]:
    """Count calls of owner.method by key(self, *args) while inside."""
    own = owner.__dict__.get(method)
    original = getattr(owner, method)

    def wrapper(self, *args, **kwargs):
        name = key(self, *args)
        if name:
            counts[name] += 1
        return original(self, *args, **kwargs)

    setattr(owner, method, wrapper)
    try:
        yield
    finally:
        if own is None:
            delattr(owner, method)
        else:
            setattr(owner, method, own)


# --- The data --------------------------------------------------------------------------------


def users_with_entries() -> dict:
    call_command("migrate", verbosity=0)
    now = timezone.now()
    users = {}
    for language, zone in (("en", "UTC"), ("pl", "Europe/Warsaw")):
        user = UserFactory(username=f"bench-{language}", language=language, timezone=zone)
        for index in range(ENTRIES_PER_USER):
            text = TEXTS[language][index % len(TEXTS[language])]
            EntryFactory(
                user=user,
                title="" if index % 5 == 4 else f"{'Dzień' if language == 'pl' else 'Day'} {index + 1}",
                content=text,
                mood=1 + index % 5,
                emotion_tags=EMOTION_SETS[index % len(EMOTION_SETS)],
                tags=TAG_SETS[index % len(TAG_SETS)],
                created_at=now - timedelta(days=index, hours=index % 7),
            )
        users[language] = user
    return users


# --- The departures ---------------------------------------------------------------------


def renderer_paths(users: dict) -> list[Case]:
    a = SHIPPED
    b = settings_side("B", FORM_RENDERER="django.forms.renderers.DjangoTemplates")

    def check_for(get) -> Callable[[], str]:
        def check() -> str:
            counts: Counter = Counter()
            with (
                counting(counts, fast_renderer.FastWidgetRenderer, "render",
                         lambda _r, name, *_: "python" if name in fast_renderer._FAST else ""),
                counting(counts, form_renderers.BaseRenderer, "render",
                         lambda _r, name, *_: "template" if name.startswith("django/forms/widgets/") else ""),
            ):
                get()
            kind = type(form_renderers.get_default_renderer()).__name__
            return f"{kind}: {counts['python']} widgets in Python / {counts['template']} through templates"
        return check

    user = users["en"]
    client = Client()
    client.force_login(user)
    entry_id = user.diary_entries.order_by("-created_at").values_list("id", flat=True)[3]
    anonymous = Client()
    paths = []
    for label, who, url in (
        ("new entry", client, "/diary/new/"), ("edit entry", client, f"/diary/{entry_id}/edit/"),
        ("settings", client, "/settings/"), ("sign-in (anon)", anonymous, "/accounts/login/"),
    ):
        get = _getter(who, url)
        paths.append(Case("renderer", label, get, a, b, check_for(get)))
    return paths


def _drf_response(data, *, status: int = 200) -> Response:
    return Response(data, status=status)


def me_paths(users: dict) -> list[Case]:
    api, refresh = _api_client(users["pl"])

    def me_serialized(user):
        return accounts_api.MeSerializer(user).data

    b = patch_side("B", [(accounts_api, "me_data", me_serialized)])
    b_drf = patch_side("B'", [(accounts_api, "me_data", me_serialized), (accounts_api, "json_response", _drf_response)])

    def check() -> str:
        counts: Counter = Counter()
        with counting(counts, accounts_api.MeSerializer, "to_representation", lambda *_: "serializer"):
            get()
        return f"{counts['serializer']} MeSerializer representations"

    get = _getter(api, "/api/v1/me/")
    return [
        Case("me", "api/v1/me/", get, SHIPPED, b, check, refresh),
        Case("me", "api/v1/me/ (B' = DRF Response)", get, SHIPPED, b_drf, check, refresh),
    ]


def entries_paths(users: dict) -> list[Case]:
    user = users["pl"]
    api, refresh = _api_client(user)
    entry_id = user.diary_entries.order_by("-created_at").values_list("id", flat=True)[3]
    # Without the bypass the views would be DRF's own: EntrySerializer(page, many=True) over model
    # instances, or EntrySerializer(entry), answered through Response and JSONRenderer.
    # (Replacing entry_data row by row would build a new serializer's fields for every row,
    # which stock DRF never does, and overstate the gain.)
    b = patch_side("B", [
        (diary_api.EntryListCreateApi, "list", mixins.ListModelMixin.list),
        (diary_api.EntryDetailApi, "retrieve", mixins.RetrieveModelMixin.retrieve),
    ])

    def check_for(get) -> Callable[[], str]:
        def check() -> str:
            counts: Counter = Counter()
            with counting(counts, diary_api.EntrySerializer, "to_representation", lambda *_: "serializer"):
                get()
            return f"{counts['serializer']} EntrySerializer representations"
        return check

    paths = []
    for label, url in (
        ("api/v1/entries/?limit=20", "/api/v1/entries/?limit=20"),
        ("api/v1/entries/?limit=50", "/api/v1/entries/?limit=50"),
        ("api/v1/entries/<id>/", f"/api/v1/entries/{entry_id}/"),
    ):
        get = _getter(api, url)
        paths.append(Case("entries", label, get, SHIPPED, b, check_for(get), refresh))
    return paths


def _api_client(user) -> tuple[APIClient, Callable[[], None]]:
    api = APIClient()

    def refresh() -> None:
        # Access tokens live five minutes: a new one for every pair, used by both sides.
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")

    refresh()
    return api, refresh


def _getter(client: Client, url: str) -> Callable[[], object]:
    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        return response
    return get


# --- Measuring ---------------------------------------------------------------------------------


def _masked(response) -> tuple[int, bytes, tuple]:
    body = response.content
    headers = tuple((name, response.headers.get(name, "")) for name in COMPARED_HEADERS)
    header_bytes = repr(headers).encode() + response.headers.get("Content-Security-Policy", "").encode()
    for pattern, replacement in PER_REQUEST:
        body = pattern.sub(replacement, body)
        header_bytes = pattern.sub(replacement, header_bytes)
    return response.status_code, body, header_bytes


def _difference(a: bytes, b: bytes) -> str:
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"{len(a)} vs {len(b)} bytes, first difference at {at}: {a[at - 30:at + 50]!r} / {b[at - 30:at + 50]!r}"


def compare(path: Case) -> str:
    """Same response under A and B? Raw bytes first, then with the per-request values masked."""
    with path.a.active():
        path.get()
        first, second = path.get(), path.get()
    with path.b.active():
        path.get()
        other = path.get()
    if first.content == other.content:
        return "bytes equal"
    a1, a2, b1 = _masked(first), _masked(second), _masked(other)
    if a1 != a2:
        return "A differs from itself after masking: " + _difference(a1[1], a2[1])
    if a1 == b1:
        return "equal after masking nonce/CSRF (these differ between any two responses)"
    if a1[1] == b1[1]:
        return f"body equal after masking, headers differ: {a1[2]!r} / {b1[2]!r}"
    return "DIFFERENT: " + _difference(a1[1], b1[1])


def timed(path: Case, side: Side, requests: int, warmup: int) -> float:
    """CPU µs per request of `requests` requests under `side`, after `warmup` untimed ones."""
    with side.active():
        for _ in range(warmup):
            path.get()
        gc.collect()
        start = time.process_time()
        for _ in range(requests):
            path.get()
        elapsed = time.process_time() - start
    return elapsed / requests * 1e6


def measure(path: Case, *, pairs: int, requests: int, warmup: int) -> None:
    path.before_pair()
    for side in (path.a, path.b):
        with side.active():
            path.get()  # compile templates, fill caches
            with CaptureQueriesContext(connection) as queries:
                ran = path.check()
            path.notes.append(f"{side.name}: {ran}, {len(queries)} queries")
    path.notes.append(compare(path))
    for index in range(pairs):
        path.before_pair()
        order = (path.a, path.b) if index % 2 == 0 else (path.b, path.a)
        for side in order:
            micros = timed(path, side, requests, warmup)
            (path.a_micros if side is path.a else path.b_micros).append(micros)


def report(path: Case) -> str:
    a, b = statistics.median(path.a_micros), statistics.median(path.b_micros)
    ratios = [x / y for x, y in zip(path.a_micros, path.b_micros, strict=True)]
    return (
        f"| {path.fork} | {path.label} | {a:8.0f} | {b:8.0f} | {(b - a) / b * 100:+6.1f}% "
        f"| {min(ratios):.3f}-{max(ratios):.3f} | {sum(r < 1 for r in ratios)}/{len(ratios)} | {path.b.name} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pairs", type=int, default=7)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per side and pair")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests after every switch")
    parser.add_argument("--only", default="renderer,me,entries", help="comma-separated forks")
    options = parser.parse_args()
    chosen = set(options.only.split(","))
    try:
        users = users_with_entries()
        makers = {"renderer": renderer_paths, "me": me_paths, "entries": entries_paths}
        paths = [path for fork, make in makers.items() if fork in chosen for path in make(users)]
        lines = []
        for path in paths:
            started = time.perf_counter()
            measure(path, pairs=options.pairs, requests=options.requests, warmup=options.warmup)
            line = report(path)
            lines.append(line)
            print(line, f"({time.perf_counter() - started:.0f} s)", flush=True)
            for note in path.notes:
                print(f"    {note}", flush=True)
        print(f"\n{options.pairs} pairs x {options.requests} requests a side, CPU µs per request (process_time)")
        print("| fork | path | A µs | B µs | gain (B-A)/B | pair ratios A/B | A faster | B |")
        print("|---|---|---|---|---|---|---|---|")
        print("\n".join(lines))
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)


if __name__ == "__main__":
    main()
