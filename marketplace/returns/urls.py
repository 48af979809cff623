from django.urls import path

from . import views

app_name = "returns"
urlpatterns = [
    path(
        "orders/<str:number>/parts/<int:part_id>/return/",
        views.ReturnView.as_view(),
        name="return",
    ),
]
