"""The care detector reads language: word forms, negation, phrase families and figures of speech."""

import time

import pytest

from care.detector import ANALYSED_MAX_CHARS, crisis_detect, crisis_family, pattern_parse

# Every example the issue that brought the detector named, each family in both languages.
NOT_SAFE = {
    "noway": [
        "I feel hopeless tonight.", "Czuję się beznadziejnie.", "I can't go on", "nie widze wyjscia z tego",
        "I cant do this anymore", "Nie dam rady dłużej tak żyć.",
    ],
    "die": [
        "I don't want to be here anymore", "mam dość życia", "nie widzę sensu życia",
        "chciałabym zniknąć na zawsze", "I hope I don't wake up tomorrow", "chce umrzec",
        "nie chce mi sie zyc", "Chciałbym zasnąć i się nie obudzić.",
    ],
    "burden": [
        "everyone would be better off without me", "Wszystkim byłoby lepiej beze mnie.",
        "I'm just a burden to my family", "Jestem tylko ciężarem dla rodziny.",
    ],
    "plan": [
        "I have pills saved up", "Mam odłożone tabletki.", "I bought a rope and hid it in the shed",
        "Wybrałam już datę.",
    ],
    "farewell": [
        "I wrote goodbye letters to my kids.", "Napisałam listy pożegnalne.", "I've been giving my things away.",
        "To będzie mój ostatni wpis.",
    ],
    "selfharm": [
        "I cut myself again last night.", "Znowu się pocięłam.", "I burned my arm with a lighter on purpose.",
        "Biję się, kiedy jestem na siebie zła.",
    ],
    "danger": [
        "He choked me last night.", "Wczoraj mnie dusił.", "He threatened to kill me if I leave.",
        "Boję się wracać do domu.",
    ],
}
FIGURES_OF_SPEECH = [
    "I'm dying to see the new film.", "This workout killed me.", "I could kill for a coffee.",
    "I cut myself a big slice of cake.", "Umieram ze śmiechu.", "Zabiłabym za kawę.",
    "The deadline is killing me, haha.", "Mam dość tej pracy, ale jakoś dam radę.", "Zabiję czas czytaniem książki.",
    "I'm hopeless at cooking.", "Jestem beznadziejna z matmy.", "My mum is going to kill me when she sees the car.",
    "Nie widzę sensu tej dyskusji.", "I cut my finger chopping onions.", "Film był beznadziejny.",
    "I hope I don't wake up the baby.",
]


@pytest.mark.parametrize(("family", "text"), [(f, t) for f, texts in NOT_SAFE.items() for t in texts])
def test_each_family_is_heard_in_both_languages(family, text):
    assert crisis_detect(text)
    assert crisis_family(text) == family


@pytest.mark.parametrize("text", FIGURES_OF_SPEECH)
def test_figures_of_speech_stay_quiet(text):
    assert not crisis_detect(text)


@pytest.mark.parametrize("text", [
    "I don't want to die.", "I'm not suicidal, just tired.", "I would never hurt myself.",
    "Nie chcę umierać.", "Nie mam myśli samobójczych.", "Nigdy bym sobie nic nie zrobił.",
])
def test_a_negated_sign_is_not_a_sign(text):
    assert not crisis_detect(text)


def test_hopeless_is_never_read_as_hope():
    # The word that started it: "hopeless" matched "hope" in the old reader.
    assert crisis_detect("I feel hopeless.") and crisis_detect("Czuję się beznadziejnie.")
    assert crisis_detect("everything is hopeless") and crisis_detect("wszystko jest beznadziejne")


def test_word_forms_come_from_the_dictionary():
    # One pattern ("chcieć ... umrzeć") covers every person, gender and tense, with or without Polish letters.
    for text in ("Chcę umrzeć.", "Chciałabym umrzeć.", "Chciałbym umrzeć.", "chcialabym umrzec", "Chcemy umrzeć."):
        assert crisis_detect(text), text


def test_im_is_spelled_out_in_english_only():
    assert crisis_detect("im so done with living")
    # Polish "im" is "to them": "Tylko im ciążę" is a burden said in Polish, not "I am".
    assert crisis_family("Tylko im ciążę.") == "burden"


def test_the_end_of_a_sentence_closes_a_pattern():
    assert crisis_detect("I've picked a date.")
    assert not crisis_detect("We picked a date for the wedding!")


def test_a_figure_of_speech_silences_only_the_match_it_overlaps():
    assert not crisis_detect("I cut myself a slice of bread.")
    assert crisis_detect("I cut myself a slice of bread. Later I cut myself again on purpose.")


def test_a_long_text_is_read_whole_and_quickly():
    text = ("Ordinary day at work, coffee with Ana, a walk by the river. " * 1_600)[:ANALYSED_MAX_CHARS - 60]
    assert not crisis_detect(text)
    started = time.process_time()
    assert crisis_detect(text + " I want to die.")
    assert time.process_time() - started < 5


class TestPatternLanguage:
    """The small language of care/patterns.py, on made-up words."""

    def _matches(self, source: str, text: str) -> bool:
        from care.detector import _Index, _matches, tokens_of

        return bool(_matches(_Index.build([pattern_parse(source, family="x")]), tokens_of(text)))

    def test_words_in_order_with_gaps(self):
        assert self._matches("alpha ~2 gamma", "alpha beta gamma")
        assert not self._matches("alpha ~1 gamma", "alpha beta delta gamma")
        assert not self._matches("alpha gamma", "gamma alpha")

    def test_beginnings_alternatives_and_optional_words(self):
        assert self._matches("alph* beta|bet gamma?", "alphabet bet")
        assert self._matches("alph* beta|bet gamma? delta", "alpha beta delta")

    def test_unordered_parts_within_a_window(self):
        assert self._matches("{gamma, alpha}~3", "alpha one gamma")
        assert not self._matches("{gamma, alpha}~1", "alpha one two gamma")

    def test_end_of_clause_and_exact_form(self):
        assert self._matches("alpha $", "alpha, beta")
        assert not self._matches("alpha $", "alpha beta")
        assert self._matches("=mojego", "mojego") and not self._matches("=moj", "mojego")

    def test_a_sentence_is_the_widest_reach(self):
        assert not self._matches("alpha ~5 gamma", "alpha. gamma")
