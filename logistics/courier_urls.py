from django.urls import path

from . import courier_views, handover_views, proof_views

app_name = "courier"

urlpatterns = [
    path("", courier_views.CourierRouteView.as_view(), name="route"),
    path("pickup/<str:code>/", handover_views.PickupCodeView.as_view(), name="pickup-code"),
    path(
        "stops/<int:pk>/<str:action>/",
        courier_views.StopActionView.as_view(),
        name="stop-action",
    ),
    path("sw.js", proof_views.ServiceWorkerView.as_view(), name="service-worker"),
    path("manifest.webmanifest", proof_views.manifest, name="manifest"),
    path("proof/<int:pk>/photo/", proof_views.ProofPhotoView.as_view(), name="proof-photo"),
]
