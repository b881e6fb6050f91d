"""The detector on its corpus: the floor per language (docs/care.md), and the corpus itself."""

from collections import Counter

import pytest
from django.core.management import call_command

from care.evaluation import FALSE_ALARMS_MAX, LANGUAGES, RECALL_MIN, corpus, evaluate

FAMILIES = {"die", "burden", "noway", "plan", "farewell", "selfharm", "danger"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_corpus_is_large_enough_and_covers_every_family(language):
    sentences = corpus(language)
    labels = Counter(s.label for s in sentences)
    assert labels["care"] >= 150 and labels["quiet"] >= 150
    families = Counter(s.kind for s in sentences if s.label == "care")
    assert set(families) == FAMILIES and min(families.values()) >= 20
    assert len({s.text for s in sentences}) == len(sentences)  # no sentence twice
    held_out = sum(s.held_out for s in sentences) / len(sentences)
    assert 0.15 <= held_out <= 0.25  # about a fifth


@pytest.mark.parametrize("language", LANGUAGES)
def test_recall_and_false_alarms_meet_the_floor_on_the_tuning_part(language):
    figures = evaluate([s for s in corpus(language) if not s.held_out])
    assert figures.recall >= RECALL_MIN, figures.misses
    assert figures.false_alarm_rate <= FALSE_ALARMS_MAX, figures.false_alarms


def test_the_command_prints_the_figures_per_language_and_part(capsys):
    call_command("care_eval")  # exits 1 when the tuning part is below the floor
    out = capsys.readouterr().out
    for language in LANGUAGES:
        for part in ("tuning", "held out", "all"):
            assert f"{language} {part}" in out
    assert "recall" in out and "false alarms" in out
