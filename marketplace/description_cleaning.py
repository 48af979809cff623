"""Every product description is cleaned when it is saved, whichever form or code saves it.

The shop area's form and the catalogue services clean a description themselves; Oscar's
dashboard and Django's admin save the model directly. A pre_save receiver catches those too
(issue 15), so no saved description holds a script. `bulk_create` and `update()` send no
signal: code that writes descriptions that way must call `clean_rich_text` itself.
"""

from marketplace.rich_text import clean_rich_text


def clean_product_description(sender, instance, **kwargs) -> None:
    instance.description = clean_rich_text(instance.description)


def connect() -> None:
    from django.db.models.signals import pre_save
    from oscar.core.loading import get_model

    pre_save.connect(
        clean_product_description,
        sender=get_model("catalogue", "Product"),
        dispatch_uid="marketplace-clean-product-description",
    )
