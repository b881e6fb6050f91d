"""Logs name the route of a URL that carries a secret, never its path.

A password-reset link and an email-change undo link are keys to an account
(docs/account-security.md): whoever reads them in a log could replay them.
gunicorn's access log (gunicorn.conf.py sets `logger_class`) and Django's
request log (a filter in settings.LOGGING) both write such a path as its
route, `/accounts/password/reset/<uidb64>/<token>/`; every other path as it is.
"""

import functools
import logging

from gunicorn.glogging import Logger

# URL names whose path holds a secret. tests/security checks that every route
# with a part named like one of SECRET_PARTS is listed here.
SECRET_ROUTES = frozenset(
    {
        "accounts:password_reset_confirm",
        "accounts:email_change_undo",
        "accounts:email_change_confirm",
        "accounts:signup_invite",
    }
)
SECRET_PARTS = frozenset({"token", "uidb64", "key", "signature"})


def _walk(patterns, prefix: str = "", namespace: str = ""):
    from django.urls import URLPattern, URLResolver

    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}", route


def routes() -> list[tuple[str, str]]:
    """Every named route of the site: (view name, route)."""
    from django.urls import get_resolver

    return list(_walk(get_resolver().url_patterns))


@functools.cache
def _secret_prefixes() -> tuple[str, ...]:
    """The fixed beginnings of the secret routes: only a path starting so is resolved."""
    return tuple("/" + route.split("<", 1)[0] for name, route in routes() if name in SECRET_ROUTES)


def loggable_path(path: str) -> str:
    """The path as a log may show it: the route when the path carries a secret."""
    try:
        prefixes = _secret_prefixes()
    except Exception:  # Django is not set up (gunicorn's master): keep nothing that could be secret
        return "-"
    if not path.startswith(prefixes):
        return path
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path)
    except Resolver404:
        return path
    return "/" + match.route if match.view_name in SECRET_ROUTES else path


class RouteAccessLogger(Logger):
    """gunicorn's logger, with the path (`%(U)s`, and `%(r)s` without its query) made loggable.

    With JSON logs (gunicorn.conf.py sets `logconfig_dict`), each request is one JSON line whose fields
    are the request's: remote, method, path, status, bytes, duration_ms.
    """

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = loggable_path(environ.get("PATH_INFO") or "")
        atoms["U"] = path
        atoms["r"] = f"{environ.get('REQUEST_METHOD')} {path} {environ.get('SERVER_PROTOCOL')}"
        return atoms

    def access(self, resp, req, environ, request_time):
        if not self.cfg.accesslog:  # GUNICORN_ACCESS_LOG=0, even with a logging configuration
            return
        if not self.cfg.logconfig_dict:
            super().access(resp, req, environ, request_time)
            return
        atoms = self.atoms(resp, req, environ, request_time)
        fields = {
            "remote": atoms["h"],
            "method": atoms["m"],
            "path": atoms["U"],
            "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
            "bytes": int(atoms["b"]) if str(atoms["b"]).isdigit() else 0,
            "duration_ms": int(atoms["M"]),
        }
        try:
            self.access_log.info("%s %s %s", fields["method"], fields["path"], fields["status"], extra=fields)
        except Exception as exc:
            self.error("access log failed: %s", type(exc).__name__)


class _LoggedRequest:
    """A request as a log record shows it: its route in place of a secret path, everything else as it is."""

    def __init__(self, request, route: str) -> None:
        self._request, self._route = request, route

    def __getattr__(self, name: str):
        return getattr(self._request, name)

    def __repr__(self) -> str:
        return f"<{type(self._request).__name__}: {getattr(self._request, 'method', '')} {self._route!r}>"

    __str__ = __repr__


class SecretPathFilter(logging.Filter):
    """For Django's request log ("Bad Request: /path"): a secret path is written as its route, in the
    message and in the record's `request` (which a JSON log writes as its repr)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if not path or isinstance(request, _LoggedRequest):
            return True
        safe = loggable_path(path)
        if safe != path:
            if isinstance(record.args, tuple) and path in record.args:
                record.args = tuple(safe if arg == path else arg for arg in record.args)
            record.request = _LoggedRequest(request, safe)
        return True
