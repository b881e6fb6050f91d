"""Real services started by the tests themselves: a private PostgreSQL, a private
Redis, gunicorn and Celery workers, so fault tests can stop and restart them
without touching the machine's shared services."""

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except Exception:  # noqa: S110 - not up yet
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not come up within {timeout} s")


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise FileNotFoundError(f"{name} not found: install PostgreSQL")
    return path


class PrivatePostgres:
    """A throwaway PostgreSQL cluster on its own port (trust auth, no fsync)."""

    def __init__(self, max_connections: int = 200) -> None:
        self.port = free_port()
        self.max_connections = max_connections
        self.dir = Path(tempfile.mkdtemp(prefix="journal-pg-"))
        self.data = self.dir / "data"
        self.as_postgres = os.geteuid() == 0  # PostgreSQL refuses to run as root

    def _run(self, *args: str) -> None:
        command = [*args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def init(self) -> "PrivatePostgres":
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(_pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
            f" -c max_connections={self.max_connections}"
        )
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"), "-w", "start")

    def stop(self) -> None:
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, db: str = "journal") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def create_database(self, name: str = "journal") -> str:
        self._run(_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return self.url(name)

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivatePgBouncer:
    """Debian's pgbouncer in transaction mode, in front of a PrivatePostgres."""

    def __init__(self, postgres: PrivatePostgres, pool_size: int = 20) -> None:
        self.postgres = postgres
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="journal-pgbouncer-"))
        self.pool_size = pool_size
        self.process: subprocess.Popen | None = None

    @staticmethod
    def binary() -> str | None:
        return shutil.which("pgbouncer") or next(
            (path for path in ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer") if os.access(path, os.X_OK)), None
        )

    @classmethod
    def available(cls) -> bool:
        return cls.binary() is not None

    def start(self) -> "PrivatePgBouncer":
        (self.dir / "userlist.txt").write_text('"postgres" ""\n')
        (self.dir / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"* = host=127.0.0.1 port={self.postgres.port}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {self.dir}/userlist.txt\n"
            f"pool_mode = transaction\ndefault_pool_size = {self.pool_size}\nmax_client_conn = 1000\n"
            f"logfile = {self.dir}/pgbouncer.log\n"
        )
        command = [self.binary() or "pgbouncer", str(self.dir / "pgbouncer.ini")]
        if os.geteuid() == 0:  # pgbouncer refuses to run as root
            shutil.chown(self.dir, "postgres", "postgres")
            for path in self.dir.iterdir():
                shutil.chown(path, "postgres", "postgres")
            command = ["runuser", "-u", "postgres", "--", *command]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        address = ("127.0.0.1", self.port)
        wait_for(lambda: socket.create_connection(address, timeout=0.5).close() is None, 10, "pgbouncer")
        return self

    def url(self, db: str = "journal") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(10)
            self.process = None
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> "PrivateRedis":
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close() is None, 10, "redis")
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


class Service:
    """A process of ours (gunicorn, celery) with its own environment."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.args, self.env, self.log = args, env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> "Service":
        self.process = subprocess.Popen(
            self.args, cwd=ROOT, env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def kill(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.process = None


def app_env(tmp: Path, **overrides: str) -> dict[str, str]:
    """The environment of a deployed journal: everything from overrides, nothing inherited by accident."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")}
    env = {
        **keep,
        "VAR_DIR": str(tmp),
        "SECRET_KEY": "live-tests-" + "k" * 50,
        "DB_POOL_MIN": "1",
        "DB_POOL_MAX": "8",
        "GUNICORN_ACCESS_LOG": "0",
        "DJANGO_SETTINGS_MODULE": "journal_site.settings_test",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp / "prometheus"),
    }
    (tmp / "prometheus").mkdir(exist_ok=True)
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def gunicorn(env: dict[str, str], tmp: Path, *, workers: int = 2, threads: int = 8) -> tuple[Service, str]:
    port = free_port()
    env = {**env, "PORT": str(port), "WEB_CONCURRENCY": str(workers), "GUNICORN_THREADS": str(threads)}
    server = Service([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "journal_site.wsgi"], env, tmp / "gunicorn.log")
    server.start()
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: requests.get(base + "/healthz", timeout=2).status_code == 200, 60, "gunicorn")
    return server, base


def celery_worker(env: dict[str, str], tmp: Path, name: str) -> Service:
    args = [str(BIN / "celery"), "-A", "journal_site", "worker", "--pool", "solo", "-n", f"{name}@%h"]
    return Service(args, env, tmp / f"celery-{name}.log").start()


def signed_in_session(base: str, username: str, password: str) -> requests.Session:
    """A browser-like session: CSRF cookie, then the sign-in form."""
    session = requests.Session()
    session.get(base + "/accounts/login/", timeout=10)
    response = session.post(
        base + "/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": base + "/accounts/login/"},
        timeout=10,
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise RuntimeError(f"sign-in failed: {response.status_code}")
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    session.headers["Referer"] = base + "/"
    return session
