from django.urls import path

from diary import api_insights

urlpatterns = [
    path("stats/", api_insights.StatsApi.as_view(), name="insights-api-stats"),
]
