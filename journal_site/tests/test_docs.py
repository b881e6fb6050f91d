"""The project explains itself: comments point into docs/, never at papers outside the repository."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = [
    "accounts", "diary", "conversations", "portability", "overview", "journal_site", "templates", "tests", "bench",
    "static/js",
]
SUFFIXES = {".py", ".html", ".js"}
# Built from pieces so that this file does not match itself.
OUTSIDE = re.compile("|".join(["CONTRACT" + r"\.md", r"the\s+" + "specification", "specification" + "'s"]), re.I)
DOCS_LINK = re.compile(r"docs/([\w-]+\.md)")


def _sources() -> list[Path]:
    files = [path for path in ROOT.glob("*.py")]
    for folder in SOURCE_DIRS:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in SUFFIXES or path.name.endswith(".min.js") or "vendor" in path.parts:
                continue
            files.append(path)
    return files


def test_the_sources_are_found():
    names = {path.relative_to(ROOT).as_posix() for path in _sources()}
    assert {"journal_site/settings.py", "gunicorn.conf.py", "templates/base.html", "static/js/site.js"} <= names


def test_no_source_cites_a_document_outside_the_repository():
    citing = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _sources()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert not citing, "point at docs/<topic>.md or state the rule instead: " + ", ".join(citing)


def test_every_docs_page_the_sources_point_at_exists():
    pages = {match for path in _sources() for match in DOCS_LINK.findall(path.read_text(encoding="utf-8"))}
    assert pages, "the sources point at docs/"
    assert not [page for page in sorted(pages) if not (ROOT / "docs" / page).is_file()]


def test_the_docs_index_links_to_pages_that_exist():
    index = (ROOT / "docs" / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([\w-]+\.md)\)", index)
    assert {"api.md", "limits.md", "data-model.md", "caching.md", "jobs.md"} <= set(links)
    assert not [link for link in links if not (ROOT / "docs" / link).is_file()]
