"""What is sealed (docs/encryption.md) is nowhere in the clear: not in a pg_dump, a backup archive or a Redis dump.

Marker sentences go into an entry's title, text and tags (whose search and tag
indexes keep only keyed hashes), a template, a two-step secret, a conversation (and the
companion's reply, which the reply cache keeps in Redis), an import waiting for
its job and a value kept with cached_sealed; then the database is dumped with
pg_dump (plain SQL and deploy/journal-backup's archive) and Redis with
`redis-cli --rdb` (compression off, so nothing hides in LZF), and each dump is
read byte by byte for the markers, each of their words and their lemmas.
"""

import json
import subprocess
import tarfile
from pathlib import Path

import pytest

from tests.live.servers import _pg_bin, manage

pytestmark = pytest.mark.live

MARKERS = {
    "entry title": "Opalizujący chrabąszcz zamyślił się",
    "entry text": "Grumpy hedgehogs knitted saffron mittens beside Ostrołęka",
    "entry tag": "Wombatowisko",
    "template": "Kwiatostan marmoladowy zgrzytał nad Wrocławiem",
    "message": "Quixotic zephyrs bamboozled the lighthouse keeper",
    "import": "Xylofonowe żyrafy tańczyły w Przemyślu",
    "cached": "Flibbertigibbet pangolins rehearse sonatas",
}
# Lemmas of marker words (journal_site.lemmas), which the search stores for entries: none may show either.
LEMMAS = ["opalizować", "chrabąszcz", "zamyślić", "hedgehog", "knit", "mitten",
          "kwiatostan", "marmoladowy", "zgrzytać", "żyrafa", "tańczyć", "bamboozle", "zephyr", "pangolin"]

SCRIPT = """
import io, json
from accounts.models import User
from accounts import twofactor
from accounts.keys import cached_sealed
from conversations.models import ConversationHistory
from conversations.services import message_send
from diary.services import entry_create, entry_template_create
from diary.selectors import EntryFilters, entry_list
from zoneinfo import ZoneInfo
from portability import imports
from portability.formats import EXPORT_FORMAT_NAME, EXPORT_VERSION
from django.core.files.uploadedfile import SimpleUploadedFile

markers = json.loads(MARKERS)
alice = User.objects.get(username="alice")
entry = entry_create(user=alice, title=markers["entry title"], content="## " + markers["entry text"], mood=3,
                     tags=[markers["entry tag"]])
found = entry_list(user=alice, filters=EntryFilters(q="hedgehog chrabąszcze"), tz=ZoneInfo("UTC"))
assert [e.pk for e in found] == [entry.pk], "the sealed entry is found by its words"
tagged = entry_list(user=alice, filters=EntryFilters(own_tag="wombatowisko"), tz=ZoneInfo("UTC"))
assert [e.pk for e in tagged] == [entry.pk], "and by its tag"
entry_template_create(user=alice, name=markers["template"][:40], content=markers["template"])
secret = twofactor.secret_new()
twofactor.two_factor_enable(user=alice, secret=secret)
message_send(user=alice, mode="supportive", content=markers["message"])
reply = ConversationHistory.objects.get(user=alice, role="assistant").content
text = markers["import"] + " " + "x" * 400
entries = [{"created_at": f"2024-01-01T10:{n % 60:02d}:00+00:00", "title": "", "content": text, "mood": None,
            "emotion_tags": [], "exclude_from_ai": False} for n in range(700)]
data = json.dumps({"format": EXPORT_FORMAT_NAME, "version": EXPORT_VERSION, "entries": entries}).encode()
job = imports.import_start(user=alice, upload=SimpleUploadedFile("big.json", data))
assert job.status == "pending", job.status
cached_sealed("test:sealed-at-rest", 3600, lambda: markers["cached"], name="ai", user_id=alice.pk)
print(json.dumps({"secret": secret, "reply": reply}))
"""


def _words(text: str) -> list[str]:
    return [word.lower() for word in text.replace(",", " ").split() if len(word) > 3]


def _assert_clean(dump: bytes, needles: list[str], what: str) -> None:
    lowered = dump.lower()
    found = [needle for needle in needles if needle.lower().encode() in lowered]
    assert not found, f"{what} holds {found}"


def test_a_dump_of_the_database_or_redis_holds_no_sealed_word(deployment, tmp_path):
    env = {**deployment, "MARKERS": json.dumps(MARKERS)}
    script = SCRIPT.replace("json.loads(MARKERS)", "json.loads(__import__('os').environ['MARKERS'])")
    printed = json.loads(manage(env, "shell", "--no-imports", "-c", script).strip().splitlines()[-1])
    needles = [*MARKERS.values(), *(w for text in MARKERS.values() for w in _words(text)), *LEMMAS,
               printed["secret"], printed["reply"]]

    sql = subprocess.run([_pg_bin("pg_dump"), "--dbname", deployment["DATABASE_URL"]],
                         capture_output=True, check=True, timeout=120).stdout
    assert b"account_data_keys" in sql and len(sql) > 10_000  # a real dump of the journal
    _assert_clean(sql, needles, "pg_dump")

    backup = Path(__file__).resolve().parents[2] / "deploy" / "journal-backup"
    path = f"{Path(_pg_bin('pg_dump')).parent}:/usr/bin:/bin"
    dumped = subprocess.run([str(backup), str(tmp_path / "backups")], capture_output=True, text=True, timeout=120,
                            env={"PATH": path, "DATABASE_URL": deployment["DATABASE_URL"]})
    assert dumped.returncode == 0, dumped.stderr
    archive = Path(dumped.stdout.strip())
    # The archive holds the database's dump (and the photo folder): the dump is compressed, so it is read
    # back as SQL through pg_restore to see every row.
    with tarfile.open(archive) as bundle:
        (tmp_path / "database.dump").write_bytes(bundle.extractfile("database.dump").read())
    restored = subprocess.run([_pg_bin("pg_restore"), "--file", "-", str(tmp_path / "database.dump")],
                              capture_output=True, check=True, timeout=120).stdout
    _assert_clean(restored, needles, "the backup archive")

    port = deployment["REDIS_URL"].rsplit(":", 1)[1].split("/")[0]
    subprocess.run(["redis-cli", "-p", port, "config", "set", "rdbcompression", "no"], check=True, timeout=30,
                   capture_output=True)
    rdb = tmp_path / "redis.rdb"
    subprocess.run(["redis-cli", "-p", port, "--rdb", str(rdb)], check=True, timeout=60, capture_output=True)
    data = rdb.read_bytes()
    assert b"test:sealed-at-rest" in data  # the cached value's key is there, in the clear: only its value is sealed
    _assert_clean(data, needles, "the Redis dump")
