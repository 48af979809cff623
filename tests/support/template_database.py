"""Migrates the template the test databases are copied from, once for all of `make test`'s
passes (PostgreSQL): `python -m tests.support.template_database`. With TEST_FROM_TEMPLATE=1
the test settings create each test database WITH TEMPLATE it, whose migrate then finds
nothing left to apply."""

import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.test")
    os.environ.pop("TEST_FROM_TEMPLATE", None)  # this one is migrated, not copied
    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        print("Not PostgreSQL: each test process migrates its own database.")
        return
    connection.settings_dict["TEST"]["NAME"] = settings.TEST_TEMPLATE_NAME
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    connection.close()
    print(f"Migrated {settings.TEST_TEMPLATE_NAME}, the test databases' template.")


if __name__ == "__main__":
    main()
