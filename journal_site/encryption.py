"""Envelope encryption of what people write: the key-encryption keys and the ciphertext format.

docs/encryption.md has the design and the threat model. In short: every user has
random 256-bit data keys (accounts.keys), stored only wrapped, with AES-256-GCM,
by a key-encryption key (KEK) that never reaches the database. The KEKs come from
ENCRYPTION_KEYS (or ENCRYPTION_KEYS_FILE), several for rotation, the first one
current: `"2:<base64 of 32 bytes>,1:<base64 of 32 bytes>"`.

A sealed value is text, so it fits the columns that held the words before:

    e1.<data key version>.<base64url of nonce (12 bytes) + ciphertext + tag (16 bytes)>

The associated data binds it to its owner and its place (`<user id>.<field>`):
moved to another row's column or another user's row, it no longer opens.
Everything here is pyca/cryptography; nothing cryptographic is written by hand.
"""

import base64
import binascii
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from journal_site.env import ConfigError

PREFIX = "e1."
KEY_BYTES = 32
_NONCE_BYTES = 12
_BODY_MIN = 38  # base64url of a nonce and a tag around nothing
_FROM_URLSAFE = str.maketrans("-_", "+/")


class CannotOpen(Exception):
    """A sealed value that does not open with the key and place given (tampered, moved or a wrong key)."""


@dataclass(frozen=True)
class KeyEncryptionKeys:
    """The KEKs by version; `current` wraps new data keys, the others only unwrap (rotation)."""

    current: int
    keys: dict[int, bytes]

    def wrap(self, data_key: bytes, *, context: bytes) -> tuple[int, bytes]:
        nonce = os.urandom(_NONCE_BYTES)
        return self.current, nonce + AESGCM(self.keys[self.current]).encrypt(nonce, data_key, context)

    def unwrap(self, wrapped: bytes, *, version: int, context: bytes) -> bytes:
        key = self.keys.get(version)
        if key is None:
            raise CannotOpen(f"key-encryption key {version} is not configured (ENCRYPTION_KEYS)")
        try:
            return AESGCM(key).decrypt(wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:], context)
        except InvalidTag:
            raise CannotOpen(f"a data key does not open with key-encryption key {version}") from None


def kek_parse(value: str, *, source: str = "ENCRYPTION_KEYS") -> KeyEncryptionKeys:
    """`"2:<base64>,1:<base64>"` → the keys, the first one current; a clear ConfigError for anything else."""
    keys: dict[int, bytes] = {}
    order: list[int] = []
    for item in (part.strip() for part in value.replace("\n", ",").split(",")):
        if not item:
            continue
        version_text, _, encoded = item.partition(":")
        if not version_text.isdigit() or not 1 <= int(version_text) <= 32767:
            raise ConfigError(f"{source}: each key is VERSION:BASE64 with a version from 1 to 32767")
        try:
            key = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise ConfigError(f"{source}: key {version_text} is not valid base64") from None
        if len(key) != KEY_BYTES:
            raise ConfigError(f"{source}: key {version_text} must be {KEY_BYTES} bytes, got {len(key)}")
        version = int(version_text)
        if version in keys:
            raise ConfigError(f"{source}: key version {version} is given twice")
        keys[version] = key
        order.append(version)
    if not keys:
        raise ConfigError(f"{source} holds no key")
    return KeyEncryptionKeys(current=order[0], keys=keys)


def kek_new_line(version: int = 1) -> str:
    """A new key-encryption key as ENCRYPTION_KEYS takes it (`manage.py encryption_key_new` prints one)."""
    return f"{version}:{base64.b64encode(os.urandom(KEY_BYTES)).decode()}"


def data_key_new() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def _place(user_id: int, field: str) -> bytes:
    return f"{user_id}.{field}".encode()


def seal(text: str, *, key: bytes, version: int, user_id: int, field: str) -> str:
    """`text` encrypted under a user's data key, bound to the user and the field."""
    nonce = os.urandom(_NONCE_BYTES)
    body = nonce + AESGCM(key).encrypt(nonce, text.encode(), _place(user_id, field))
    return f"{PREFIX}{version}.{base64.urlsafe_b64encode(body).decode().rstrip('=')}"


def sealed_parts(value: str) -> tuple[int, bytes] | None:
    """The data key version and the decoded body of a sealed value; None when `value` is not one (text
    from before).

    The form is `e1.<1-99999>.<at least 38 characters of unpadded base64url>`, checked without a regular
    expression over the body (one took longer than the decryption): the body is decoded strictly, so a
    text that is not base64url is not a sealed value.
    """
    if not value.startswith(PREFIX):
        return None
    version, dot, body = value[len(PREFIX):].partition(".")
    if not (dot and 0 < len(version) <= 5 and version.isascii() and version.isdigit() and version[0] != "0"
            and len(body) >= _BODY_MIN and "+" not in body and "/" not in body and "=" not in body):
        return None
    try:
        raw = binascii.a2b_base64((body + "=" * (-len(body) % 4)).translate(_FROM_URLSAFE), strict_mode=True)
    except binascii.Error:
        return None
    return int(version), raw


def sealed_version(value: str) -> int | None:
    """The data key version a sealed value names, or None when `value` is not one (text from before)."""
    parts = sealed_parts(value)
    return parts[0] if parts else None


def open_sealed(value: str, *, key: bytes, user_id: int, field: str) -> str:
    parts = sealed_parts(value)
    if parts is None:
        raise CannotOpen(f"a {field} of user {user_id} is not sealed")
    return open_body(parts[1], key=key, user_id=user_id, field=field)


def open_body(raw: bytes, *, key: bytes, user_id: int, field: str) -> str:
    """The text of a sealed value's decoded body (sealed_parts)."""
    try:
        return AESGCM(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _place(user_id, field)).decode()
    except InvalidTag:
        raise CannotOpen(f"a sealed {field} of user {user_id} does not open") from None


# Sealed bytes (an uploaded file): a marker no JSON, zip or Markdown file starts with, the version, the body.
BYTES_PREFIX = b"\x00e1"


def seal_bytes(data: bytes, *, key: bytes, version: int, user_id: int, field: str) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    return BYTES_PREFIX + version.to_bytes(2, "big") + nonce + AESGCM(key).encrypt(nonce, data, _place(user_id, field))


def sealed_bytes_version(data: bytes) -> int | None:
    """The data key version of sealed bytes, or None for bytes stored before sealing began."""
    if not data.startswith(BYTES_PREFIX) or len(data) < len(BYTES_PREFIX) + 2 + _NONCE_BYTES + 16:
        return None
    return int.from_bytes(data[len(BYTES_PREFIX):len(BYTES_PREFIX) + 2], "big")


def open_sealed_bytes(data: bytes, *, key: bytes, user_id: int, field: str) -> bytes:
    body = data[len(BYTES_PREFIX) + 2:]
    try:
        return AESGCM(key).decrypt(body[:_NONCE_BYTES], body[_NONCE_BYTES:], _place(user_id, field))
    except InvalidTag:
        raise CannotOpen(f"sealed {field} of user {user_id} does not open") from None


def derive(key: bytes, *, purpose: str) -> bytes:
    """A separate key for another purpose (the blind index's HMAC), never the encryption key itself."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose.encode()).derive(key)
