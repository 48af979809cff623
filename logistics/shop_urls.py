from django.urls import path

from . import shop_views

app_name = "shop"
urlpatterns = [
    path("orders/", shop_views.PartListView.as_view(), name="parts"),
    path("orders/<int:pk>/", shop_views.PartDetailView.as_view(), name="part"),
    path("orders/<int:pk>/<slug:action>/", shop_views.PartActionView.as_view(), name="part-action"),
]
