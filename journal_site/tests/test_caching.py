"""No product code scans the cache's keyspace or reaches into a cache class's private parts (docs/caching.md)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("care", "accounts", "diary", "conversations", "portability", "overview", "journal_site")
FORBIDDEN = {
    "a pattern delete (a SCAN over every key)": re.compile(r"delete_pattern"),
    "a scan of the keyspace": re.compile(r"\bscan_iter\b|\.scan\(|[\"']SCAN[\"']"),
    "KEYS": re.compile(r"\.keys\(\s*[\"']|[\"']KEYS[\"']"),
    "a private attribute of a cache": re.compile(r"\bcaches?(\[[^\]]*\])?\._[a-z]"),
}


def _product_sources():
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            if "tests" not in path.parts and "migrations" not in path.parts:
                yield path


def test_no_product_code_scans_the_cache_or_uses_its_private_parts():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {what}"
        for path in _product_sources()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        for what, pattern in FORBIDDEN.items()
        if pattern.search(line)
    ]
    assert found == []


def test_the_check_sees_what_it_forbids():
    samples = ["cache.delete_pattern('user:*')", "client.scan_iter('x')", "cache._cache.items()",
               "caches['fragments']._expire_info", "redis.keys('user:*')"]
    assert all(any(pattern.search(sample) for pattern in FORBIDDEN.values()) for sample in samples)
