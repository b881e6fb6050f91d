"""No key to an account reaches a log: every route that carries one is logged as its route."""

import re

from django.conf import settings

from journal_site.access_log import SECRET_PARTS, SECRET_ROUTES, loggable_path, routes


def test_every_route_with_a_secret_in_its_path_is_logged_as_its_route():
    """A new route with a <token> (or <uidb64>, <key>, <signature>) part must be listed in SECRET_ROUTES."""
    for name, route in routes():
        parts = {match.split(":")[-1] for match in re.findall(r"<([^>]+)>", route)}
        if parts & SECRET_PARTS:
            assert name in SECRET_ROUTES, f"{name} ({route}) carries a secret but would be logged as its path"
            sample = "/" + re.sub(r"<[^>]+>", "s3cr3t-value", route)
            assert "s3cr3t-value" not in loggable_path(sample)


def test_every_listed_secret_route_exists():
    assert {name for name, _route in routes()} >= SECRET_ROUTES


def test_gunicorn_and_djangos_log_both_redact():
    from pathlib import Path

    conf = (Path(settings.BASE_DIR) / "gunicorn.conf.py").read_text()
    assert 'logger_class = "journal_site.access_log.RouteAccessLogger"' in conf
    for handler in settings.LOGGING["handlers"].values():
        assert "secret_paths" in handler.get("filters", []), handler
