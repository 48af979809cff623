"""E-mails of "my town": a product back in stock, a favourite shop's news. Dutch first, then
English, like the order e-mails. Shop and consumer text is escaped in the HTML part; the
text part is plain text (nothing in it is markup) and the subject is one line."""

from django.conf import settings
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from marketplace.mail import send_templated

from .alerts import offers_for_sale
from .models import NewsPost
from .unsubscribe import unsubscribe_url

ProductAlert = get_model("customer", "ProductAlert")


def one_line(text: str) -> str:
    return " ".join(text.split())


def send_back_in_stock(alert_id: int) -> None:
    alert = ProductAlert.objects.select_related("product", "user").get(pk=alert_id)
    shops = list(
        offers_for_sale()
        .filter(product_id=alert.product_id)
        .order_by("partner__name")
        .values_list("partner__name", flat=True)
    )
    send_templated(
        to=alert.user.email,
        template="community/emails/back_in_stock",
        context={
            "title": one_line(alert.product.get_title()),
            "shops": shops,
            "product_url": f"{settings.SITE_URL}{alert.product.get_absolute_url()}",
        },
    )


def send_news(post_id: int, user_id: int) -> None:
    post = NewsPost.objects.select_related("shop__partner").get(pk=post_id)
    user = get_user_model().objects.get(pk=user_id)
    unsubscribe = unsubscribe_url(user.pk)
    send_templated(
        to=user.email,
        template="community/emails/news",
        context={
            "post": post,
            "title": one_line(post.title),
            "shop_name": one_line(post.shop.partner.name),
            "shop_url": f"{settings.SITE_URL}{post.shop.get_absolute_url()}",
            "unsubscribe_url": unsubscribe,
        },
        # RFC 8058: the mail program's own "unsubscribe" button posts to the same link.
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
