from django.urls import path

from . import management_views

app_name = "route-management"

urlpatterns = [
    path("", management_views.RoutesView.as_view(), name="routes"),
    path("plan/", management_views.PlanNowView.as_view(), name="plan"),
    path("hub/", management_views.HubView.as_view(), name="hub"),
    path("progress/", management_views.ProgressView.as_view(), name="progress"),
    path("stops/<int:pk>/move/", management_views.MoveStopView.as_view(), name="move-stop"),
    path("<int:pk>/move/", management_views.MoveRouteView.as_view(), name="move-route"),
    path("parts/<int:pk>/rebook/", management_views.RebookView.as_view(), name="rebook"),
]
