"""Mounted at /api/local/."""

from django.urls import path

from . import api

app_name = "local-api"
urlpatterns = [
    path("shops/", api.ShopListView.as_view(), name="shops"),
    path("places/", api.PlaceListView.as_view(), name="places"),
    path("events/", api.EventListView.as_view(), name="events"),
    path("news/", api.NewsListView.as_view(), name="news"),
    path("availability/", api.AvailabilityView.as_view(), name="availability"),
]
