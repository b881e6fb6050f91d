import pytest

from diary.emotions import EMOTION_CODES
from diary.lexicon import ANALYSED_MAX_CHARS, LEXICON, emotion_counts, emotions_detect


@pytest.mark.parametrize(
    "text,expected",
    [
        ("I am so happy and grateful today, but a bit tired.", ["joy", "grateful", "tired"]),
        ("Jestem bardzo zmęczona i smutna, martwię się o pracę.", ["sadness", "tired", "anxious"]),
        ("Nie mogę się doczekać wyjazdu! Czuję ulgę i spokój.", ["anticipation", "calm", "relieved"]),
        ("Byłam dumna z siebie, dziękuję za wszystko", ["grateful", "proud"]),
    ],
)
def test_detects_emotions_in_both_languages(text, expected):
    assert sorted(emotions_detect(text)) == sorted(expected)


def test_negated_mentions_do_not_count():
    assert "joy" not in emotions_detect("I am not happy at all.")
    assert "anger" not in emotions_detect("Nie jestem zła.")


def test_whole_word_stems_do_not_match_inside_other_words():
    assert emotions_detect("The saddle was new.") == []


def test_most_frequent_first_and_limited():
    text = "tired tired tired anxious happy lonely bored proud calm"
    result = emotions_detect(text, limit=3)
    assert result[0] == "tired" and len(result) == 3


def test_counts_each_mention():
    assert emotion_counts("Happy, happier, happiest.")["joy"] == 3


def test_every_lexicon_code_is_in_the_vocabulary():
    assert set(LEXICON) <= EMOTION_CODES


def test_phrases_need_their_words_in_order_with_one_space():
    assert emotions_detect("I can't wait for Sunday.") == ["anticipation"]
    assert emotions_detect("Nie mogę się doczekać!") == ["anticipation"]
    assert emotions_detect("can't, wait") == []


def test_a_whole_word_stem_may_take_an_apostrophe():
    assert emotions_detect("The sad's gone.") == ["sadness"]


def test_a_hundred_thousand_characters_are_read_whole():
    # How fast this is read is measured in bench/bench_lexicon.py, not here.
    words = [stem.rstrip("$") for stems in LEXICON.values() for stem in stems] + ["not", "nie", "and", "the"]
    text = " ".join(words[i * 7 % len(words)] for i in range(20_000))[:100_000]
    counts = emotion_counts(text)
    assert sum(counts.values()) > 5_000


def test_only_the_first_part_of_a_longer_text_is_read():
    text = "calm " * (ANALYSED_MAX_CHARS // 5) + "happy " * 100_000
    assert emotion_counts(text) == {"calm": ANALYSED_MAX_CHARS // 5}
