from django.urls import path

from . import management_views

app_name = "route-management"

urlpatterns = [
    path("", management_views.RoutesView.as_view(), name="routes"),
    path("plan/", management_views.PlanNowView.as_view(), name="plan"),
    path("hub/", management_views.HubView.as_view(), name="hub"),
]
