from django.urls import path

from . import views

app_name = "reroute"
urlpatterns = [
    path(
        "orders/<str:number>/refused/<int:chance_id>/move/",
        views.MoveLineView.as_view(),
        name="move",
    ),
    path(
        "orders/<str:number>/refused/<int:chance_id>/refund/",
        views.DeclineView.as_view(),
        name="decline",
    ),
    path(
        "orders/<str:number>/top-ups/<int:top_up_id>/pay/",
        views.PayTopUpView.as_view(),
        name="pay-top-up",
    ),
]
