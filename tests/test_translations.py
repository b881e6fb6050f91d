"""Every user-visible string has a Polish translation.

Runs makemessages on a copy of the sources and checks that each catalogue
already holds every message, translated and not fuzzy.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# makemessages over the whole tree takes a quarter of a minute: `make test-all` runs it.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
APPS = ["accounts", "diary", "insights", "conversations", "portability", "overview"]
CATALOGUES = [ROOT / "locale"] + [ROOT / app / "locale" for app in APPS]
_ENTRY = re.compile(
    r'(#, fuzzy\n)?(?:#.*\n)*msgid ((?:".*"\n)+)'
    r'(?:msgid_plural (?:".*"\n)+)?'
    r'((?:msgstr(?:\[\d\])? (?:".*"\n)+)+)'
)


def _joined(block: str) -> str:
    return "".join(re.findall(r'"(.*)"', block))


def parse_po(path: Path) -> dict[str, tuple[bool, list[str]]]:
    text = path.read_text(encoding="utf-8") + "\n"
    entries = {}
    for fuzzy, msgid, msgstrs in _ENTRY.findall(text):
        key = _joined(msgid)
        if key:
            strings = [_joined(part) for part in re.split(r"msgstr(?:\[\d\])? ", msgstrs) if part.strip()]
            entries[key] = (bool(fuzzy), strings)
    return entries


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    if shutil.which("xgettext") is None or shutil.which("msgfmt") is None:
        if os.environ.get("CI"):
            pytest.fail("gettext is missing: apt-get install gettext")
        pytest.skip("gettext is not installed (apt-get install gettext)")
    copy = tmp_path_factory.mktemp("sources") / "src"
    shutil.copytree(
        ROOT, copy, ignore=shutil.ignore_patterns(".venv", "var", ".git", "node_modules", "__pycache__", "tests")
    )
    manage = [sys.executable, str(copy / "manage.py"), "makemessages", "-l", "pl", "--no-location"]
    env = {"PATH": "/usr/bin:/bin", "VAR_DIR": str(copy / "var")}
    for app in APPS:
        subprocess.run(manage, cwd=copy / app, check=True, capture_output=True, env=env)
    ignores = [arg for app in APPS for arg in ("--ignore", f"{app}/*")]
    subprocess.run([*manage, *ignores, "--ignore", "bench/*"], cwd=copy, check=True, capture_output=True, env=env)
    return copy


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete_and_translated(catalogue, regenerated):
    committed = catalogue / "pl" / "LC_MESSAGES" / "django.po"
    fresh = regenerated / catalogue.relative_to(ROOT) / "pl" / "LC_MESSAGES" / "django.po"
    if not fresh.exists():
        pytest.skip(f"{catalogue.relative_to(ROOT)} has no strings")
    assert committed.exists(), f"missing {committed.relative_to(ROOT)}: run `make messages`"
    entries = parse_po(committed)
    missing = sorted(set(parse_po(fresh)) - set(entries))
    assert not missing, f"not in {committed.relative_to(ROOT)}: {missing[:20]}"
    untranslated = sorted(k for k, (fuzzy, strings) in entries.items() if fuzzy or not all(strings))
    assert not untranslated, f"untranslated or fuzzy: {untranslated[:20]}"
    compiled = subprocess.run(["msgfmt", "-o", "-", str(committed)], check=True, capture_output=True).stdout
    mo = committed.with_suffix(".mo")
    assert mo.exists() and mo.read_bytes() == compiled, "stale .mo: compile with `make messages`"
