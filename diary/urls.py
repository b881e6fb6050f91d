from django.urls import path

from diary import views, views_photos

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
    path("diary/<int:entry_id>/photos/", views_photos.photo_add, name="photo_add"),
    path("diary/photos/<int:attachment_id>/", views_photos.photo_change, name="photo_change"),
    path(
        "diary/photos/<int:attachment_id>/<str:digest>/<str:variant>",
        views_photos.PhotoFileView.as_view(),
        name="photo",
    ),
]
