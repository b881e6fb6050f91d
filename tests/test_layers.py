"""The apps stand in layers and every import runs downward (docs/architecture.md).

journal_site (settings, middleware, caching, metrics) at the bottom; care (reading
words for signs of crisis, the help lines) on it; accounts on care; the diary on
accounts; conversations on the diary; portability (export, import) and overview
(the admin's counts and statistics) on top, side by side.
A module may import from its own app and from the layers below, never from
one above or beside it. Tests are outside the rule: they may put the apps
together.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {
    "journal_site": 0,
    "care": 1,
    "accounts": 2,
    "diary": 3,
    "conversations": 4,
    "portability": 5,
    "overview": 5,
}
# The root URLconf wires every app's URLs into one site: it is the top by nature.
COMPOSITION_ROOT = {"journal_site/urls.py"}


def _product_modules() -> list[Path]:
    modules = []
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            if str(path.relative_to(ROOT)) in COMPOSITION_ROOT:
                continue
            modules.append(path)
    return modules


def _imported_apps(path: Path) -> set[tuple[str, int]]:
    """Every (app, line) this module imports from, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in LAYERS:
                found.add((top, node.lineno))
    return found


def upward_imports() -> list[str]:
    problems = []
    for path in _product_modules():
        own = path.relative_to(ROOT).parts[0]
        for app, line in sorted(_imported_apps(path)):
            if app != own and LAYERS[app] >= LAYERS[own]:
                problems.append(f"{path.relative_to(ROOT)}:{line} imports {app}")
    return problems


def test_no_module_imports_from_an_app_above_or_beside_its_own():
    assert upward_imports() == []


def test_the_rule_sees_an_upward_import(tmp_path, monkeypatch):
    """The check itself can fail: an import of the diary from accounts is caught, even inside a function."""
    app = tmp_path / "accounts"
    app.mkdir()
    (app / "selectors.py").write_text("def f():\n    from diary.models import DiaryEntry\n    return DiaryEntry\n")
    (app / "tests").mkdir()
    (app / "tests" / "test_x.py").write_text("from conversations.models import ConversationHistory\n")
    for name in LAYERS:
        (tmp_path / name).mkdir(exist_ok=True)
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert upward_imports() == ["accounts/selectors.py:2 imports diary"]


@pytest.mark.parametrize("app", sorted(LAYERS))
def test_every_layered_app_is_installed(app, settings):
    installed = {name.split(".")[0] for name in settings.INSTALLED_APPS}
    assert app in installed


def test_every_layered_app_has_its_tests_collected():
    import configparser

    config = configparser.ConfigParser()
    config.read(ROOT / "pytest.ini")
    assert set(LAYERS) <= set(config["pytest"]["testpaths"].split())
