"""Files kept outside the database (photos), sealed in chunks so that the store never sees a plain byte.

docs/photos.md has the design. Each file has a random key of its own (its *file key*); the database keeps
that key sealed with the owner's data key (accounts.keys), so a per-user rotation seals the key again and
never has to rewrite the file. A sealed file is:

    b"\\x00p1" ‖ chunk size (4 bytes, big-endian) ‖ chunk ‖ chunk ‖ ...

where each chunk is AES-256-GCM over at most `chunk size` plain bytes under a key derived from the file key
for the file's role (HKDF: the original and each thumbnail have keys of their own), with the nonce
`counter (11 bytes, big-endian) ‖ last (1 byte)` and the header plus the file's role ("original", "320",
...) as associated data. The key encrypts one file only, so counter nonces never repeat; the `last`
flag makes a cut-short file fail to open rather than read as a shorter image (the STREAM construction).
A key seals one file only, so counter nonces never repeat under it.
Memory stays at one chunk whatever the size of the file.

Every byte goes through Django's storage API (the "attachments" storage: the local folder under VAR_DIR
by default, an S3-compatible bucket through django-storages in production), never a public URL.
"""

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator
from typing import IO

from botocore.exceptions import BotoCoreError, ClientError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.files import File
from django.core.files.storage import Storage, storages

from journal_site.encryption import KEY_BYTES, CannotOpen, derive

logger = logging.getLogger(__name__)

MAGIC = b"\x00p1"
CHUNK_BYTES = 64 * 1024
_TAG_BYTES = 16
_HEADER_BYTES = len(MAGIC) + 4
# A sealed file waits in memory up to this size, on disk above it, before it is handed to the store.
SPOOL_BYTES = 1024 * 1024
_COUNTER_MAX = 2 ** 88 - 1


class StoreUnavailable(Exception):
    """The attachments store did not take a file (it is full, down or refusing): try again later."""


def store() -> Storage:
    return storages["attachments"]


def file_key_new() -> bytes:
    return os.urandom(KEY_BYTES)


def _nonce(counter: int, last: bool) -> bytes:
    if counter > _COUNTER_MAX:
        raise ValueError("a sealed file has too many chunks")
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _associated(header: bytes, role: str) -> bytes:
    return header + role.encode()


def _role_key(key: bytes, role: str) -> bytes:
    """A key of each file's own: a photo's files share its file key, and counter nonces under one key
    would repeat across them (the same keystream twice). HKDF gives each role a key apart."""
    return derive(key, purpose=f"journal photo file {role}")


def seal_stream(source: IO[bytes], *, key: bytes, role: str, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The sealed form of everything `source` reads, one chunk at a time."""
    header = MAGIC + chunk_bytes.to_bytes(4, "big")
    yield header
    aead = AESGCM(_role_key(key, role))
    associated = _associated(header, role)
    counter = 0
    current = source.read(chunk_bytes)
    while True:
        following = source.read(chunk_bytes)
        last = not following
        yield aead.encrypt(_nonce(counter, last), current, associated)
        if last:
            return
        counter += 1
        current = following


def open_stream(sealed: IO[bytes], *, key: bytes, role: str) -> Iterator[bytes]:
    """The plain bytes of a sealed file, one chunk at a time; CannotOpen if it was changed, cut or swapped."""
    header = sealed.read(_HEADER_BYTES)
    if len(header) != _HEADER_BYTES or not header.startswith(MAGIC):
        raise CannotOpen(f"a stored {role} file is not sealed")
    chunk_bytes = int.from_bytes(header[len(MAGIC):], "big")
    if not 0 < chunk_bytes <= 16 * 1024 * 1024:
        raise CannotOpen(f"a stored {role} file has a bad header")
    aead = AESGCM(_role_key(key, role))
    associated = _associated(header, role)
    counter = 0
    current = sealed.read(chunk_bytes + _TAG_BYTES)
    while True:
        following = sealed.read(chunk_bytes + _TAG_BYTES)
        last = not following
        try:
            yield aead.decrypt(_nonce(counter, last), current, associated)
        except InvalidTag:
            raise CannotOpen(f"a stored {role} file does not open") from None
        if last:
            return
        counter += 1
        current = following


def sealed_size(plain_bytes: int, *, chunk_bytes: int = CHUNK_BYTES) -> int:
    chunks = max(1, -(-plain_bytes // chunk_bytes))
    return _HEADER_BYTES + plain_bytes + chunks * _TAG_BYTES


def blob_save(name: str, source: IO[bytes], *, key: bytes, role: str) -> tuple[int, str]:
    """Seal `source` into the store under exactly `name`; the bytes stored, and a hash of them (hex).

    The hash is of the sealed bytes, so it names the content without telling anything about it.
    """
    digest = hashlib.sha256()
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spooled:
        for piece in seal_stream(source, key=key, role=role):
            digest.update(piece)
            spooled.write(piece)
        size = spooled.tell()
        spooled.seek(0)
        try:
            saved = store().save(name, File(spooled, name=name))
        except (OSError, BotoCoreError, ClientError) as error:
            # A full disk, a bucket that does not answer: the caller says so (503), nothing is kept.
            logger.warning("the attachment store refused a file", extra={"error": type(error).__name__})
            raise StoreUnavailable from error
    if saved != name:  # names are random: another file under it means a bug, not a collision to work around
        store().delete(saved)
        raise RuntimeError(f"the attachment store renamed {name} to {saved}")
    return size, digest.hexdigest()


def blob_open(name: str, *, key: bytes, role: str) -> Iterator[bytes]:
    """The plain bytes of a stored file, in chunks; the stored file is closed when the iteration ends."""
    try:
        handle = store().open(name, "rb")
    except (OSError, BotoCoreError, ClientError) as error:
        logger.warning("the attachment store did not give a file", extra={"error": type(error).__name__})
        raise StoreUnavailable from error
    try:
        yield from _read_through(open_stream(handle, key=key, role=role))
    finally:
        handle.close()


def _read_through(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks, a store failing mid-read (S3 reads lazily) told as StoreUnavailable."""
    try:
        yield from chunks
    except (OSError, BotoCoreError, ClientError) as error:
        logger.warning("the attachment store failed while a file was read", extra={"error": type(error).__name__})
        raise StoreUnavailable from error


def blob_read(name: str, *, key: bytes, role: str) -> bytes:
    return b"".join(blob_open(name, key=key, role=role))


def blobs_delete(names: list[str]) -> None:
    target = store()
    for name in names:
        if name:
            target.delete(name)


def blobs_delete_under(prefix: str) -> int:
    """Delete every file whose name starts with the folder `prefix` (an account's); how many."""
    target = store()
    try:
        _folders, files = target.listdir(prefix)
    except FileNotFoundError:
        return 0
    for name in files:
        target.delete(f"{prefix}/{name}")
    return len(files)
