"""Throughput against a truly bare Django: the journal and bench/bare/bare.py,
both served by gunicorn with the journal's gunicorn.conf.py (same workers,
threads and worker class), driven by wrk (a native load generator) on loopback.

For each endpoint it runs journal, bare, journal, bare (A B A B) and prints
req/s, p50/p99 latency, errors and the ratio journal ÷ bare of each pair.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/throughput.py
    .venv/bin/python bench/throughput.py --only api_entries_20,diary --duration 5

The rate limiter stays on (every request runs its Redis script) with a limit
high enough that wrk is never refused; everything else is as in production
except TLS, which a proxy in front terminates. Signed-in endpoints use one
user with BENCH_ENTRIES entries (2,000 by default), created if missing.
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = os.environ.get("PY", str(ROOT / ".venv" / "bin" / "python"))
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
USERNAME = "benchwriter0"  # bench/seed_demo.py names users <prefix><n>
PASSWORD = "bench-password-1"  # noqa: S105 - a local benchmark account

# name, auth ("token", "session" or "anon"), path, target ratio (None: reported only)
ENDPOINTS = [
    ("api_entries_20", "token", "/api/v1/entries/?limit=20", 0.30),
    ("api_entries_50", "token", "/api/v1/entries/?limit=50", 0.15),
    ("api_entry", "token", "/api/v1/entries/{entry_id}/", 0.35),
    ("api_me", "token", "/api/v1/me/", 0.50),
    ("api_stats", "token", "/api/v1/stats/", None),
    ("diary", "session", "/diary/", 0.25),
    # Search through the blind index (the bench user writes in Polish): a word in some entries, found with its
    # forms ("lekarzem" finds "lekarza"), and one in none.
    ("diary_search", "session", "/diary/?q=lekarzem", None),
    ("api_search", "token", "/api/v1/entries/?q=lekarzem&limit=20", None),
    ("api_search_none", "token", "/api/v1/entries/?q=summer&limit=20", None),
    ("insights", "session", "/insights/", 0.40),
    ("dashboard", "session", "/", 0.25),
    ("settings", "session", "/settings/", 0.15),
    ("calendar", "session", "/diary/calendar/", None),
    ("chat_mode", "session", "/chat/supportive/", None),
    ("healthz", "anon", "/healthz", 0.80),
    ("landing", "anon", "/", 0.50),
    ("login", "anon", "/accounts/login/", None),
]

LUA = r"""
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
               + summary.errors.status + summary.errors.timeout
  io.write(string.format('WRKJSON {"requests": %d, "seconds": %f, "p50": %f, "p99": %f, '
    .. '"errors": %d, "status_errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
    errors, summary.errors.status))
end
"""


@dataclass
class Run:
    rps: float
    p50: float
    p99: float
    errors: int


def wrk(url: str, headers: list[str], *, duration: int, connections: int, threads: int, script: str) -> Run:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", script]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True, timeout=duration + 60).stdout
    match = re.search(r"WRKJSON (\{.*\})", output)
    if not match:
        raise SystemExit(f"wrk printed no summary:\n{output}")
    data = json.loads(match.group(1))
    return Run(data["requests"] / data["seconds"], data["p50"], data["p99"], data["errors"])


def start(args: list[str], env: dict, log: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [GUNICORN, "-c", str(ROOT / "gunicorn.conf.py"), *args],
        cwd=ROOT, env={**env, "PORT": str(port)}, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return process
        except urllib.error.HTTPError:
            return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise SystemExit(f"gunicorn on port {port} did not start; see {log}")


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


def manage(*args: str, env: dict) -> str:
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True).stdout


def ensure_data(env: dict, entries: int) -> None:
    """One writer with `entries` realistic entries (bench/seed_demo.py), made once."""
    manage("migrate", "--noinput", "-v0", env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)
    check = f"from accounts.models import User; print(User.objects.filter(username={USERNAME!r}).exists())"
    if manage("shell", "--no-imports", "-c", check, env=env).strip().splitlines()[-1] != "True":
        subprocess.run([PYTHON, "bench/seed_demo.py", "--users", "1", "--entries-per-user", str(entries),
                        "--messages-per-user", "40", "--prefix", USERNAME[:-1], "--password", PASSWORD, "--seed", "7"],
                       cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    count = f"from diary.models import DiaryEntry as E; print(E.objects.filter(user__username={USERNAME!r}).count())"
    print(f"bench user {USERNAME}: {manage('shell', '--no-imports', '-c', count, env=env).strip()} entries")


def session_cookie(port: int) -> str:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"http://127.0.0.1:{port}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/accounts/login/", data=form,
                                     headers={"Referer": f"http://127.0.0.1:{port}/accounts/login/"})
    opener.open(request).read()
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise SystemExit("could not sign in the bench user")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def access_token(port: int) -> str:
    body = json.dumps({"username": USERNAME, "password": PASSWORD}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/auth/token/", data=body,
                                     headers={"Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(request).read())["access"]  # noqa: S310 - loopback


def auth_headers(auth: str, port: int, cookie: str) -> list[str]:
    """A fresh access token (they live 5 minutes) or the signed-in session, as wrk headers."""
    if auth == "token":
        return [f"Authorization: Bearer {access_token(port)}"]
    if auth == "session":
        return [f"Cookie: {cookie}"]
    return []


def first_entry_id(port: int, token: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/entries/?limit=1",
                                     headers={"Authorization": f"Bearer {token}"})
    return json.loads(urllib.request.urlopen(request).read())["results"][0]["id"]  # noqa: S310 - loopback


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="", help="comma-separated endpoint names")
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", "10")))
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2, help="A B pairs per endpoint")
    parser.add_argument("--entries", type=int, default=int(os.environ.get("BENCH_ENTRIES", "2000")))
    parser.add_argument("--crowd", type=int, default=100, help="connections of the error-counting phase")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        raise SystemExit("set DATABASE_URL (PostgreSQL the benchmark may fill) and REDIS_URL")

    only = {name for name in args.only.split(",") if name}
    endpoints = [e for e in ENDPOINTS if not only or e[0] in only]
    env = {**os.environ, "RATE_LIMIT_PER_MINUTE": "100000000", "GUNICORN_ACCESS_LOG": "0", "LOG_LEVEL": "WARNING"}
    ensure_data(env, args.entries)
    out = Path(tempfile.mkdtemp(prefix="journal-bench-"))
    script = out / "summary.lua"
    script.write_text(LUA)
    journal_port, bare_port = 8171, 8172
    journal = start(["journal_site.wsgi"], env, out / "journal.log", journal_port)
    bare = start(["--chdir", str(ROOT / "bench" / "bare"), "bare:application"], env, out / "bare.log", bare_port)
    results = []
    try:
        cookie = session_cookie(journal_port)
        entry_id = first_entry_id(journal_port, access_token(journal_port))
        print(f"{'endpoint':16} {'journal r/s':>12} {'bare r/s':>10} {'ratio':>7} {'p50 ms':>8} {'p99 ms':>8} "
              f"{'errors':>6}  target")
        for name, auth, path, target in endpoints:
            headers = auth_headers(auth, journal_port, cookie)
            url = f"http://127.0.0.1:{journal_port}{path.format(entry_id=entry_id)}"
            options = {"duration": args.duration, "connections": args.connections, "threads": args.threads,
                       "script": str(script)}
            wrk(url, headers, **{**options, "duration": 2})  # warm caches and workers
            pairs = []
            for _ in range(args.rounds):
                mine = wrk(url, headers, **options)
                base = wrk(f"http://127.0.0.1:{bare_port}/", [], **options)
                pairs.append((mine, base))
            ratios = [mine.rps / base.rps for mine, base in pairs]
            for mine, base in pairs:
                print(f"{name:16} {mine.rps:12.0f} {base.rps:10.0f} {mine.rps / base.rps:7.3f} {mine.p50:8.1f} "
                      f"{mine.p99:8.1f} {mine.errors:6d}  {'' if target is None else f'>= {target:.2f}'}")
            results.append({"name": name, "path": path, "target": target, "ratio_min": min(ratios),
                            "ratio_max": max(ratios),
                            "runs": [{"journal": vars(m), "bare": vars(b)} for m, b in pairs]})
            sys.stdout.flush()
        # --crowd 0 leaves the error-counting phase out.
        crowd = {"api_entries_20", "api_me", "diary", "dashboard", "insights", "healthz"} if args.crowd > 0 else set()
        if crowd:
            print(f"\n{args.crowd} concurrent connections, {args.duration} s each: errors must be 0")
        for name, auth, path, _target in endpoints:
            if name not in crowd:
                continue
            headers = auth_headers(auth, journal_port, cookie)
            url = f"http://127.0.0.1:{journal_port}{path.format(entry_id=entry_id)}"
            run = wrk(url, headers, duration=args.duration, connections=args.crowd, threads=args.threads,
                      script=str(script))
            print(f"  {name:16} {run.rps:8.0f} req/s  p99 {run.p99:7.1f} ms  errors {run.errors}")
            results.append({"name": f"{name}@{args.crowd}", "path": path, "errors": run.errors, "rps": run.rps,
                            "p99": run.p99})
    finally:
        stop(journal)
        stop(bare)
    print("\nsummary (ratio range over the A B pairs):")
    for result in (r for r in results if "ratio_min" in r):
        target = result["target"]
        verdict = "" if target is None else ("met" if result["ratio_min"] >= target else f"below {target:.2f}")
        print(f"  {result['name']:16} {result['ratio_min']:.3f}-{result['ratio_max']:.3f}  {verdict}")
    if args.json:
        Path(args.json).write_text(json.dumps({"date": time.strftime("%Y-%m-%d"), "results": results}, indent=2))


if __name__ == "__main__":
    main()
