"""The care corpus and the detector's figures on it (docs/care.md).

care/corpus/<language>.txt holds sentences that must bring help ("## care
<family>") and sentences that must not ("## quiet <kind>"). A fifth of them,
chosen by a hash of the sentence (so adding a sentence never moves another),
is held out: the model is never trained on it, and its figures are reported
apart.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from care.detector import crisis_detect

CORPUS = Path(__file__).resolve().parent / "corpus"
LANGUAGES = ("en", "pl")
# The floor the whole corpus must keep, per language (docs/care.md).
RECALL_MIN = 0.97
FALSE_ALARMS_MAX = 0.03


@dataclass(frozen=True)
class Sentence:
    text: str
    label: str  # "care" or "quiet"
    kind: str  # the family of a care sentence, the kind of a quiet one
    held_out: bool


def is_held_out(text: str) -> bool:
    return hashlib.sha256(text.encode()).digest()[0] % 5 == 0


def sentences_read(path: Path) -> list[Sentence]:
    """The sentences of one corpus file, labelled by the section each stands in."""
    sentences = []
    label = kind = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("# "):
            continue
        if line.startswith("## "):
            label, kind = line[3:].split()
            continue
        sentences.append(Sentence(text=line, label=label, kind=kind, held_out=is_held_out(line)))
    return sentences


def corpus(language: str) -> list[Sentence]:
    """The language's corpus: <language>.txt, written with the patterns, and <language>-*.txt, more voices."""
    paths = [CORPUS / f"{language}.txt", *sorted(CORPUS.glob(f"{language}-*.txt"))]
    return [sentence for path in paths for sentence in sentences_read(path)]


@dataclass
class Figures:
    care: int = 0
    caught: int = 0
    quiet: int = 0
    alarms: int = 0
    missed_by_kind: Counter = field(default_factory=Counter)
    care_by_kind: Counter = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.caught / self.care if self.care else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return self.alarms / self.quiet if self.quiet else 0.0


def evaluate(sentences: list[Sentence]) -> Figures:
    figures = Figures()
    for sentence in sentences:
        found = crisis_detect(sentence.text)
        if sentence.label == "care":
            figures.care += 1
            figures.care_by_kind[sentence.kind] += 1
            if found:
                figures.caught += 1
            else:
                figures.missed_by_kind[sentence.kind] += 1
                figures.misses.append(sentence.text)
        else:
            figures.quiet += 1
            if found:
                figures.alarms += 1
                figures.false_alarms.append(sentence.text)
    return figures
