"""One accessor for the user's time zone: their own, UTC when unset or unknown, never an error."""

import pytest

from accounts.models import User
from accounts.timezones import user_zone, zone_named


@pytest.mark.parametrize("name, expected", [("Europe/Warsaw", "Europe/Warsaw"), ("", "UTC"), (None, "UTC"),
                                            ("Mars/Base", "UTC"), ("../etc/passwd", "UTC")])
def test_zone_named_falls_back_to_utc(name, expected):
    assert zone_named(name).key == expected


def test_user_zone_reads_the_users_own_zone():
    assert user_zone(User(timezone="America/New_York")).key == "America/New_York"
    assert user_zone(User(timezone="Nowhere/Gone")).key == "UTC"
