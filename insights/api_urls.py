from django.urls import path

from insights import api

urlpatterns = [
    path("stats/", api.StatsApi.as_view(), name="insights-api-stats"),
]
