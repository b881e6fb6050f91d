from django.urls import path

from diary import views

app_name = "diary"
urlpatterns = [
    path("diary/", views.entry_list, name="list"),
    path("diary/new/", views.entry_new, name="new"),
    path("diary/calendar/", views.entry_calendar, name="calendar"),
    path("diary/<int:entry_id>/", views.entry_detail, name="detail"),
    path("diary/<int:entry_id>/edit/", views.entry_edit, name="edit"),
    path("diary/<int:entry_id>/delete/", views.entry_delete, name="delete"),
]
