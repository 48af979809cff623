from django.urls import path

from . import management_views, shop_views, views

app_name = "giftcards"
urlpatterns = [
    path("giftcard/", views.BuyView.as_view(), name="buy"),
    path("giftcard/balance/", views.BalanceView.as_view(), name="balance"),
    path("giftcard/pay/<str:token>/", views.TestPaymentView.as_view(), name="test-payment"),
    path("giftcard/bought/<str:token>/", views.BoughtView.as_view(), name="bought"),
    path("giftcard/bought/<str:token>/card.pdf", views.BoughtPdfView.as_view(), name="bought-pdf"),
    path("shop/giftcards/", shop_views.CounterView.as_view(), name="counter"),
    path(
        "shop/giftcards/<int:pk>/card.pdf",
        shop_views.CounterCardPdfView.as_view(),
        name="counter-pdf",
    ),
    path("management/giftcards/", management_views.OverviewView.as_view(), name="management"),
    path(
        "management/giftcards/setup/", management_views.SetupView.as_view(), name="management-setup"
    ),
    path(
        "management/giftcards/print/",
        management_views.PrintRunView.as_view(),
        name="management-print",
    ),
    path(
        "management/giftcards/print/<str:batch>.csv",
        management_views.PrintRunCsvView.as_view(),
        name="management-print-csv",
    ),
    path(
        "management/giftcards/refund/",
        management_views.RefundView.as_view(),
        name="management-refund",
    ),
]
