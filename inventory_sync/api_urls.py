"""Mounted at /api/pos/."""

from django.urls import path

from . import api

app_name = "pos-api"
urlpatterns = [path("stock/", api.PushStockView.as_view(), name="push-stock")]
