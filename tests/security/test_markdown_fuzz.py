"""Markdown rendering takes time linear in its input, whatever the input holds.

Entries are at most 100,000 characters; these inputs are ten times that. A
renderer that backtracks or nests without bound takes seconds to minutes on
some of them (see docs/markdown-rendering.md).
"""

import random
import time

import pytest

from diary.excerpts import excerpt_from_markdown
from diary.rendering import markdown_render

MEGABYTE = 1_000_000
# CPU time of the rendering thread, so that other processes on a busy machine do
# not count; the wall clock gets a looser bound that still catches superlinear
# growth (the inputs here took minutes before). The slowest shape takes about a
# second of CPU on a shared 2-core machine (1.16 s once in CI): the bound is three
# times that, a guard against superlinear time, not a speed target.
BOUND_SECONDS = 3.0
WALL_FACTOR = 10


def _repeat(unit: str) -> str:
    return (unit * (MEGABYTE // len(unit) + 1))[:MEGABYTE]


def _random_text(seed: int) -> str:
    generator = random.Random(seed)  # nosec B311 - a reproducible fuzz input
    return bytes(generator.getrandbits(8) for _ in range(MEGABYTE)).decode("utf-8", "replace")


def _random_markup(seed: int) -> str:
    generator = random.Random(seed)  # nosec B311
    pieces = [*list("[]()<>*_`~|-#!\\\n a&"), "1.", "http://", "&amp;", "\xa0"]
    return "".join(generator.choices(pieces, k=MEGABYTE))[:MEGABYTE]


SHAPES = {
    "open brackets": lambda: _repeat("["),
    "unclosed autolinks": lambda: _repeat("<http://"),
    "unclosed html attribute": lambda: _repeat("<a href='"),
    "abbreviation lines": lambda: _repeat("*[HTML]: Hyper Text Markup Language\n"),
    "definition list": lambda: _repeat("t\n: d\n"),
    "nested quotes": lambda: _repeat(">"),
    "nested quotes with spaces": lambda: _repeat("> "),
    "nested lists": lambda: _repeat("- "),
    "nested ordered lists": lambda: _repeat("1. "),
    "indented lists": lambda: "".join("  " * depth + "- x\n" for depth in range(1000))[:MEGABYTE],
    "stars": lambda: _repeat("*"),
    "emphasis openers": lambda: _repeat("*a "),
    "nested emphasis": lambda: "*" * (MEGABYTE // 2 - 1) + "a" + "*" * (MEGABYTE // 2),
    "backticks": lambda: _repeat("`"),
    "growing code spans": lambda: "".join("`" * n + "a" for n in range(1, 1450))[:MEGABYTE],
    "unclosed links": lambda: _repeat("[a]("),
    "link references": lambda: _repeat("[a]: <"),
    "table rows": lambda: "|" + "a|" * 1000 + "\n|" + "-|" * 1000 + "\n" + _repeat("|x")[: MEGABYTE - 4100],
    "strikethrough": lambda: _repeat("~~a "),
    "html comments": lambda: _repeat("<!--"),
    "entities": lambda: _repeat("&#"),
    "short lines": lambda: _repeat("a\n"),
    "random bytes": lambda: _random_text(14),
    "random markup": lambda: _random_markup(14),
}


def _seconds(function, text: str, bound: float) -> tuple[float, float]:
    """The least CPU and wall seconds of up to three runs (a busy machine's pauses are not the renderer's)."""
    cpu_best = wall_best = float("inf")
    for _ in range(3):
        cpu, wall = time.thread_time(), time.perf_counter()
        function(text)
        cpu_best = min(cpu_best, time.thread_time() - cpu)
        wall_best = min(wall_best, time.perf_counter() - wall)
        if cpu_best < bound and wall_best < bound * WALL_FACTOR:
            break
    return cpu_best, wall_best


@pytest.mark.parametrize("shape", SHAPES)
def test_a_megabyte_of_any_shape_renders_in_well_under_a_second(shape):
    text = SHAPES[shape]()
    assert len(text.encode()) >= MEGABYTE * 0.99
    cpu, wall = _seconds(markdown_render, text, BOUND_SECONDS)
    assert cpu < BOUND_SECONDS and wall < BOUND_SECONDS * WALL_FACTOR, (cpu, wall)


@pytest.mark.parametrize("shape", SHAPES)
def test_an_excerpt_of_any_shape_is_quick(shape):
    cpu, wall = _seconds(excerpt_from_markdown, SHAPES[shape](), BOUND_SECONDS / 10)
    assert cpu < BOUND_SECONDS / 10 and wall < BOUND_SECONDS / 10 * WALL_FACTOR, (cpu, wall)
