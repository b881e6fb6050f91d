from django.urls import path

from portability import views

app_name = "portability"
urlpatterns = [
    path("settings/export/<str:fmt>/", views.export, name="export"),
    path("settings/import/", views.import_page, name="import"),
    path("settings/import/<int:job_id>/", views.import_progress, name="import-progress"),
]
