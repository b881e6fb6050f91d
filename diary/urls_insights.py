from django.urls import path

from diary import views_insights

app_name = "insights"
urlpatterns = [
    path("insights/", views_insights.insights, name="index"),
    path("settings/export/<str:fmt>/", views_insights.export, name="export"),
    path("settings/import/", views_insights.import_page, name="import"),
    path("settings/import/<int:job_id>/", views_insights.import_progress, name="import-progress"),
]
