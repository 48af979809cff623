from django.urls import path, re_path

from . import views

urlpatterns = [
    path("shop/money/", views.MoneyView.as_view(), name="home"),
    path("shop/money/<int:pk>/", views.SettlementView.as_view(), name="settlement"),
    re_path(
        r"^shop/money/(?P<pk>\d+)/statement\.(?P<kind>pdf|csv)$",
        views.StatementView.as_view(),
        name="statement",
    ),
    path(
        "management/settlements/",
        views.ManagementSettlementsView.as_view(),
        name="management-settlements",
    ),
]
