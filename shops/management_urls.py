"""Centre management's shop review, included at management/shops/ (namespace shop-management)."""

from django.urls import path

from . import management_views as views

app_name = "shop-management"
urlpatterns = [
    path("", views.ShopReviewListView.as_view(), name="list"),
    path("<int:pk>/", views.ShopReviewDetailView.as_view(), name="detail"),
    path("<int:pk>/<slug:action>/", views.ShopActionView.as_view(), name="action"),
]
