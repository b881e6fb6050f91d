from django.urls import path

from diary import api

urlpatterns = [
    path("entries/", api.EntryListCreateApi.as_view(), name="api-entries"),
    path("entries/<int:entry_id>/", api.EntryDetailApi.as_view(), name="api-entry"),
    path("emotions/", api.EmotionListApi.as_view(), name="api-emotions"),
    path("tags/", api.UserTagListCreateApi.as_view(), name="api-tags"),
    path("emotions/suggest/", api.EmotionSuggestApi.as_view(), name="api-emotions-suggest"),
]
