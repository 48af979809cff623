"""Mounted at the site's root: the public pages, management's editor, the shop's terms,
the consumer's data and the receipts, each under the area it belongs to."""

from django.urls import path

from . import views

app_name = "legal"
urlpatterns = [
    path("legal/<slug:kind>/", views.LegalPageView.as_view(), name="page"),
    path("management/legal/", views.ManageLegalPagesView.as_view(), name="manage"),
    path("management/legal/<slug:kind>/", views.EditLegalPageView.as_view(), name="edit"),
    path("shop/terms/", views.ShopTermsView.as_view(), name="shop-terms"),
    path("shop/orders/<int:pk>/receipt.pdf", views.ShopReceiptView.as_view(), name="shop-receipt"),
    path("accounts/your-data/", views.PersonalDataView.as_view(), name="personal-data"),
    path(
        "accounts/your-data/download/",
        views.PersonalDataDownloadView.as_view(),
        name="personal-data-download",
    ),
    path(
        "orders/<str:number>/receipts/<int:part_id>.pdf",
        views.ConsumerReceiptView.as_view(),
        name="consumer-receipt",
    ),
]
