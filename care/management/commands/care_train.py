"""Learn the care model's weights from the corpus's tuning part into care/model.json (docs/care.md)."""

import json

from django.core.management.base import BaseCommand, CommandError

from care.model import MODEL_PATH


def model_write(data: dict) -> None:
    MODEL_PATH.write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")


class Command(BaseCommand):
    help = "Learn care/model.json from the care corpus (needs the development requirements)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="fail if care/model.json is not what the corpus teaches"
        )

    def handle(self, *args, check: bool = False, **options):
        from care.training import model_differs, train

        data = train()
        if check:
            shipped = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
            if difference := model_differs(shipped, data):
                raise CommandError(f"care/model.json is out of date ({difference}): run manage.py care_train.")
            self.stdout.write("care/model.json is what the corpus teaches.")
            return
        model_write(data)
        self.stdout.write(
            f"Learnt {len(data['weights'])} weights from {data['sentences']} sentences;"
            f" threshold {data['threshold']}."
        )
