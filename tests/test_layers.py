"""The apps stand in layers and every import runs downward (docs/architecture.md).

journal_site (settings, middleware, caching, metrics) at the bottom; care (reading
words for signs of crisis, the help lines) on it; accounts on care; the diary on
accounts; insights (statistics and charts) and conversations on the diary, side by
side; portability (export, import) and overview (the admin's counts and
statistics) on top, side by side.
A module may import from its own app and from the layers below, never from
one above or beside it, and a template may include or extend only templates of
its own app, of the layers below, or the project's (templates/). Tests are
outside the rule: they may put the apps together.

A Celery task is named after the app its code lives in (`<app>.<function>`);
a former name answers through `journal_site.tasks.former_name` (docs/jobs.md).
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {
    "journal_site": 0,
    "care": 1,
    "accounts": 2,
    "diary": 3,
    "insights": 4,
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


# `{% include "app/x.html" %}` and `{% extends "app/x.html" %}` with a literal name.
_TEMPLATE_USE = re.compile(r"""\{%-?\s*(?:include|extends)\s+["']([^"']+)["']""")


def upward_template_uses() -> list[str]:
    problems = []
    for own in LAYERS:
        for path in sorted((ROOT / own / "templates").rglob("*.html")):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                for name in _TEMPLATE_USE.findall(line):
                    app = name.split("/")[0]
                    if app in LAYERS and app != own and LAYERS[app] >= LAYERS[own]:
                        problems.append(f"{path.relative_to(ROOT)}:{number} uses {name}")
    return problems


def misnamed_tasks() -> list[str]:
    """Every `shared_task(name=...)` in an app's module whose name does not start with that app."""
    problems = []
    for path in _product_modules():
        own = path.relative_to(ROOT).parts[0]
        tree = ast.parse(path.read_text(), filename=str(path))
        # former_name registers the old names it is given (docs/jobs.md lists them).
        forwarding = {id(node) for function in ast.walk(tree) if getattr(function, "name", None) == "former_name"
                      for node in ast.walk(function)}
        for node in ast.walk(tree):
            if id(node) in forwarding:
                continue
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "shared_task":
                for keyword in node.keywords:
                    name = keyword.value.value if isinstance(keyword.value, ast.Constant) else None
                    if keyword.arg == "name" and not (isinstance(name, str) and name.startswith(f"{own}.")):
                        problems.append(f"{path.relative_to(ROOT)}:{node.lineno} names a task {name!r}")
    return problems


def test_no_module_imports_from_an_app_above_or_beside_its_own():
    assert upward_imports() == []


def test_no_template_includes_one_from_an_app_above_or_beside_its_own():
    assert upward_template_uses() == []


def test_every_task_is_named_after_its_app():
    assert misnamed_tasks() == []


def test_the_rules_see_an_upward_include_and_a_misnamed_task(tmp_path, monkeypatch):
    """The checks themselves can fail: accounts including portability's template, overview naming an accounts task."""
    for name in LAYERS:
        (tmp_path / name).mkdir()
    templates = tmp_path / "accounts" / "templates" / "accounts"
    templates.mkdir(parents=True)
    (templates / "settings.html").write_text(
        '{% extends "base.html" %}\n{% include "care/_help_lines.html" %}\n'
        '<div>{% include "portability/_data_settings.html" %}</div>\n'
    )
    (tmp_path / "overview" / "tasks.py").write_text(
        '@shared_task(name="accounts.refresh_stats_overview")\ndef refresh():\n    pass\n\n\n'
        '@shared_task(name="overview.refresh")\ndef fine():\n    pass\n'
    )
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    upward = "accounts/templates/accounts/settings.html:3 uses portability/_data_settings.html"
    assert upward_template_uses() == [upward]
    assert misnamed_tasks() == ["overview/tasks.py:1 names a task 'accounts.refresh_stats_overview'"]


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
