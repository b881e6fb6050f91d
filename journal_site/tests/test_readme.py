"""The README documents every environment variable the journal reads."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READERS = re.compile(r'(?:env_(?:str|bool|int|float|list|choice)|_int|environ\.get|getenv)\(\s*"([A-Z][A-Z0-9_]+)"')


def variables_read() -> set[str]:
    names = set()
    for path in [ROOT / "journal_site" / "settings.py", ROOT / "gunicorn.conf.py"]:
        names |= set(READERS.findall(path.read_text()))
    return names


def test_every_environment_variable_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    names = variables_read()
    assert {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "MAX_BODY_BYTES"} <= names
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert not missing, f"README.md does not document {missing}"
