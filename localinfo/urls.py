"""Local information pages, feeds, open data, the widget, the API docs and the search-engine
files; mounted at the site's root (marketplace/urls.py)."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from drf_spectacular.views import SpectacularSwaggerSplitView

from . import feeds, management_views, open_data, seo, shop_views, views, widget

app_name = "localinfo"
urlpatterns = [
    path("whats-on/", views.WhatsOnView.as_view(), name="whats-on"),
    path("local/events.ics", feeds.events_calendar, name="events-ics"),
    path("local/events/<slug:category>.ics", feeds.events_calendar, name="events-ics-category"),
    path("local/events/<slug:slug>/", views.EventDetailView.as_view(), name="event"),
    path("local/news.atom", feeds.NewsFeed(), name="news-atom"),
    path("local/news/<slug:category>.atom", feeds.NewsFeed(), name="news-atom-category"),
    path("local/news/<slug:slug>/", views.NewsDetailView.as_view(), name="news-item"),
    path("local/widget/", widget.WidgetView.as_view(), name="widget"),
    path("local/open-data/", open_data.OpenDataView.as_view(), name="open-data"),
    path(
        "local/open-data/<slug:dataset>.<slug:format>",
        open_data.download,
        name="open-data-download",
    ),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": seo.SITEMAPS, "sitemap_url_name": "localinfo:sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": seo.SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", seo.robots_txt, name="robots"),
    path("shop/local/", shop_views.ShopItemsView.as_view(), name="shop-items"),
    path(
        "shop/local/<slug:kind>/new/", shop_views.ShopItemFormView.as_view(), name="shop-item-new"
    ),
    path(
        "shop/local/<slug:kind>/<int:pk>/", shop_views.ShopItemFormView.as_view(), name="shop-item"
    ),
    path("management/local/", management_views.ReviewListView.as_view(), name="management-review"),
    path(
        "management/local/<slug:kind>/<int:pk>/<slug:action>/",
        management_views.ReviewActionView.as_view(),
        name="management-review-action",
    ),
    path(
        "management/local/report/",
        management_views.ChannelReportView.as_view(),
        name="management-report",
    ),
]
