from django.urls import path

from diary import views

app_name = "diary"
urlpatterns = [
    path("diary/", views.entry_list, name="list"),
    path("diary/new/", views.entry_new, name="new"),
    path("diary/checkin/", views.entry_checkin, name="checkin"),
    path("diary/preview/", views.entry_preview, name="preview"),
    path("diary/templates/", views.template_list, name="templates"),
    path("diary/tags/", views.tag_list, name="tags"),
    path("diary/templates/<int:template_id>/edit/", views.template_edit, name="template_edit"),
    path("diary/templates/<int:template_id>/delete/", views.template_delete, name="template_delete"),
    path("diary/calendar/", views.entry_calendar, name="calendar"),
    path("diary/<int:entry_id>/", views.entry_detail, name="detail"),
    path("diary/<int:entry_id>/edit/", views.entry_edit, name="edit"),
    path("diary/<int:entry_id>/delete/", views.entry_delete, name="delete"),
]
