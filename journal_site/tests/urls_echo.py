"""A URLconf for middleware tests: views that read the body the two ways the apps do."""

from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from journal_site.urls import urlpatterns as site_urlpatterns


@csrf_exempt
def form_echo(request):
    return JsonResponse({"fields": {key: request.POST[key] for key in request.POST}})


class JsonEcho(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def post(self, request):
        return Response({"size": len(request.data.get("text", "")), "keys": sorted(request.data)})


class WhoAmI(APIView):
    def get(self, request):
        return Response({"id": request.user.pk})


def sized(request, size):
    return HttpResponse(b"a" * size, content_type="text/plain")


def small_page(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("echo/form/", form_echo),
    path("api/v1/echo/", JsonEcho.as_view()),
    path("api/v1/import/", JsonEcho.as_view()),
    path("api/v1/whoami/", WhoAmI.as_view()),
    path("sized/<int:size>/", sized),
    path("small/", small_page),
    path("api/v1/small/", small_page),
    path("", include(site_urlpatterns)),
]
