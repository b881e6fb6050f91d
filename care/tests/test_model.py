"""The second reader, the model over a sentence's words (care/model.py, docs/care.md)."""

import json
import subprocess
import sys
import threading

import pytest
from django.conf import settings
from django.core.management import call_command

from care.detector import crisis_detect, crisis_matches, tokens_of
from care.model import MODEL_PATH, _model, features, warm_up
from care.training import model_differs


def test_words_are_read_in_their_forms_with_negation_and_pieces():
    found = features(tokens_of("I don't want to die, honestly"))
    assert {"w:i", "n:want", "n:die", "b:want_to", "s:want_to", "w:honestly", "c:<hon", "c:tly>"} <= found
    assert "w:die" not in found  # "die" after "don't" is negated
    assert "b:die_honestly" not in found  # word pairs stop at a clause's end
    assert {"w:umrzec", "s:chcia_umrze"} <= features(tokens_of("chciałabym umrzeć"))  # folded, and by stems


def test_the_patterns_that_match_are_features_too():
    found = features(tokens_of("I want to die"), {"die"})
    assert {"p:die", "p:any"} <= found
    assert not any(f.startswith("p:") for f in features(tokens_of("I want to dance")))


# Said the way people hint, with none of the patterns' phrases: only the model reads these.
@pytest.mark.parametrize("text", [
    "Some days I picture the people at my funeral and it doesn't even feel sad anymore.",
    "Przepisałam mieszkanie na siostrę i uporządkowałam papiery, teraz mogę spokojnie odejść.",
])
def test_hints_no_pattern_names_are_read_by_the_model(text):
    assert not crisis_matches(text)
    assert crisis_detect(text)


# A pattern matches, yet the sentence is plainly safe: the model weighs the whole sentence.
@pytest.mark.parametrize("text", [
    "Read about a famous poet's suicide for my literature essay.",
    "Czytamy z klasą „Cierpienia młodego Wertera”, uczniowie pytali o samobójstwo i wyszła z tego dobra rozmowa.",
])
def test_a_pattern_in_a_plainly_safe_sentence_is_outweighed(text):
    assert crisis_matches(text)
    assert not crisis_detect(text)


def test_the_shipped_model_is_what_the_corpus_teaches():
    call_command("care_train", "--check")  # raises when care/model.json is out of date


def test_a_difference_beyond_rounding_is_named():
    shipped = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert model_differs(shipped, shipped) == ""
    moved = {**shipped, "weights": {**shipped["weights"], "w:die": shipped["weights"].get("w:die", 0) + 1}}
    assert model_differs(shipped, moved) == "1 weights differ"
    assert "threshold" in model_differs(shipped, {**shipped, "threshold": shipped["threshold"] + 1})


def test_reading_needs_no_learning_library():
    code = (
        "import sys, django; django.setup(); from care.detector import crisis_detect;"
        "crisis_detect('I want to die'); print('sklearn' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "journal_site.settings", "PATH": "/usr/bin:/bin"},
    )
    assert done.stdout.strip() == "False"


def test_warming_up_loads_the_weights_before_anyone_writes():
    _model.cache_clear()
    warm_up()
    assert _model.cache_info().currsize == 1


def test_a_celery_worker_process_loads_the_reader_when_it_starts(monkeypatch):
    from celery.signals import worker_process_init

    started = []
    monkeypatch.setattr("care.model.warm_up", lambda: started.append("care"))
    worker_process_init.send(sender=None)
    for thread in [t for t in threading.enumerate() if t.name == "care-warm-up"]:
        thread.join(5)
    assert started == ["care"]


@pytest.mark.parametrize("ending", ["and I just want to die", "and I want to kill myself", "i chcę umrzeć"])
def test_a_sign_at_the_end_of_a_long_run_on_sentence_still_counts(ending):
    """A pattern's match weighs with the words around it, not diluted among a hundred others."""
    day = ("had a long day at work with meetings all morning and a client call in the afternoon then I picked "
           "up groceries and made dinner for the kids and walked the dog around the block twice ")
    assert crisis_detect(day * 3 + ending)
