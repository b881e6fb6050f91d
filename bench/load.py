"""Load run: start gunicorn as configured for production, drive it from this
second process over loopback, and print req/s, p50/p95/p99 and errors per
scenario, with each scenario's throughput as a share of a bare "hello" view
served by the same gunicorn in the same run.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/load.py
    .venv/bin/python bench/load.py --scenario 'diary=GET /diary/' --scenario 'chat=POST /api/... {"content": "hi"}'

A scenario is NAME=SPEC with SPEC "[anon] METHOD PATH [JSON BODY]". PATH may
hold {entry_id}, filled from /api/v1/entries/ for each signed-in user. A
scenario whose page is missing (404 on the first try) is reported as skipped,
so the same command runs on any branch. Signed-in clients are the users that
`bench/seed_demo.py --prefix bench` made (password "demo-password").

The client is deliberately small: threads over keep-alive http.client
connections in a few processes. It shares the machine's cores with the
server, which is why the figures that matter are the ratios to "hello".
"""

import argparse
import http.client
import json
import multiprocessing
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DEFAULT_SCENARIOS = [
    "hello=anon GET /bench/hello",
    "landing=anon GET /",
    "dashboard=GET /",
    "diary=GET /diary/",
    "entry=GET /diary/{entry_id}/",
    "search=GET /diary/?q=river",
    "insights=GET /insights/",
    "api_entries=GET /api/v1/entries/",
    "api_me=GET /api/v1/me/",
    "api_stats=GET /api/v1/stats/",
    'chat=POST /api/v1/conversations/supportive/messages/ {"content": "I had a long day and feel tired."}',
]


@dataclass
class Scenario:
    name: str
    method: str
    path: str
    body: bytes | None = None
    anonymous: bool = False

    @classmethod
    def parse(cls, text: str) -> "Scenario":
        name, _, spec = text.partition("=")
        parts = spec.strip().split(" ", 3 if spec.strip().startswith("anon ") else 2)
        anonymous = parts[0] == "anon"
        if anonymous:
            parts = parts[1:]
        if len(parts) < 2:
            raise SystemExit(f"bad scenario {text!r}: expected NAME=[anon] METHOD PATH [BODY]")
        body = parts[2].encode() if len(parts) > 2 else None
        return cls(name=name.strip(), method=parts[0].upper(), path=parts[1], body=body, anonymous=anonymous)


@dataclass
class Identity:
    cookies: str = ""
    csrf: str = ""
    entry_ids: list[int] = field(default_factory=list)


def _connection(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=60)


def _request(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response, response.read()


def _cookie_jar(headers: list[tuple[str, str]], jar: dict[str, str]) -> None:
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key.strip()] = rest.split(";", 1)[0]


def sign_in(port: int, username: str, password: str) -> Identity | None:
    """Sign in through the login form, as a browser does; None if that fails."""
    conn = _connection(port)
    try:
        jar: dict[str, str] = {}
        response, page = _request(conn, "GET", "/accounts/login/")
        _cookie_jar(response.getheaders(), jar)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if response.status != 200 or not match or "csrftoken" not in jar:
            return None
        form = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1).decode()}
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={jar['csrftoken']}",
            "Referer": f"http://127.0.0.1:{port}/accounts/login/",
        }
        response, _ = _request(conn, "POST", "/accounts/login/", form, headers)
        _cookie_jar(response.getheaders(), jar)
        if response.status != 302 or "sessionid" not in jar:
            return None
        identity = Identity(cookies="; ".join(f"{k}={v}" for k, v in jar.items()), csrf=jar["csrftoken"])
        response, body = _request(conn, "GET", "/api/v1/entries/", headers={"Cookie": identity.cookies})
        if response.status == 200:
            identity.entry_ids = [row["id"] for row in json.loads(body).get("results", [])]
        return identity
    finally:
        conn.close()


def _headers(scenario: Scenario, identity: Identity | None) -> dict[str, str]:
    headers = {"Accept-Encoding": "gzip"}
    if scenario.body is not None:
        headers["Content-Type"] = "application/json"
    if identity is not None and not scenario.anonymous:
        headers["Cookie"] = identity.cookies
        headers["X-CSRFToken"] = identity.csrf
    return headers


def _path(scenario: Scenario, identity: Identity | None, i: int) -> str | None:
    if "{entry_id}" not in scenario.path:
        return scenario.path
    if identity is None or not identity.entry_ids:
        return None
    return scenario.path.replace("{entry_id}", str(identity.entry_ids[i % len(identity.entry_ids)]))


def _client_process(port, scenario, identities, threads, duration, offset, queue):
    """One client process: `threads` keep-alive connections for `duration` seconds."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def worker(n: int):
        identity = identities[(offset + n) % len(identities)] if identities else None
        conn = _connection(port)
        mine: list[float] = []
        my_errors: dict[str, int] = {}
        i = 0
        while time.monotonic() < deadline:
            path = _path(scenario, identity, i)
            i += 1
            started = time.perf_counter()
            try:
                response, _ = _request(conn, scenario.method, path, scenario.body, _headers(scenario, identity))
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                conn.close()
                conn = _connection(port)
            elapsed = time.perf_counter() - started
            if isinstance(status, int) and status < 400:
                mine.append(elapsed)
            else:
                my_errors[str(status)] = my_errors.get(str(status), 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for key, count in my_errors.items():
                errors[key] = errors.get(key, 0) + count

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    queue.put((latencies, errors))


def run_scenario(port, scenario, identities, *, concurrency, duration, processes) -> dict:
    processes = max(1, min(processes, concurrency))
    queue: multiprocessing.Queue = multiprocessing.Queue()
    per_process = [concurrency // processes + (1 if i < concurrency % processes else 0) for i in range(processes)]
    started = time.monotonic()
    procs = []
    offset = 0
    for threads in per_process:
        proc = multiprocessing.Process(
            target=_client_process, args=(port, scenario, identities, threads, duration, offset, queue)
        )
        proc.start()
        procs.append(proc)
        offset += threads
    latencies: list[float] = []
    errors: dict[str, int] = {}
    for _ in procs:
        got_latencies, got_errors = queue.get()
        latencies.extend(got_latencies)
        for key, count in got_errors.items():
            errors[key] = errors.get(key, 0) + count
    for proc in procs:
        proc.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, round(p / 100 * (len(latencies) - 1)))] * 1000

    return {
        "name": scenario.name,
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "mean_ms": statistics.fmean(latencies) * 1000 if latencies else float("nan"),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "concurrency": concurrency,
    }


def start_server(port: int, args) -> subprocess.Popen:
    env = {
        **os.environ,
        "PORT": str(port),
        "BENCH": "1",
        # The limiter is on, as in production, but high enough not to interfere.
        "RATE_LIMIT_PER_MINUTE": str(args.rate_limit),
        "GUNICORN_ACCESS_LOG": "0",
        "LOG_LEVEL": "WARNING",
    }
    if not env.get("DATABASE_URL") or not env.get("REDIS_URL"):
        print("warning: DATABASE_URL or REDIS_URL unset: measuring the embedded mode", file=sys.stderr)
    log = open(args.server_log, "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "journal_site.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited; see {args.server_log}")
        try:
            conn = _connection(port)
            response, _ = _request(conn, "GET", "/healthz")
            conn.close()
            if response.status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.1)
    proc.terminate()
    raise SystemExit("gunicorn did not answer /healthz")


def stop_server(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def preflight(port: int, scenario: Scenario, identity: Identity | None) -> str | None:
    """None if the scenario answers; otherwise why it is skipped."""
    if not scenario.anonymous and identity is None:
        return "no signed-in user"
    path = _path(scenario, identity, 0)
    if path is None:
        return "no entry ids (GET /api/v1/entries/ unavailable)"
    conn = _connection(port)
    try:
        response, _ = _request(conn, scenario.method, path, scenario.body, _headers(scenario, identity))
    finally:
        conn.close()
    if response.status == 404:
        return "not found on this branch"
    if response.status >= 400:
        return f"answers {response.status}"
    return None


def print_table(results: list[dict], baseline: dict | None) -> None:
    print(
        f"\n{'scenario':<14}{'clients':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'errors':>8}{'vs hello':>10}"
    )
    for row in results:
        if "skipped" in row:
            print(f"{row['name']:<14}  skipped: {row['skipped']}")
            continue
        ratio = f"{row['rps'] / baseline['rps']:.0%}" if baseline and baseline["rps"] else "-"
        print(
            f"{row['name']:<14}{row['concurrency']:>8}{row['rps']:>9.0f}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}"
            f"{row['p99_ms']:>9.1f}{row['errors']:>8}{ratio:>10}"
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8160")))
    parser.add_argument("--no-server", action="store_true", help="use a server already running on --port")
    parser.add_argument("--scenario", action="append", help="NAME=[anon] METHOD PATH [BODY]; repeatable")
    parser.add_argument("--only", help="comma-separated scenario names to run (hello always runs)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per scenario")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds per scenario before measuring")
    parser.add_argument("--concurrency", type=int, default=16, help="clients for the throughput runs")
    parser.add_argument("--check-concurrency", type=int, default=100, help="clients for the error check; 0 skips")
    parser.add_argument("--check-duration", type=float, default=5.0)
    parser.add_argument("--processes", type=int, default=2, help="client processes")
    parser.add_argument("--users", type=int, default=8, help="signed-in clients (bench0..benchN-1)")
    parser.add_argument("--user-prefix", default="bench")
    parser.add_argument("--password", default="demo-password")
    parser.add_argument("--rate-limit", type=int, default=1_000_000)
    parser.add_argument("--json", help="write the results here")
    parser.add_argument(
        "--server-log", default=os.environ.get("BENCH_SERVER_LOG", str(ROOT / "var" / "bench-gunicorn.log"))
    )
    args = parser.parse_args(argv)

    scenarios = [Scenario.parse(text) for text in (args.scenario or DEFAULT_SCENARIOS)]
    if not any(s.name == "hello" for s in scenarios):
        scenarios.insert(0, Scenario.parse(DEFAULT_SCENARIOS[0]))
    if args.only:
        wanted = {"hello", *args.only.split(",")}
        scenarios = [s for s in scenarios if s.name in wanted]

    server = None if args.no_server else start_server(args.port, args)
    try:
        identities = [
            identity
            for n in range(args.users)
            if (identity := sign_in(args.port, f"{args.user_prefix}{n}", args.password)) is not None
        ]
        print(f"signed in {len(identities)} of {args.users} users ({args.user_prefix}0..)")
        results = []
        for scenario in scenarios:
            reason = preflight(args.port, scenario, identities[0] if identities else None)
            if reason:
                results.append({"name": scenario.name, "skipped": reason})
                print(f"{scenario.name}: skipped ({reason})")
                continue
            if args.warmup > 0:
                run_scenario(
                    args.port,
                    scenario,
                    identities,
                    concurrency=args.concurrency,
                    duration=args.warmup,
                    processes=args.processes,
                )
            row = run_scenario(
                args.port,
                scenario,
                identities,
                concurrency=args.concurrency,
                duration=args.duration,
                processes=args.processes,
            )
            if args.check_concurrency:
                check = run_scenario(
                    args.port,
                    scenario,
                    identities,
                    concurrency=args.check_concurrency,
                    duration=args.check_duration,
                    processes=args.processes,
                )
                row["check"] = {k: check[k] for k in ("concurrency", "requests", "errors", "error_kinds", "p99_ms")}
            results.append(row)
            extra = f", {args.check_concurrency} clients: {row['check']['errors']} errors" if "check" in row else ""
            print(f"{scenario.name}: {row['rps']:.0f} req/s, p95 {row['p95_ms']:.1f} ms{extra}")
    finally:
        if server is not None:
            stop_server(server)

    baseline = next((r for r in results if r["name"] == "hello" and "rps" in r), None)
    print_table(results, baseline)
    if args.check_concurrency:
        print(f"\nerror check at {args.check_concurrency} concurrent clients:")
        for row in results:
            if "check" in row:
                c = row["check"]
                kinds = ", ".join(f"{k}x{v}" for k, v in c["error_kinds"].items()) or "none"
                print(f"  {row['name']:<14}{c['requests']:>7} requests, {c['errors']} errors ({kinds})")
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results}, indent=2))
    return 1 if any(r.get("errors") or r.get("check", {}).get("errors") for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
