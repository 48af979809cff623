"""The public category tree as plain data, cached: it changes rarely and every page lists it."""

from dataclasses import dataclass

from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import get_language
from oscar.core.loading import get_model

Category = get_model("catalogue", "Category")
CACHE_SECONDS = 300


@dataclass(frozen=True)
class CategoryEntry:
    pk: int
    path: str
    depth: int
    name: str
    url: str

    @property
    def label(self) -> str:
        """Indented under its parent in a select, where no markup is possible."""
        return f"{'– ' * (self.depth - 1)}{self.name}"


def categories_for_storefront() -> list[CategoryEntry]:
    """Public categories in tree order; URLs are per language (Oscar caches slugs so)."""
    key = f"storefront:categories:v1:{get_language()}"
    entries = cache.get(key)
    if entries is None:
        entries = entries_from(
            Category.objects.filter(is_public=True, ancestors_are_public=True)
            .only("pk", "path", "depth", "name", "slug")
            .order_by("path")
        )
        cache.set(key, entries, CACHE_SECONDS)
    return entries


def entries_from(categories) -> list[CategoryEntry]:
    """Entries in tree order; a child's URL reuses its parent's slug (one query in all,
    where Category.get_absolute_url asks the database for every parent)."""
    full_slugs: dict[str, str] = {}
    entries = []
    for category in categories:
        parent = full_slugs.get(category.path[: -Category.steplen])
        full_slug = f"{parent}/{category.slug}" if parent else category.slug
        full_slugs[category.path] = full_slug
        url = reverse("catalogue:category", kwargs={"category_slug": full_slug, "pk": category.pk})
        entries.append(
            CategoryEntry(
                pk=category.pk,
                path=category.path,
                depth=category.depth,
                name=category.name,
                url=url,
            )
        )
    return entries


def top_categories(entries: list[CategoryEntry]) -> list[CategoryEntry]:
    return [entry for entry in entries if entry.depth == 1]
