"""Photos: a 5 MB upload to its thumbnails, and the diary list with a photo on every other card.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/bench_photos.py
    .venv/bin/python bench/bench_photos.py --uploads 7 --duration 5 --rounds 2 [--no-s3] [--json out.json]

1. Upload. A 4000 x 3000 JPEG of gradients and sensor-like noise (about 5 MB; its real size is printed)
   goes to `POST /api/v1/entries/<id>/attachments/` on gunicorn (the journal's gunicorn.conf.py, as
   bench/throughput.py starts it), with a bearer token. The server queues the thumbnails for Celery;
   this process then runs what that task runs (`attachment_thumbnails_make`) on the same store. Each
   repetition reports the request, the thumbnails and their sum, and the peak resident growth of the
   worker that took the upload (VmHWM after, less VmRSS before, from /proc; the peak is reset through
   /proc/<pid>/clear_refs before each upload) and of this process during the thumbnails. Pillow's own
   work on the same file, timed between repetitions, is the yardstick: the clean copy (decode, JPEG
   quality 92, optimize) against the upload request, two WebP thumbnails from a decoded JPEG against
   the thumbnail task. The same runs again against SeaweedFS (`weed`, as conftest.py starts it for the
   tests) when it is installed, unless --no-s3.
2. The diary list. Two users with the same 2,000 entries (bench/seed_demo.py, the same seed): one
   with a photo (800 x 600 JPEG, through attachment_create, thumbnails made) on every other entry, so
   every page shows 10 covers among its 20 cards, and one with none. The number of queries of page 1
   and a deep page is counted in this process (Django's test client), cold and warm, and must not
   differ between the pages. wrk then drives `/diary/` and `/diary/?page=<deep>` for each user and the
   bare Django project (bench/bare/bare.py) in turn (photos, plain, bare, then again), and reports the
   ratios within each round.

The photo user and the entries are made once and kept (their files under var/bench-attachments, or
--attachments-dir); the uploaded photos are deleted at the end.
"""

import argparse
import base64
import http.client
import io
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.throughput import LUA, start, stop, wrk  # noqa: E402

PASSWORD = "bench-password-1"  # noqa: S105 - local benchmark accounts
PHOTOS_USER, PLAIN_USER, UPLOAD_USER = "benchphotos0", "benchplain0", "benchupload0"
ENTRIES = 2000
PAGE_SIZE = 20
S3_KEY, S3_SECRET = "journal", "journal-secret"  # the throwaway SeaweedFS's own identity


# --- Pictures -------------------------------------------------------------------------------------


def photo_jpeg(width: int, height: int, *, noise: float, quality: int, seed: int = 3) -> bytes:
    """A photograph-like JPEG: smooth light and colour fields, a few soft shapes, and per-pixel noise
    (what keeps a real photo from compressing to nothing), with an EXIF taking time."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    x /= width
    y /= height
    channels = []
    for phase in (0.0, 2.1, 4.2):
        base = 110 + 70 * np.sin(3.1 * x + phase) * np.cos(2.3 * y - phase) + 40 * y
        for _ in range(6):  # soft shapes: the subject, trees, a window
            cx, cy, r = rng.random(), rng.random(), 0.05 + 0.2 * rng.random()
            base += 50 * (rng.random() - 0.5) * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r))
        channels.append(base)
    pixels = np.stack(channels, axis=-1)
    pixels += rng.normal(0, noise, size=pixels.shape).astype(np.float32)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    exif = Image.Exif()
    exif[0x0132] = "2026:06:14 18:22:05"
    exif.get_ifd(0x8769)[0x9003] = "2026:06:14 18:22:05"
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, exif=exif)
    return out.getvalue()


def five_megabytes() -> bytes:
    """About 5 MB at 4000 x 3000: the noise is set once, from a first try, to land near 5 MB."""
    noise = 7.0
    data = photo_jpeg(4000, 3000, noise=noise, quality=90)
    noise *= (5.0 * 2**20 / len(data)) ** 1.4
    return photo_jpeg(4000, 3000, noise=noise, quality=90)


def pillow_clean_copy(data: bytes) -> float:
    """Seconds for what any clean copy costs Pillow: decode, then JPEG quality 92 with optimize."""
    from PIL import Image

    started = time.perf_counter()
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        image.save(io.BytesIO(), format="JPEG", quality=92, optimize=True)
    return time.perf_counter() - started


def pillow_thumbnails(data: bytes) -> float:
    """Seconds for two WebP thumbnails (320, 1280) from the JPEG, each from a fresh decode, as the task does."""
    from PIL import Image

    started = time.perf_counter()
    for size in (320, 1280):
        with Image.open(io.BytesIO(data)) as image:
            frame = image.convert("RGB")
            frame.thumbnail((size, size), Image.Resampling.LANCZOS)
            frame.save(io.BytesIO(), format="WEBP", quality=80, method=4)
    return time.perf_counter() - started


# --- Processes ------------------------------------------------------------------------------------


def _status_kib(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


def peak_reset(pid: int) -> int:
    """Reset the process's peak resident size to its current one; the current one, in KiB."""
    with open(f"/proc/{pid}/clear_refs", "w") as handle:
        handle.write("5")
    return _status_kib(pid, "VmRSS")


def workers_of(master: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{master}/task"):
        with open(f"/proc/{master}/task/{task}/children") as children:
            found.extend(int(pid) for pid in children.read().split())
    return found


def weed_start(folder: Path) -> tuple[subprocess.Popen, str] | None:
    """SeaweedFS on free loopback ports with one S3 identity, as conftest.py's _weed_start; None without weed."""
    import socket

    weed = shutil.which("weed", path=str(Path(sys.executable).parent)) or shutil.which("weed")
    if weed is None:
        return None
    config = folder / "s3.json"
    config.write_text(json.dumps({"identities": [{
        "name": "journal", "credentials": [{"accessKey": S3_KEY, "secretKey": S3_SECRET}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
    sockets = [socket.socket() for _ in range(8)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    s3, s3_grpc, master, master_grpc, volume, volume_grpc, filer, filer_grpc = ports
    with (folder / "weed.log").open("wb") as log:
        process = subprocess.Popen(
            [weed, "server", f"-dir={folder}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-master.telemetry=false",
             "-master.volumeSizeLimitMB=64", "-volume.max=16",
             f"-master.port={master}", f"-master.port.grpc={master_grpc}",
             f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}",
             f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
             "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.config={config}",
             "-s3.port.iceberg=0", "-s3.port.lance=0"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    return process, f"http://127.0.0.1:{s3}"


def bucket_ready(endpoint: str, bucket: str) -> None:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=S3_KEY, aws_secret_access_key=S3_SECRET,
                          region_name="us-east-1")
    deadline = time.monotonic() + 60
    while True:
        try:
            client.create_bucket(Bucket=bucket)
            return
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                return
            if time.monotonic() > deadline:
                raise
        except BotoCoreError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.3)


def s3_environment(endpoint: str, bucket: str) -> dict:
    return {"ATTACHMENTS_S3_BUCKET": bucket, "ATTACHMENTS_S3_ENDPOINT_URL": endpoint,
            "ATTACHMENTS_S3_REGION": "us-east-1", "ATTACHMENTS_S3_ACCESS_KEY_ID": S3_KEY,
            "ATTACHMENTS_S3_SECRET_ACCESS_KEY": S3_SECRET, "ATTACHMENTS_S3_ADDRESSING": "path"}


def s3_storage(endpoint: str, bucket: str) -> dict:
    """The attachments storage journal_site.settings builds from s3_environment()."""
    return {"BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": bucket, "endpoint_url": endpoint, "region_name": "us-east-1",
                        "access_key": S3_KEY, "secret_key": S3_SECRET, "location": "", "default_acl": None,
                        "file_overwrite": False, "querystring_auth": True, "max_memory_size": 1024 * 1024,
                        "addressing_style": "path"}}


# --- HTTP -----------------------------------------------------------------------------------------


def session_cookie(port: int, username: str) -> str:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"http://127.0.0.1:{port}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/accounts/login/", data=form,
                                     headers={"Referer": f"http://127.0.0.1:{port}/accounts/login/"})
    opener.open(request).read()
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise SystemExit(f"could not sign in {username}")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def access_token(port: int, username: str) -> str:
    body = json.dumps({"username": username, "password": PASSWORD}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/auth/token/", data=body,
                                     headers={"Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(request).read())["access"]  # noqa: S310 - loopback


def upload(port: int, token: str, entry_id: int, data: bytes) -> tuple[float, dict]:
    """POST the photo as a browser's multipart form would; seconds and the answer."""
    boundary = "----bench" + base64.b16encode(os.urandom(8)).decode()
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"IMG_0001.jpg\"\r\n"
            "Content-Type: image/jpeg\r\n\r\n").encode()
    body = head + data + f"\r\n--{boundary}--\r\n".encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    connection.request("POST", f"/api/v1/entries/{entry_id}/attachments/", body=body, headers={
        "Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
    response = connection.getresponse()
    answer = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    if response.status != 201:
        raise SystemExit(f"upload answered {response.status}: {answer[:300]!r}")
    return elapsed, json.loads(answer)


# --- Data -----------------------------------------------------------------------------------------


def users_ready(out) -> None:
    """The photo user and the plain user (same seed, so the same 2,000 entries), and the upload user."""
    from accounts.models import User
    from bench.seed_demo import main as seed

    for username in (PHOTOS_USER, PLAIN_USER, UPLOAD_USER):
        if not User.objects.filter(username=username).exists():
            seed(["--users", "1", "--entries-per-user", str(ENTRIES if username != UPLOAD_USER else 1),
                  "--messages-per-user", "0", "--prefix", username[:-1], "--password", PASSWORD, "--seed", "7"],
                 out=io.StringIO())
            out(f"created {username}")


def photos_ready(out) -> int:
    """A photo on every other entry of the photo user (newest first), thumbnails made; how many there are."""
    from diary.attachments import attachment_create
    from diary.models import Attachment, DiaryEntry

    entries = list(DiaryEntry.objects.filter(user__username=PHOTOS_USER).order_by("-created_at", "-id")
                   .values_list("pk", flat=True))
    wanted = entries[::2]
    have = set(Attachment.objects.filter(entry_id__in=wanted).values_list("entry_id", flat=True))
    missing = [pk for pk in wanted if pk not in have]
    if missing:
        small = photo_jpeg(800, 600, noise=6.0, quality=85)
        out(f"adding {len(missing)} photos ({len(small) / 1024:.0f} KB, 800 x 600) through attachment_create ...")
        started = time.perf_counter()
        for number, pk in enumerate(missing, 1):
            # The thumbnails run inline after each commit (Celery eager, set in main): the covers are real.
            attachment_create(entry=DiaryEntry.objects.get(pk=pk), source=io.BytesIO(small),
                              caption=f"photo {number}")
        out(f"  {len(missing) / (time.perf_counter() - started):.1f} photos/s with their thumbnails")
    ready = Attachment.objects.filter(entry__user__username=PHOTOS_USER, thumbs_ready=True).count()
    if ready < len(wanted):
        raise SystemExit(f"only {ready} of {len(wanted)} photos have thumbnails")
    return ready


# --- Measurements ---------------------------------------------------------------------------------


def query_counts(deep: int, out) -> dict:
    """Queries of /diary/ page 1 and the deep page for both users, cold (no card kept) and warm; the SQL of
    the photo user's warm page 1 is printed."""
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    counts = {}
    for username in (PHOTOS_USER, PLAIN_USER):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=username))
        client.get("/diary/", {"page": 2})  # the session and the user's own caches, which any page loads first
        for page in (1, deep):
            caches["fragments"].clear()
            for state in ("cold", "warm"):
                with CaptureQueriesContext(connection) as captured:
                    response = client.get("/diary/", {"page": page})
                if response.status_code != 200:
                    raise SystemExit(f"/diary/?page={page} answered {response.status_code} for {username}")
                covers = len(re.findall(r'/diary/photos/\d+/[0-9a-f]{32}/320', response.content.decode()))
                counts[(username, page, state)] = (len(captured), covers)
                if (username, page, state) == (PHOTOS_USER, 1, "warm"):
                    statements = [query["sql"][:110] for query in captured.captured_queries]
    out(f"\nqueries per /diary/ page (covers shown); page {deep} is the deep page")
    for (username, page, state), (queries, covers) in counts.items():
        out(f"  {username:13} page {page:3} {state}: {queries:2d} queries, {covers:2d} covers")
    for sql in statements:
        out(f"    {sql}")
    for username in (PHOTOS_USER, PLAIN_USER):
        for state in ("cold", "warm"):
            first, deeper = counts[(username, 1, state)][0], counts[(username, deep, state)][0]
            assert first == deeper, f"{username} {state}: page 1 makes {first} queries, page {deep} {deeper}"
    for page in (1, deep):
        assert counts[(PHOTOS_USER, page, "warm")][1] == PAGE_SIZE // 2, "every other card should show its cover"
        assert counts[(PLAIN_USER, page, "warm")][1] == 0
    extra = counts[(PHOTOS_USER, 1, "warm")][0] - counts[(PLAIN_USER, 1, "warm")][0]
    out(f"  the same on every page; the photo user's pages make {extra:+d} queries against the plain user's")
    return {f"{u}:{p}:{s}": {"queries": q, "covers": c} for (u, p, s), (q, c) in counts.items()}


def uploads_measure(*, label: str, port: int, master: int, data: bytes, repetitions: int, out) -> list[dict]:
    from accounts.models import User
    from diary.attachments import attachment_delete, attachment_thumbnails_make
    from diary.models import Attachment, DiaryEntry

    user = User.objects.get(username=UPLOAD_USER)
    entry = DiaryEntry.objects.filter(user=user).first()
    token = access_token(port, UPLOAD_USER)
    rows = []
    out(f"\n{label}: {repetitions} uploads of {len(data) / 2**20:.2f} MiB")
    out(f"  {'#':>2} {'request s':>9} {'thumbs s':>9} {'total s':>8} {'Pillow copy s':>13} {'Pillow thumbs s':>15} "
        f"{'worker peak +MiB':>16} {'task peak +MiB':>14}")
    try:
        for number in range(1, repetitions + 1):
            floor_copy = pillow_clean_copy(data)
            floor_thumbs = pillow_thumbnails(data)
            workers = workers_of(master)
            before = {pid: peak_reset(pid) for pid in workers}
            request_s, answer = upload(port, token, entry.pk, data)
            worker_peak = max(_status_kib(pid, "VmHWM") - before[pid] for pid in workers) / 1024
            mine = peak_reset(os.getpid())
            started = time.perf_counter()
            made = attachment_thumbnails_make(attachment_id=answer["id"])
            thumbs_s = time.perf_counter() - started
            task_peak = (_status_kib(os.getpid(), "VmHWM") - mine) / 1024
            if not made:
                raise SystemExit("the thumbnails were made elsewhere: is a Celery worker reading this broker?")
            row = Attachment.objects.get(pk=answer["id"])
            rows.append({"request": request_s, "thumbnails": thumbs_s, "total": request_s + thumbs_s,
                         "pillow_copy": floor_copy, "pillow_thumbnails": floor_thumbs, "worker_peak_mib": worker_peak,
                         "task_peak_mib": task_peak, "clean_bytes": row.byte_size, "stored_bytes": row.stored_bytes,
                         "size": f"{row.width}x{row.height}"})
            out(f"  {number:2d} {request_s:9.3f} {thumbs_s:9.3f} {request_s + thumbs_s:8.3f} {floor_copy:13.3f} "
                f"{floor_thumbs:15.3f} {worker_peak:16.1f} {task_peak:14.1f}")
            sys.stdout.flush()
    finally:
        uploaded = list(Attachment.objects.filter(user=user))
        for attachment in uploaded:
            attachment_delete(attachment=attachment)
        queued_thumbnails_drop([attachment.pk for attachment in uploaded])
    resident = [_status_kib(pid, "VmRSS") / 1024 for pid in workers_of(master)]
    out(f"  workers' resident size after: {', '.join(f'{r:.0f}' for r in resident)} MiB")
    summary = {key: spread([row[key] for row in rows]) for key in
               ("request", "thumbnails", "total", "pillow_copy", "pillow_thumbnails", "worker_peak_mib",
                "task_peak_mib")}
    copy_ratio = [row["request"] / row["pillow_copy"] for row in rows]
    thumbs_ratio = [row["thumbnails"] / row["pillow_thumbnails"] for row in rows]
    out(f"  median (min-max): request {fmt(summary['request'])} s, thumbnails {fmt(summary['thumbnails'])} s, "
        f"total {fmt(summary['total'])} s")
    out(f"  request / Pillow's clean copy {fmt(spread(copy_ratio), 2)}; "
        f"thumbnails / Pillow's two thumbnails {fmt(spread(thumbs_ratio), 2)}")
    out(f"  clean copy {rows[0]['clean_bytes'] / 2**20:.2f} MiB ({rows[0]['size']}), stored with thumbnails "
        f"{rows[0]['stored_bytes'] / 2**20:.2f} MiB; peak growth: worker {fmt(summary['worker_peak_mib'], 0)} MiB "
        f"(first {rows[0]['worker_peak_mib']:.0f}), thumbnail task {fmt(summary['task_peak_mib'], 0)} MiB")
    return [{"label": label, "rows": rows, "summary": summary, "request_over_pillow": spread(copy_ratio),
             "thumbnails_over_pillow": spread(thumbs_ratio), "workers_resident_after_mib": resident}]


def queued_thumbnails_drop(attachment_ids: list[int]) -> None:
    """Take the uploads' thumbnail tasks (made here already) off the broker's queue, which no worker reads."""
    import redis
    from django.conf import settings

    wanted = {repr({"attachment_id": pk}) for pk in attachment_ids}
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    for raw in client.lrange("celery", 0, -1):
        headers = json.loads(raw).get("headers", {})
        if headers.get("task") == "diary.photo_thumbnails" and headers.get("kwargsrepr") in wanted:
            client.lrem("celery", 1, raw)


def spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def fmt(value: dict, digits: int = 3) -> str:
    return f"{value['median']:.{digits}f} ({value['min']:.{digits}f}-{value['max']:.{digits}f})"


def pages_measure(*, port: int, bare_port: int, deep: int, duration: int, rounds: int, script: str, out) -> list:
    cookies = {username: session_cookie(port, username) for username in (PHOTOS_USER, PLAIN_USER)}
    options = {"duration": duration, "connections": 32, "threads": 2, "script": script}
    results = []
    out(f"\n/diary/ under wrk (2 threads, 32 connections, {duration} s a run; photos, plain, bare in turn)")
    out(f"  {'page':>4} {'photos r/s':>10} {'plain r/s':>10} {'bare r/s':>9} {'photos/plain':>12} "
        f"{'photos/bare':>11} {'plain/bare':>10} {'p99 ms photos/plain':>20} {'errors':>6}")
    for page in (1, deep):
        url = f"http://127.0.0.1:{port}/diary/?page={page}"
        for username in (PHOTOS_USER, PLAIN_USER):
            wrk(url, [f"Cookie: {cookies[username]}"], **{**options, "duration": 2})  # warm the cards
        for _ in range(rounds):
            photos = wrk(url, [f"Cookie: {cookies[PHOTOS_USER]}"], **options)
            plain = wrk(url, [f"Cookie: {cookies[PLAIN_USER]}"], **options)
            bare = wrk(f"http://127.0.0.1:{bare_port}/", [], **options)
            errors = photos.errors + plain.errors
            out(f"  {page:4d} {photos.rps:10.0f} {plain.rps:10.0f} {bare.rps:9.0f} {photos.rps / plain.rps:12.3f} "
                f"{photos.rps / bare.rps:11.3f} {plain.rps / bare.rps:10.3f} "
                f"{photos.p99:9.0f}/{plain.p99:<10.0f} {errors:6d}")
            sys.stdout.flush()
            results.append({"page": page, "photos": vars(photos), "plain": vars(plain), "bare": vars(bare)})
    for page in (1, deep):
        ratios = [r["photos"]["rps"] / r["plain"]["rps"] for r in results if r["page"] == page]
        out(f"  page {page}: photos / plain {min(ratios):.3f}-{max(ratios):.3f}")
    return results


# --- Main -----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uploads", type=int, default=5, help="uploads per store")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="photos, plain, bare rounds per page")
    parser.add_argument("--deep-page", type=int, default=50)
    parser.add_argument("--no-s3", action="store_true", help="leave SeaweedFS out even when weed is installed")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--attachments-dir", default=str(ROOT / "var" / "bench-attachments"))
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args()
    if shutil.which("wrk") is None and not args.skip_pages:
        raise SystemExit("wrk is missing: apt-get install wrk")
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        raise SystemExit("set DATABASE_URL (PostgreSQL the benchmark may fill) and REDIS_URL")

    def out(line: str) -> None:
        print(line, flush=True)

    os.environ["ATTACHMENTS_DIR"] = args.attachments_dir
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    for name in s3_environment("", ""):
        os.environ.pop(name, None)  # the local store first, whatever the shell says
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journal_site.settings")
    import django

    django.setup()
    from django.test import override_settings

    from journal_site.celery import app

    env = {**os.environ, "RATE_LIMIT_PER_MINUTE": "100000000", "GUNICORN_ACCESS_LOG": "0", "LOG_LEVEL": "WARNING"}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    users_ready(out)
    # Seeding the covers makes their thumbnails inline; the uploads below go through the broker instead.
    app.conf.task_always_eager = True
    photos = photos_ready(out)
    app.conf.task_always_eager = False
    deep = args.deep_page
    out(f"{PHOTOS_USER}: {ENTRIES} entries, {photos} photos (every other entry); {PLAIN_USER}: the same entries, none")
    results: dict = {"date": time.strftime("%Y-%m-%d"), "load": os.getloadavg()}
    results["queries"] = query_counts(deep, out)

    data = five_megabytes()
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        out(f"\nthe upload: {image.width} x {image.height} JPEG, {len(data):,} bytes ({len(data) / 2**20:.2f} MiB)")
    results["photo_bytes"] = len(data)

    work = Path(tempfile.mkdtemp(prefix="journal-bench-photos-"))
    script = work / "summary.lua"
    script.write_text(LUA)
    port, bare_port = 8181, 8182
    journal = start(["journal_site.wsgi"], env, work / "journal.log", port)
    bare = start(["--chdir", str(ROOT / "bench" / "bare"), "bare:application"], env, work / "bare.log", bare_port)
    try:
        results["uploads"] = uploads_measure(label="local store", port=port, master=journal.pid, data=data,
                                             repetitions=args.uploads, out=out)
        if not args.skip_pages:
            results["pages"] = pages_measure(port=port, bare_port=bare_port, deep=deep, duration=args.duration,
                                             rounds=args.rounds, script=str(script), out=out)
    finally:
        stop(journal)
        stop(bare)

    weed = None if args.no_s3 else weed_start(work)
    if weed is None:
        out("\nSeaweedFS: not measured (" + ("--no-s3" if args.no_s3 else "weed is not installed") + ")")
    else:
        process, endpoint = weed
        bucket = "journal-bench"
        try:
            bucket_ready(endpoint, bucket)
            s3_env = {**env, **s3_environment(endpoint, bucket)}
            journal = start(["journal_site.wsgi"], s3_env, work / "journal-s3.log", port)
            try:
                with override_settings(STORAGES={**django.conf.settings.STORAGES,
                                                 "attachments": s3_storage(endpoint, bucket)}):
                    results["uploads"] += uploads_measure(label="SeaweedFS (S3)", port=port, master=journal.pid,
                                                          data=data, repetitions=args.uploads, out=out)
            finally:
                stop(journal)
        finally:
            os.killpg(process.pid, signal.SIGKILL)  # its data is thrown away
            process.wait(timeout=10)
    shutil.rmtree(work, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
