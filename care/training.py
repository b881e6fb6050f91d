"""Learning care/model.json from the corpus (docs/care.md); needs scikit-learn, a development dependency.

Only the tuning part of the corpus teaches the model: the held-out fifth is
never seen. Each line teaches as a whole, and each sentence of a safe line as
safe. The threshold is chosen on scores the model gives lines it was not
trained on (five folds of the tuning part), each scored as the reader scores
a text, as the lowest that keeps those false alarms at most
THRESHOLD_FALSE_ALARMS, averaged over the kinds of safe line: so it holds on
new text and not only on the lines the weights were fitted to.
"""

from __future__ import annotations

import math

from care.detector import pattern_matches, tokens_of
from care.evaluation import LANGUAGES, Sentence, corpus
from care.model import features, score, windows

# Regularisation strength (scikit-learn's C) and the out-of-fold false-alarm rate the threshold allows.
STRENGTH = 16.0
THRESHOLD_FALSE_ALARMS = 0.12
FOLDS = 5
# Weights this small change no score by a thousandth: left out of the file.
WEIGHT_MIN = 0.002


def _read(sentences: list[Sentence]) -> list[tuple[set[str], list[set[str]]]]:
    """Each line's features read whole, and those of its parts as the reader reads a text."""
    read = []
    for sentence in sentences:
        tokens = tokens_of(sentence.text)
        matches = pattern_matches(tokens)
        read.append((features(tokens, {match.family for match in matches}), list(windows(tokens, matches))))
    return read


def _rows(found_sets: list[set[str]]) -> list[dict[str, float]]:
    return [dict.fromkeys(found, 1 / math.sqrt(len(found)) if found else 0.0) for found in found_sets]


def _with_quiet_runs(read, labels: list[int]) -> tuple[list[set[str]], list[int]]:
    """Every line read whole, and each sentence of a safe line as safe too: a safe line's parts are safe
    (a sign's parts need not be signs, so those stay whole)."""
    found_sets, all_labels = [], []
    for (whole, runs), label in zip(read, labels, strict=True):
        found_sets.append(whole)
        all_labels.append(label)
        if label == 0:
            extra = [run for run in runs if run != whole]
            found_sets += extra
            all_labels += [0] * len(extra)
    return found_sets, all_labels


def _fit(rows, labels):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(rows)
    names = vectorizer.get_feature_names_out()
    model = LogisticRegression(
        C=STRENGTH, class_weight="balanced", solver="liblinear", max_iter=1000, random_state=0
    )
    model.fit(matrix, labels)
    weights = dict(zip(names, (float(w) for w in model.coef_[0]), strict=True))
    return weights, float(model.intercept_[0])


def tuning_sentences() -> list[Sentence]:
    return [s for language in LANGUAGES for s in corpus(language) if not s.held_out]


def threshold_choose(sentences: list[Sentence], read, labels: list[int]) -> float:
    """The lowest threshold whose out-of-fold false alarms, averaged over the quiet kinds (ordinary days,
    hard days, figures of speech, near misses) so that no kind's share of the corpus sways it, stay within
    THRESHOLD_FALSE_ALARMS. A line is scored as the reader scores a text: its best run of sentences."""
    from sklearn.model_selection import StratifiedKFold

    rows = _rows([whole for whole, _ in read])
    quiet_scores: dict[str, list[float]] = {}
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)
    for train, test in folds.split(rows, labels):
        found_sets, fold_labels = _with_quiet_runs([read[i] for i in train], [labels[i] for i in train])
        weights, bias = _fit(_rows(found_sets), fold_labels)
        for i in test:
            if labels[i] == 0:
                best = max((score(found, weights, bias) for found in read[i][1]), default=-math.inf)
                quiet_scores.setdefault(sentences[i].kind, []).append(best)

    if not quiet_scores:
        raise ValueError("the corpus's tuning part has no safe lines to set the threshold on")

    def false_alarms(threshold: float) -> float:
        return sum(sum(s > threshold for s in scores) / len(scores) for scores in quiet_scores.values()) / len(
            quiet_scores
        )

    candidates = sorted({s for scores in quiet_scores.values() for s in scores})
    return next(t for t in candidates if false_alarms(t) <= THRESHOLD_FALSE_ALARMS)


def train(sentences: list[Sentence] | None = None) -> dict:
    """The model file's content: weights by feature, bias and threshold."""
    sentences = tuning_sentences() if sentences is None else sentences
    read = _read(sentences)
    labels = [1 if sentence.label == "care" else 0 for sentence in sentences]
    threshold = threshold_choose(sentences, read, labels)
    found_sets, all_labels = _with_quiet_runs(read, labels)
    weights, bias = _fit(_rows(found_sets), all_labels)
    return {
        "weights": {name: round(w, 4) for name, w in sorted(weights.items()) if abs(w) >= WEIGHT_MIN},
        "bias": round(bias, 4),
        "threshold": round(threshold, 4),
        "sentences": len(sentences),
    }


def model_differs(shipped: dict, learnt: dict, *, tolerance: float = 0.002) -> str:
    """What differs between two model files beyond rounding; empty when they are the same model."""
    if shipped["sentences"] != learnt["sentences"]:
        return f"{shipped['sentences']} sentences, the corpus has {learnt['sentences']}"
    for name in ("bias", "threshold"):
        if abs(shipped[name] - learnt[name]) > tolerance:
            return f"{name} {shipped[name]}, the corpus teaches {learnt[name]}"
    features = shipped["weights"].keys() | learnt["weights"].keys()
    moved = [f for f in features
             if abs(shipped["weights"].get(f, 0.0) - learnt["weights"].get(f, 0.0)) > tolerance]
    return f"{len(moved)} weights differ" if moved else ""
