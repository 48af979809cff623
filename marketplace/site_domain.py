"""The django.contrib.sites row follows SITE_URL, so e-mail links name the real host.

Oscar's and Django's e-mails (password reset, order confirmation) build links from the
current Site's domain; left alone it says example.com. `migrate` (the compose stack's
one-shot before web starts) writes SITE_URL's host into it, and a database check says when
the row and the environment disagree.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks


def site_domain() -> str:
    """Host (and port, if any) of SITE_URL."""
    return urlsplit(settings.SITE_URL).netloc


def sync_site(**kwargs) -> None:
    """post_migrate handler: the Site of SITE_ID gets SITE_URL's host and the brand's name."""
    from django.contrib.sites.models import Site

    using = kwargs.get("using", "default")
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": site_domain(), "name": settings.BRAND_NAME},
    )
    Site.objects.clear_cache()


@checks.register(checks.Tags.database)
def check_site_domain(app_configs=None, databases=None, **kwargs):
    """Run by `check --database default` and before `migrate`."""
    if not databases or "default" not in databases:
        return []
    from django.contrib.sites.models import Site
    from django.db import DatabaseError

    try:
        domain = Site.objects.filter(pk=settings.SITE_ID).values_list("domain", flat=True).first()
    except DatabaseError:  # not migrated yet: migrate sets it
        return []
    if domain is not None and domain != site_domain():
        return [
            checks.Warning(
                f"The Site's domain is {domain!r} but SITE_URL names {site_domain()!r}; "
                "e-mail links point at the old host.",
                hint="Run `manage.py migrate`: it writes SITE_URL's host into the Site.",
                id="marketplace.W010",
            )
        ]
    return []
