from django.urls import path

from . import views

app_name = "shops"
urlpatterns = [
    path("", views.ShopListView.as_view(), name="list"),
    path("<slug:slug>/", views.ShopDetailView.as_view(), name="detail"),
]
