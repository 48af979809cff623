"""A crawler follows every same-site link from the home page of the demo city, in Dutch and
in English, and gets no 4xx or 5xx anywhere (the test client re-raises any exception, so a
stack trace would fail the test too). Only GET: forms (add to basket, language, log out)
are not links and are not followed.
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_city")]

PAGES_PER_LANGUAGE = 250
# Not pages: files, and the admin (its own login, out of the storefront).
NOT_PAGES = ("/static/", "/media/", "/admin/")
# Pagination repeats the same template: a few pages of each list are enough.
MAX_PAGE_NUMBER = 3


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.found.append(href)


def same_site_links(base: str, body: str) -> list[str]:
    parser = Links()
    parser.feed(body)
    links = []
    for href in parser.found:
        url = urldefrag(urljoin(base, href)).url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "") and parts.netloc in ("", "127.0.0.1"):
            links.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


def worth_following(url: str) -> bool:
    if url.startswith(NOT_PAGES) or not url.startswith("/"):
        return False
    query = urlsplit(url).query
    for pair in query.split("&"):
        if pair.startswith("page=") and pair[5:].isdigit() and int(pair[5:]) > MAX_PAGE_NUMBER:
            return False
    return True


def crawl(language: str) -> dict[str, int]:
    """Breadth first from "/": {url: status} of every page visited."""
    browser = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE=language)
    seen, queue, statuses = {"/"}, deque(["/"]), {}
    while queue and len(statuses) < PAGES_PER_LANGUAGE:
        url = queue.popleft()
        response = browser.get(url)
        statuses[url] = response.status_code
        if response.status_code in (301, 302):
            targets = [response["Location"]]
        elif "text/html" in response.get("Content-Type", ""):
            targets = same_site_links(url, response.content.decode())
        else:
            targets = []
        for target in targets:
            target = urldefrag(urljoin(url, target)).url.replace("http://127.0.0.1", "")
            if target not in seen and worth_following(target):
                seen.add(target)
                queue.append(target)
    return statuses


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_link_from_the_home_page_works(language):
    statuses = crawl(language)
    broken = {url: status for url, status in statuses.items() if status >= 400}
    assert broken == {}
    visited = set(statuses)
    assert len(visited) >= 100, "the crawl reached the catalogue, shops and products"
    assert any(url.startswith("/shops/") and url.count("/") == 3 for url in visited)
    assert any(url.startswith("/catalogue/category/") for url in visited)
    assert any(url.startswith("/catalogue/") and "_" in url for url in visited), "products"
    assert {"/basket/", "/search/?pickup_today=1", "/shops/"} <= visited
