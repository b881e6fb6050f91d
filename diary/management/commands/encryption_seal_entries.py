from django.core.management.base import BaseCommand

from diary.sealing import entries_seal, entries_unsealed


class Command(BaseCommand):
    help = (
        "Seal and index, in place, the entries written before sealing began, newest first (the job "
        "diary.entries_seal does the same in the background). Safe to stop and run again."
    )

    def handle(self, *args, **options):
        waiting = entries_unsealed()
        self.stdout.write(f"{waiting} entries to seal")
        done = 0
        while True:
            result = entries_seal()
            if result["busy"]:
                self.stdout.write("another run is sealing entries now; try again when it is done")
                return
            done += result["sealed"]
            self.stdout.write(f"sealed {done} of {waiting}")
            if not result["more"]:
                break
        self.stdout.write("every entry is sealed")
