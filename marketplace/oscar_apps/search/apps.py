import oscar.apps.search.apps as apps


class SearchConfig(apps.SearchConfig):
    name = "marketplace.oscar_apps.search"
