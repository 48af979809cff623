import oscar.apps.search.apps as apps


class SearchConfig(apps.SearchConfig):
    """Oscar's search URL (/search/, `search:search`) served from the database.

    Oscar's own view reads a Haystack index, which the marketplace does not run; ours searches
    every active shop's products with PostgreSQL full-text search (marketplace.storefront).
    """

    name = "marketplace.oscar_apps.search"

    def ready(self):
        from marketplace.storefront.views import SearchView

        self.search_view = SearchView
