"""The Markdown renderer's time and memory: the figures in docs/markdown-rendering.md.

    .venv/bin/python bench/bench_markdown.py [--renders 1000] [--skip-shapes]

Times diary.rendering.markdown_render (comrak and nh3) on a typical entry of
about 1.5 KB, mean of the best of five runs of --renders; measures the growth
of the resident size over --renders typical entries and over twenty 1 MB ones;
then the CPU seconds of each 1 MB shape of tests/security/test_markdown_fuzz.py.
The resident size is read from Linux's /proc.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journal_site.settings")

import django

django.setup()

from diary.rendering import markdown_render  # noqa: E402
from tests.security.test_markdown_fuzz import SHAPES  # noqa: E402

TYPICAL = (
    "Woke early and walked to the river before work. The light on the water was **very** good, "
    "and I stopped for a coffee at the place on the corner.\n"
    "Work was slow; the meeting about the budget ran long again.\n\n"
    "## Things I noticed\n\n- the heron was back\n- the bakery has a new _rye_ loaf\n"
    "- [x] called mum\n- [ ] book the dentist\n\n"
    '> "Not all those who wander are lost."\n\n'
    "Read two chapters in the evening and wrote down a line I liked, see https://example.com/notes for more. "
    "Tomorrow: finish the report, answer the letters, and go to bed before eleven. "
    "The weather turned in the afternoon and the walk home was wet, but it was still good to be out. "
    "I keep meaning to write more here, and today I did.\n\n"
    "Dinner was soup and bread. Talked to A. on the phone for an hour about nothing much; it helped.\n"
    "I feel calmer than last week. Maybe the walks are doing something.\n\n"
    "On the way back I passed the old school, which is being turned into flats. The gate was open and I "
    "looked in at the yard where we used to play; it seemed much smaller than I remember. A man painting "
    "the windows said the work would take another year. I wonder who will live there, and whether they "
    "will hear the bell from the church across the road as we did, every hour, all day long. "
    "It is strange how a place can hold so much and then simply become something else.\n"
    "Note to self: ask ~~Tom~~ Anna about the photographs from that summer, and write down the names "
    "of the teachers before I forget them.\n"
)
MEGABYTE_ENTRY = "*word* [link](https://example.com)\n\n" * 30_000


def _resident_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--renders", type=int, default=1000)
    parser.add_argument("--skip-shapes", action="store_true")
    arguments = parser.parse_args()
    renders = arguments.renders

    for _ in range(10):
        markdown_render(TYPICAL)
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(renders):
            markdown_render(TYPICAL)
        runs.append((time.perf_counter() - start) / renders)
    print(f"typical entry ({len(TYPICAL)} characters): {min(runs) * 1e6:.0f} µs a render")

    start = _resident_mib()
    for _ in range(renders):
        markdown_render(TYPICAL)
    after_typical = _resident_mib()
    markdown_render(MEGABYTE_ENTRY)
    after_first = _resident_mib()
    for _ in range(19):
        markdown_render(MEGABYTE_ENTRY)
    print(
        f"resident size: {after_typical - start:+.1f} MiB after {renders} typical entries, "
        f"{after_first - after_typical:+.1f} MiB after the first 1 MB one, "
        f"{_resident_mib() - after_first:+.1f} MiB after 19 more"
    )

    if arguments.skip_shapes:
        return
    for name, make in SHAPES.items():
        text = make()
        start = time.thread_time()
        markdown_render(text)
        print(f"{name:28} {time.thread_time() - start:5.2f} s CPU")


if __name__ == "__main__":
    main()
