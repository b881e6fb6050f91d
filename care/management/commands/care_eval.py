"""Recall and false alarms of the care detector on the corpus, per language (docs/care.md)."""

from django.core.management.base import BaseCommand

from care.evaluation import FALSE_ALARMS_MAX, LANGUAGES, RECALL_MIN, corpus, evaluate


class Command(BaseCommand):
    help = "Print the care detector's recall and false-alarm rate on its corpus, per language."

    def add_arguments(self, parser):
        parser.add_argument("--show", action="store_true", help="list the tuning part's misses and false alarms")

    def handle(self, *args, show: bool = False, **options):
        failed = False
        for language in LANGUAGES:
            sentences = corpus(language)
            for name, part in (("tuning", [s for s in sentences if not s.held_out]),
                               ("held out", [s for s in sentences if s.held_out]),
                               ("all", sentences)):
                figures = evaluate(part)
                self.stdout.write(
                    f"{language} {name:8}  recall {figures.recall:6.1%} ({figures.caught}/{figures.care})"
                    f"  false alarms {figures.false_alarm_rate:5.1%} ({figures.alarms}/{figures.quiet})"
                )
                if name == "tuning":
                    failed |= figures.recall < RECALL_MIN or figures.false_alarm_rate > FALSE_ALARMS_MAX
                if name == "all":
                    for kind, total in sorted(figures.care_by_kind.items()):
                        missed = figures.missed_by_kind[kind]
                        self.stdout.write(f"   {kind:9} {total - missed}/{total}")
                if show and name == "tuning":
                    for text in figures.misses:
                        self.stdout.write(f"   missed: {text}")
                    for text in figures.false_alarms:
                        self.stdout.write(f"   false alarm: {text}")
        if failed:
            self.stderr.write(
                f"The tuning part is below the floor: recall {RECALL_MIN:.0%}, false alarms {FALSE_ALARMS_MAX:.0%}."
            )
            raise SystemExit(1)
