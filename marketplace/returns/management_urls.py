from django.urls import path

from . import management_views

app_name = "return-management"
urlpatterns = [
    path("pickups/", management_views.ReturnPickupsView.as_view(), name="pickups"),
]
