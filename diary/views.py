from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """The landing page for visitors; the dashboard for a signed-in user."""
    return render(request, "diary/landing.html")
