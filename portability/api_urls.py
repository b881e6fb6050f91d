from django.urls import path

from portability import api

# The names keep their "insights-" prefix: a route's name is the `endpoint` label of the
# request metrics, which dashboards and alerts filter on (docs/metrics.md).
urlpatterns = [
    path("export/", api.ExportApi.as_view(), name="insights-api-export"),
    path("export/markdown/", api.ExportMarkdownApi.as_view(), name="insights-api-export-markdown"),
    path("export/csv/", api.ExportCsvApi.as_view(), name="insights-api-export-csv"),
    path("import/", api.ImportApi.as_view(), name="insights-api-import"),
    path("import/<int:job_id>/", api.ImportStatusApi.as_view(), name="insights-api-import-status"),
]
