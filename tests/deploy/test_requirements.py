"""requirements.txt is what a production machine installs: the site's runtime and nothing else."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Tools that only tests, checks and benchmarks use.
DEV_TOOLS = {"pytest", "pytest-django", "factory-boy", "ruff", "bandit", "playwright", "schemathesis", "hypothesis"}


def pinned(path: Path) -> dict[str, str]:
    packages = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name, _, version = line.partition("==")
        assert version, f"{path.name}: {line!r} is not pinned"
        packages[re.sub(r"[-_.]+", "-", name.split("[")[0]).lower()] = version
    return packages


def test_runtime_requirements_hold_no_test_or_benchmark_tool():
    runtime = pinned(ROOT / "requirements.txt")
    assert {"django", "gunicorn", "celery", "psycopg"} <= runtime.keys()
    assert not DEV_TOOLS & runtime.keys(), sorted(DEV_TOOLS & runtime.keys())


def test_dev_requirements_add_the_tools_on_top_of_the_runtime():
    text = (ROOT / "requirements-dev.txt").read_text()
    assert "-r requirements.txt" in text.splitlines()
    dev = pinned(ROOT / "requirements-dev.txt")
    assert {"pytest", "pytest-django", "ruff", "bandit", "playwright", "schemathesis"} <= dev.keys()
    assert not dev.keys() & pinned(ROOT / "requirements.txt").keys(), "a package is pinned twice"


def test_make_run_installs_the_runtime_and_make_test_both():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run: migrate$", makefile, re.M) and re.search(r"^migrate: install$", makefile, re.M)
    for target in ("test", "test-all", "lint"):
        assert re.search(rf"^{target}: install-dev$", makefile, re.M), target
    assert "-r requirements-dev.txt" in makefile
