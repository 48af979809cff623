from django.urls import path

from . import courier_views

app_name = "courier"

urlpatterns = [
    path("", courier_views.CourierRouteView.as_view(), name="route"),
    path(
        "stops/<int:pk>/<str:action>/",
        courier_views.StopActionView.as_view(),
        name="stop-action",
    ),
]
