from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from diary.views import home
from journal_site import health, ops_views
from journal_site.env import env_bool

admin.site.site_header = "Journal"
admin.site.site_title = "Journal admin"

api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("diary.api_urls")),
    path("", include("insights.api_urls")),
    path("", include("conversations.api_urls")),
    path("", include("portability.api_urls")),
    path("", include("overview.api_urls")),
]

urlpatterns = [
    path("", home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", ops_views.metrics, name="metrics"),
    path("", include("overview.urls")),  # the admin's status page, before the admin's own URLs
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # Our template: drf-spectacular's without the inline <style> the CSP refuses.
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="journal_site/swagger_ui.html"),
        name="api-docs",
    ),
    path("", include("accounts.urls")),
    path("", include("diary.urls")),
    path("", include("insights.urls")),
    path("", include("conversations.urls")),
    path("", include("portability.urls")),
]

if env_bool("BENCH", False):
    # The benchmark's bare view: never routed in a normal deployment.
    urlpatterns.append(path("bench/hello", ops_views.hello, name="bench-hello"))

handler400 = "journal_site.views.bad_request"
handler403 = "journal_site.views.permission_denied"
handler404 = "journal_site.views.page_not_found"
handler500 = "journal_site.views.server_error"
