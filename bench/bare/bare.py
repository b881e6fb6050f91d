"""The benchmark's baseline: a minimal Django project in one file.

No installed apps, no database, only SecurityMiddleware and CommonMiddleware,
one view that answers "hello". bench/throughput.py serves it with gunicorn, with the
journal's workers and threads, and divides the journal's throughput by its.

    gunicorn -c gunicorn.conf.py --chdir bench/bare bare:application
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-baseline-not-secret",  # noqa: S106 - serves only "hello" on loopback
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[],
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
    ],
    USE_I18N=False,
)


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [path("", hello)]

application = get_wsgi_application()
