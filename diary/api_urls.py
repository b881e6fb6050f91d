from django.urls import path

from diary import api, api_photos

urlpatterns = [
    path("entries/", api.EntryListCreateApi.as_view(), name="api-entries"),
    path("entries/<int:entry_id>/", api.EntryDetailApi.as_view(), name="api-entry"),
    path("entries/<int:entry_id>/attachments/", api_photos.AttachmentListCreateApi.as_view(),
         name="api-entry-attachments"),
    path("entries/<int:entry_id>/attachments/order/", api_photos.AttachmentOrderApi.as_view(),
         name="api-entry-attachments-order"),
    path("entries/<int:entry_id>/attachments/<int:attachment_id>/", api_photos.AttachmentDetailApi.as_view(),
         name="api-entry-attachment"),
    path("emotions/", api.EmotionListApi.as_view(), name="api-emotions"),
    path("tags/", api.UserTagListCreateApi.as_view(), name="api-tags"),
    path("emotions/suggest/", api.EmotionSuggestApi.as_view(), name="api-emotions-suggest"),
]
