from django.urls import path

from diary import api_insights

urlpatterns = [
    path("stats/", api_insights.StatsApi.as_view(), name="insights-api-stats"),
    path("export/", api_insights.ExportApi.as_view(), name="insights-api-export"),
    path("export/markdown/", api_insights.ExportMarkdownApi.as_view(), name="insights-api-export-markdown"),
    path("export/csv/", api_insights.ExportCsvApi.as_view(), name="insights-api-export-csv"),
    path("import/", api_insights.ImportApi.as_view(), name="insights-api-import"),
    path("import/<int:job_id>/", api_insights.ImportStatusApi.as_view(), name="insights-api-import-status"),
]
