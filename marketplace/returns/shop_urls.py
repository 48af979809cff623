from django.urls import path

from . import shop_views

app_name = "shop-returns"
urlpatterns = [
    path("", shop_views.ReturnListView.as_view(), name="list"),
    path("<int:pk>/", shop_views.ReturnDetailView.as_view(), name="detail"),
]
