from django.urls import path

from portability import api

urlpatterns = [
    path("export/", api.ExportApi.as_view(), name="api-export"),
    path("export/markdown/", api.ExportMarkdownApi.as_view(), name="api-export-markdown"),
    path("export/csv/", api.ExportCsvApi.as_view(), name="api-export-csv"),
    path("import/", api.ImportApi.as_view(), name="api-import"),
    path("import/<int:job_id>/", api.ImportStatusApi.as_view(), name="api-import-status"),
]
