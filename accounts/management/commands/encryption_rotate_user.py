from django.core.management.base import BaseCommand, CommandError

from accounts.keys import data_key_rotate
from accounts.models import User


class Command(BaseCommand):
    help = (
        "Give one user a new data key and seal their text again with it in the background "
        "(accounts.data_key_reseal); the old key is deleted once nothing needs it. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        version = data_key_rotate(user_id=user.pk)
        self.stdout.write(f"{username}: data key {version} seals from now on; the older ones are sealed again")
