"""Small helpers shared by the middleware modules."""

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse


def wants_json(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def route_path(name: str, args: list | None = None) -> str:
    """The request path (path_info: without any script prefix) of the named route.

    Middleware call this on their first request, not at import: the URLconf
    is not loaded then, and once per process is all it costs.
    """
    return "/" + reverse(name, args=args)[len(get_script_prefix()) :]
