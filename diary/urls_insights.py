from django.urls import path

from diary import views_insights

app_name = "insights"
urlpatterns = [
    path("insights/", views_insights.insights, name="index"),
]
