"""All of "my town" under one include: the consumer's pages (/my-town/), the shop's news
(/shop/news/) and management's moderation (/management/reviews/)."""

from django.urls import path

from . import management_views, shop_views, views

app_name = "community"
urlpatterns = [
    path("my-town/", views.MyTownView.as_view(), name="my-town"),
    path("my-town/news/", views.NewsPreferenceView.as_view(), name="news-preference"),
    path(
        "my-town/news/unsubscribe/<str:token>/",
        views.UnsubscribeView.as_view(),
        name="unsubscribe",
    ),
    path("my-town/favourites/<int:shop_id>/", views.FavouriteView.as_view(), name="favourite"),
    path("my-town/alerts/product/<int:product_id>/", views.AlertView.as_view(), name="alert"),
    path(
        "my-town/alerts/<int:alert_id>/cancel/",
        views.AlertCancelView.as_view(),
        name="alert-cancel",
    ),
    path("my-town/reviews/shop/<slug:slug>/", views.ReviewView.as_view(), name="review-shop"),
    path(
        "my-town/reviews/product/<int:product_id>/",
        views.ReviewView.as_view(),
        name="review-product",
    ),
    path("shop/news/", shop_views.NewsListView.as_view(), name="shop-news"),
    path("shop/news/new/", shop_views.NewsCreateView.as_view(), name="shop-news-new"),
    path("shop/news/<int:pk>/", shop_views.NewsEditView.as_view(), name="shop-news-edit"),
    path(
        "management/reviews/",
        management_views.ReviewQueueView.as_view(),
        name="management-reviews",
    ),
    path(
        "management/reviews/<int:pk>/",
        management_views.ReviewModerateView.as_view(),
        name="management-review",
    ),
]
