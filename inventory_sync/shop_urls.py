"""Mounted at /shop/stock/ (before the shop's own area, which has no route here)."""

from django.urls import path

from . import row_views, shop_views, stocktake_views

app_name = "shop-stock"
urlpatterns = [
    path("", shop_views.UploadView.as_view(), name="home"),
    path("uploads/<int:pk>/", shop_views.UploadDetailView.as_view(), name="upload"),
    path("uploads/<int:pk>/apply/", shop_views.ApplyUploadView.as_view(), name="apply"),
    path("uploads/<int:pk>/location/", shop_views.ChooseLocationView.as_view(), name="location"),
    path("uploads/<int:pk>/columns/", shop_views.MapColumnsView.as_view(), name="columns"),
    path("uploads/<int:pk>/status/", shop_views.UploadStatusView.as_view(), name="status"),
    path("log/", shop_views.LogListView.as_view(), name="logs"),
    path("log/<int:pk>/", shop_views.LogDetailView.as_view(), name="log"),
    path("connection/", shop_views.ConnectionView.as_view(), name="connection"),
    path("count/", stocktake_views.StocktakeView.as_view(), name="count"),
    path("count/save/", stocktake_views.SaveCountView.as_view(), name="count-save"),
    path("count/drafts/<int:pk>/", stocktake_views.DraftView.as_view(), name="draft"),
    path(
        "count/drafts/<int:pk>/delete/",
        stocktake_views.DeleteDraftView.as_view(),
        name="draft-delete",
    ),
    path(
        "uploads/<int:pk>/rows/<int:row>/create/",
        row_views.CreateFromUploadRowView.as_view(),
        name="create-from-row",
    ),
    path(
        "connection/items/<int:pk>/create/",
        row_views.CreateFromPosItemView.as_view(),
        name="create-from-item",
    ),
    path(
        "connection/sales/<int:pk>/booked/",
        row_views.BookedByHandView.as_view(),
        name="sale-booked",
    ),
]
