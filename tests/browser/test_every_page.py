"""Issue 18: every page of each role (consumer, shop owner, courier, centre management), in
a real browser at phone width (390 px) and on a laptop (1366 px), each in Dutch and in
English (see LANGUAGES): nothing is wider than the screen, every page has a way to log out,
and every form that edits something, opened and saved unchanged, saves.

The pages are read from the URL configuration: a page added later is opened without editing
this test, and an address this test cannot fill in fails it until it gets a value from the
scene below or a reason in NOT_PAGES. Each role's main pages, in Dutch at both widths, are
kept as screenshots in artifacts/screenshots/<test name>/.
"""

import re
import socket
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.flatpages.models import FlatPage
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from oscar.core.loading import get_model
from oscar.test.factories import ConditionalOfferFactory, VoucherFactory
from playwright.sync_api import Error as PlaywrightError

from inventory_sync.models import SyncKind, SyncLog, SyncOutcome
from inventory_sync.stocktake_models import StockDraft
from legal.models import LegalPageKind
from legal.pages import legal_pages
from localinfo.models import Event, NewsItem, ReviewStatus
from logistics.handover import handover_code
from logistics.models import DeliveryZone, OrderPart, Route
from marketplace.commission.models import Settlement
from marketplace.community.models import NewsPost as CommunityNewsPost
from marketplace.community.unsubscribe import token_for as unsubscribe_token_for
from marketplace.returns.models import ReturnRequest, WithdrawalExclusion
from tests.browser.conftest import FACTORY_PASSWORD, _shots, screenshots_of, shot
from tests.conftest import set_clock
from tests.factories import UserFactory, make_basket, make_offer, make_slot
from tests.inventory_sync.test_feed_apply import upload_of
from tests.logistics.test_dispatch import at, delivery_part, make_courier, make_hub, plan, tomorrow
from tests.reports.conftest import small_town  # noqa: F401  (the fixture)
from tests.shops.test_isolation import url_patterns

pytestmark = pytest.mark.django_db(transaction=True)
Email = get_model("communication", "Email")
Notification = get_model("communication", "Notification")
ProductReview = get_model("reviews", "ProductReview")
UserAddress = get_model("address", "UserAddress")
Country = get_model("address", "Country")
WishList = get_model("wishlists", "WishList")
ConditionalOffer = get_model("offer", "ConditionalOffer")
AttributeOptionGroup = get_model("catalogue", "AttributeOptionGroup")
Option = get_model("catalogue", "Option")
Product = get_model("catalogue", "Product")
ProductAlert = get_model("customer", "ProductAlert")
CommunicationEventType = get_model("communication", "CommunicationEventType")
VoucherSet = get_model("voucher", "VoucherSet")
WeightBased = get_model("shipping", "WeightBased")

WIDTHS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}
# Every page in both languages at both widths. A page is loaded once per language and seen
# at the other width by resizing it (see resize): Dutch loads on a phone and widens, English
# loads on a laptop and narrows, so each width also sees every page as it first lays out.
# Forms are saved at phone width in both languages.
LANGUAGES = {"nl": ["phone", "laptop"], "en": ["laptop", "phone"]}
# Which role a page belongs to, by its address; everything else is the consumer's.
AREAS = {
    "shop": re.compile(r"^(shop/|shops/payouts/|payments/payouts/)"),
    "courier": re.compile(r"^courier/"),
    "management": re.compile(r"^(management/|dashboard/|admin/$)"),
}
# Django's admin is opened from admin.site's registry, not from its addresses: each model's
# list and the change page of its first object. Its other addresses, each with why not.
ADMIN = re.compile(r"^admin/.")
ADMIN_NOT_OPENED = {
    "admin/<app_label>/": "an app's part of the admin's entry page (opened), same template",
    "admin/<url>": "the admin's catch-all: answers unknown addresses with a redirect or 404",
    "add/": "a new object's form: the same form as the change page (opened), empty",
    "delete/": "the confirmation before deleting (Oscar's delete pages are opened)",
    "history/": "a list of the object's changes in the admin's own template",
    "<object_id>/": "redirects to the change page",
    "admin/login/": "for signed-out visitors: a signed-in person is sent on",
    "admin/logout/": "POST only: logs out",
    "admin/autocomplete/": "JSON for the admin's search-as-you-type fields",
    "jsi18n/": "the admin's translations for its scripts",
    "admin/catalogue/category/move/": "POST only: dragging a category in the tree",
    "admin/catalogue/category/children/<parent_id>/": "JSON: a category's children, fetched "
    "by the tree",
}
# Registered models the scene has no object of, so their change page is not opened, with why.
ADMIN_WITHOUT_OBJECT = {
    **dict.fromkeys(
        [
            "analytics.UserSearch",
            "analytics.UserProductView",
            "payment.Source",
            "payment.SourceType",
            "payment.Transaction",
            "payment.Bankcard",
            "order.OrderStatusChange",
            "order.ShippingAddress",
            "order.ShippingEvent",
            "order.ShippingEventType",
            "order.PaymentEvent",
            "order.PaymentEventType",
            "order.LineAttribute",
            "order.OrderDiscount",
            "order.CommunicationEvent",
            "order.BillingAddress",
            "order.Surcharge",
            "voucher.VoucherApplication",
            "basket.LineAttribute",
            "reviews.Vote",
            "wishlists.WishListSharedEmail",
            "shipping.OrderAndItemCharges",
        ],
        "Oscar's records the scene's orders (made by factories, not at a till or checkout) lack",
    ),
    **dict.fromkeys(
        ["catalogue.ProductAttribute", "catalogue.ProductAttributeValue", "catalogue.ProductImage"],
        "the town's products have no attributes or photos",
    ),
    **dict.fromkeys(
        [
            "payments.WebhookEvent",
            "payments.Transfer",
            "payments.TransferReversal",
            "payments.PayoutAccount",
        ],
        "written by Stripe's webhooks and payouts, which the scene does not run",
    ),
    **dict.fromkeys(
        ["inventory_sync.PosConnection", "legal.ShopTerms", "legal.Receipt"],
        "the town's shops have no till connection, own terms or receipts",
    ),
    **dict.fromkeys(["logistics.DeliveryProof"], "no delivery is made in the scene"),
    **dict.fromkeys(
        ["localinfo.Place", "localinfo.Category", "localinfo.ApiPartner", "localinfo.ShopBrand"],
        "local info beside events and news (tested in tests/browser/test_local_info.py)",
    ),
    **dict.fromkeys(
        ["axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"],
        "written by django-axes on failed log-ins; the scene logs in correctly",
    ),
}
# APIs (JSON for cash registers, partners and the schema) and their webhooks: not pages.
API = re.compile(r"^api/")
# Addresses that are not pages, each with why.
NOT_PAGES = {
    "metrics": "Prometheus figures for the monitoring, not for people",
    "i18n/setlang/": "POST only: the language switch on every page",
    "payments/stripe/webhook/": "webhook",
    "payments/payouts/<slug>/": "sends the shop owner on to the payment provider's onboarding",
    "shop/stock/uploads/<pk>/apply/": "POST only: applies a stock file (its button is on the "
    "upload's page)",
    "shop/stock/uploads/<pk>/status/": "JSON progress of an upload, polled by its page",
    "shop/stock/uploads/<pk>/rows/<row>/create/": "POST only: a button on the upload's page",
    "shop/stock/connection/items/<pk>/create/": "POST only: a button on the connection page",
    "shop/stock/connection/sales/<pk>/booked/": "POST only: a button on the connection page",
    "shop/reports/export/<table>.<file_format>": "a CSV/XLSX file",
    "shop/profile/photos/": "POST only: the photo form on the profile page",
    "shop/orders/code/": "POST only: the pickup-code box on the shop's pages",
    "shop/orders/<pk>/<action>/": "POST only: the buttons on an order part's page",
    "shop/handovers/<route_id>/qr.png": "an image",
    "shop/money/<pk>/statement.<kind>": "a PDF/CSV file",
    "shop/giftcards/<pk>/card.pdf": "a PDF file",
    "giftcard/bought/<token>/card.pdf": "a PDF file",
    "management/giftcards/refund/": "POST only: the refund form on the gift card page",
    "management/giftcards/print/": "POST only: the print run form on the gift card page",
    "management/giftcards/print/<batch>.csv": "a CSV file",
    "management/shops/<pk>/<action>/": "POST only: the buttons on a shop's page",
    "management/routes/plan/": "POST only: a button on the routes page",
    "management/routes/progress/": "JSON, polled by the routes page",
    "management/routes/stops/<pk>/move/": "POST only: the routes page's controls",
    "management/routes/<pk>/move/": "POST only: the routes page's controls",
    "management/routes/parts/<pk>/rebook/": "POST only: the routes page's controls",
    "management/reports/export/<table>.<file_format>": "a CSV/XLSX file",
    "courier/stops/<pk>/<action>/": "POST only: the buttons of a stop on the route page",
    "courier/sw.js": "the courier app's service worker",
    "courier/manifest.webmanifest": "the courier app's manifest",
    "courier/proof/<pk>/photo/": "an image",
    "basket/add-offer/<stockrecord_id>/": "POST only: the add-to-basket buttons",
    "basket/add/<pk>/": "POST only: Oscar's add-to-basket buttons",
    "basket/vouchers/add/": "POST only: a form on the basket page",
    "basket/vouchers/<pk>/remove/": "POST only: a button on the basket page",
    "checkout/address/": "JSON address lookup, called by the checkout page",
    "orders/<number>/parts/<part_id>/rebook/": "POST only: a form on the order page",
    "orders/<number>/account/": "POST only: a guest's order page's account form",
    "orders/<number>/refused/<chance_id>/move/": "POST only: a refused line's offer button",
    "orders/<number>/refused/<chance_id>/refund/": "POST only: a refused line's refund button",
    "orders/<number>/top-ups/<top_up_id>/pay/": "the difference of a moved line, on the "
    "offline payment page; no line is refused in the scene (tests/browser/test_reroute.py "
    "opens it at phone width)",
    "accounts/logout/": "logs out",
    "accounts/orders/<order_number>/": "redirects to the marketplace's order page",
    "accounts/orders/<order_number>/<line_id>/": "POST only: Oscar's re-order button",
    "accounts/order-status-form/<order_number>/<hash>/": "guest orders only (the shop has none)",
    "accounts/order-status/<order_number>/<hash>/": "guest orders only (the shop has none)",
    "accounts/addresses/<pk>/<action>/": "POST only: buttons on the address list",
    "accounts/notifications/": "redirects to the inbox",
    "accounts/notifications/update/": "POST only: the inbox's buttons",
    "accounts/alerts/create/<pk>/": "POST only: a product page's button",
    "accounts/alerts/confirm/<key>/": "a link in an e-mail that confirms an alert, then redirects",
    "accounts/alerts/cancel/key/<key>/": "a link in an e-mail that cancels an alert",
    "accounts/alerts/cancel/<pk>/": "POST only: a button on the alerts page",
    "accounts/wishlists/add/<product_pk>/": "adds to a wish list, then redirects",
    "accounts/wishlists/<key>/add/<product_pk>/": "adds to a wish list, then redirects",
    "accounts/wishlists/create/with-product/<product_pk>/": "a product page's wish-list button",
    "accounts/wishlists/<key>/lines/<line_pk>/move-to/<to_key>/": "moves, then redirects",
    "catalogue/<product_slug>_<product_pk>/reviews/<pk>/vote/": "POST only: vote buttons",
    "checkout/.+": "Oscar's checkout steps: redirect to the marketplace's checkout",
    "local/events.ics": "a calendar file",
    "local/events/<category>.ics": "a calendar file",
    "local/news.atom": "a news feed",
    "local/news/<category>.atom": "a news feed",
    "local/open-data/<dataset>.<format>": "a data file",
    "local/widget/": "the widget other sites embed (no menu, nobody signs in there)",
    "management/local/<kind>/<pk>/<action>/": "POST only: the review page's buttons",
    "my-town/news/": "POST only: the news checkbox on my town",
    "my-town/favourites/<shop_id>/": "POST only: the heart on shop pages and my town",
    "my-town/alerts/product/<product_id>/": "POST only: a sold-out product page's button",
    "my-town/alerts/<alert_id>/cancel/": "POST only: a button on my town",
    "management/reviews/<pk>/": "POST only: the moderation page's buttons",
    "sitemap.xml": "for search engines",
    "sitemap-<section>.xml": "for search engines",
    "robots.txt": "for search engines",
    "accounts/login/": "for signed-out visitors: a signed-in person is sent on",
    "accounts/register/": "for signed-out visitors: a signed-in person is sent on",
    "password-reset/done/": "for signed-out visitors resetting their password",
    "password-reset/confirm/<uidb64>/<token>/": "for signed-out visitors resetting their password",
    "password-reset/complete/": "for signed-out visitors resetting their password",
    "accounts/": "redirects to the profile",
    "basket/saved/": "Oscar's saved-for-later list: redirects to the basket, which shows it",
    "shop/stock/uploads/<pk>/location/": "POST only: a choice on the upload's page",
    "shop/stock/uploads/<pk>/columns/": "POST only: a choice on the upload's page",
    "shop/stock/count/save/": "POST only: the count box of the counting page",
    "shop/stock/count/drafts/<pk>/delete/": "POST only: a button on the draft's page",
    "shop/orders/<pk>/receipt.pdf": "a PDF file",
    "orders/<number>/receipts/<part_id>.pdf": "a PDF file",
    "accounts/your-data/download/": "a file with the consumer's data",
    "dashboard/catalogue/products/bulk-action/": "POST only: the product list's bulk buttons",
    "dashboard/catalogue/products/create/": "redirects: the product list asks the type first",
    "dashboard/catalogue/product-lookup/": "JSON for the dashboard's product pickers",
    "dashboard/offers/new/condition/": "a later step of the new offer: redirects to the first",
    "dashboard/offers/new/incentive/": "a later step of the new offer: redirects to the first",
    "dashboard/offers/new/restrictions/": "a later step of the new offer: redirects to the first",
    "dashboard/login/": "for signed-out visitors",
    "dashboard/logout/": "POST only: logs out",
    "dashboard/users/<pk>/password-reset/": "POST only: a button on the user's page",
    "dashboard/partners/<partner_pk>/users/<user_pk>/link/": "links the user, then redirects "
    "(a button on the partner's user search)",
    "dashboard/partners/<partner_pk>/users/<user_pk>/unlink/": "POST only: a button on the "
    "partner's page",
    "dashboard/orders/<number>/shipping-address/": "404: no order in the scene, its delivery "
    "order included, has Oscar's shipping address",
    "dashboard/ranges/<pk>/reorder/": "POST only: the range's drag-and-drop order",
    "dashboard/vouchers/sets/download/<pk>/": "a CSV file",
    "shop/campaigns/<pk>/participation/": "POST only: the buttons on the shop's campaigns page",
    "management/reports/campaigns/export.<file_format>": "a CSV or XLSX file",
    "management/campaigns/<pk>/end/": "POST only: the end/withdraw button on a campaign's page",
}
# Forms that are not edits of something shown, by the address they send to: saving them
# unchanged would destroy, cancel or start something.
NOT_EDITS = {
    "accounts/profile/delete/": "deletes the account",
    "accounts/addresses/<pk>/delete/": "deletes the address",
    "accounts/wishlists/<key>/delete/": "deletes the wish list",
    "accounts/wishlists/<key>/lines/<line_pk>/delete/": "removes the product from the list",
    "checkout/": "places the order (and then asks for payment)",
    "checkout/test-payment/<number>/": "pays or cancels the order",
    "giftcard/": "buys a gift card (and then asks for payment): the amount starts empty",
    "management/campaigns/new/": "a new campaign: it starts empty",
    "shop/campaigns/<pk>/participation/": "opts the shop in or out of a campaign",
    "management/campaigns/<pk>/end/": "ends or withdraws the campaign",
    "giftcard/pay/<token>/": "pays or cancels the gift card",
    "management/giftcards/print/": "makes a print run of cards: the number starts empty",
    "orders/<number>/parts/<part_id>/return/": "a return: it starts with nothing chosen",
    "payments/orders/<number>/pay/": "pays the order",
    "i18n/setlang/": "switches the language",
    "shops/apply/": "a new shop's application: it starts empty (times prefilled)",
    "courier/pickup/<code>/": "confirms the hand-over at the shop",
    "basket/add-offer/<stockrecord_id>/": "puts the product in the basket",
    "dashboard/vouchers/create/": "a new voucher: it starts empty (dates prefilled)",
    "dashboard/vouchers/sets/create/": "a new voucher set: it starts empty (dates prefilled)",
    "dashboard/shipping/weight-based/create/": "a new shipping method: starts empty",
    "shop/stock/count/drafts/<pk>/": "makes a new product of a counted barcode",
    "dashboard/orders/<number>/": "Oscar's order page: its forms act on the order (status, "
    "line events, a new note); unchanged, Oscar answers 'no valid action'",
    "dashboard/orders/<number>/notes/<note_id>/": "the same order page and forms as above",
    "dashboard/partners/<pk>/": "Oscar's partner form requires a postal address, which the "
    "marketplace keeps on the shop's profile (saved above), not on the partner",
    "dashboard/comms/<slug>/": "its first button is 'View preview' (wants an order number; "
    "Save comes last) and save_unchanged presses the first: not yet taught to pick Save",
    "admin/communication/notification/<object_id>/change/": "Oscar's Notification.sender is "
    "not blank=True: the admin requires a sender that system notifications do not have",
}
MAIN_PAGES = {
    "consumer": ["", "shops/", "catalogue/", "basket/", "checkout/", "orders/<number>/"],
    "shop": ["shop/", "shop/orders/", "shop/products/", "shop/stock/", "shop/profile/",
             "shop/money/"],
    "courier": ["courier/"],
    "management": ["management/", "management/shops/", "management/routes/",
                   "management/settlements/", "management/payments/", "management/reports/"],
}  # fmt: skip
EDITABLE = ["text", "number", "date", "time", "email", "url", "tel", "datetime-local"]
# What a form tells when it refused: the error summary, a field's error, a red message.
REFUSED = ".is-invalid, .errorlist, .invalid-feedback.d-block, .alert-danger, [role=alert].error"
SUCCESS = ".alert-success"

# One look at the page as it lies: how much wider than the window it is; boxes that stick
# out sideways and are not inside a box that scrolls or clips sideways (a wide table
# scrolling in its own box is fine, one that widens the page is not); menu items cut off;
# and whether a log-out control is in sight.
LOOK = """(logOut) => {
  const width = document.documentElement.clientWidth, boxes = [];
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    [...e.classList].map(c => '.' + c).join('');
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;
    if (box.left > -1 && box.right < width + 1) continue;
    if (box.right <= 0 || box.left >= width) continue;  // wholly out of sight: hidden on purpose
    if (getComputedStyle(element).visibility === 'hidden') continue;
    let held = false;
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') { held = true; break; }
    }
    if (!held) boxes.push(`${name(element)} ${Math.round(box.left)}..${Math.round(box.right)}`);
  }
  const inSight = e => { const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= width + 1 &&
      getComputedStyle(e).visibility !== 'hidden'; };
  const menu = [...document.querySelectorAll('.site-nav-list a')].filter(a => !inSight(a))
    .map(a => a.textContent.trim());
  const logout = [...document.querySelectorAll('a, button, input[type=submit]')]
    .some(e => (e.textContent || e.value || '').trim() === logOut && inSight(e));
  const extra = document.documentElement.scrollWidth - width;
  if (extra > 0 && !boxes.length) {  // then name what reaches the page's far edge
    for (const element of document.body.querySelectorAll('*')) {
      const box = element.getBoundingClientRect();
      if (box.right + window.scrollX >= width + extra - 1) boxes.push(`${name(element)} ` +
        `${Math.round(box.left)}..${Math.round(box.right)} ${getComputedStyle(element).position}`);
    }
  }
  return {extra, boxes: boxes.slice(0, 4), menu, logout};
}"""
# The page's forms: whether they are sent by POST, seen, and show a value in a visible field
# (an edit; a form of buttons and hidden fields is an action), and where they send to.
FORMS = """(editable) => [...document.forms].map((form, index) => {
  const seen = e => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
  const fields = [...form.elements].filter(seen);
  return {
    // form.action would be a field named "action" (the admin's lists have one)
    index, action: new URL(form.getAttribute('action') || '', location.href).href,
    post: (form.getAttribute('method') || '').toLowerCase() === 'post',
    shown: seen(form),
    edits: fields.some(e => (editable.includes(e.type) || e.tagName === 'TEXTAREA') && e.value),
  };
})"""
# Resolves once the page has drawn three more frames with its fonts loaded: by then a
# resize has fired its events and ResizeObservers, and what they schedule for the next
# frame (Chart.js's charts, Leaflet's maps) has run.
SETTLED = """() => document.fonts.ready.then(() => new Promise(done => {
  const frames = n => n ? requestAnimationFrame(() => frames(n - 1)) : done();
  frames(3);
}))"""
# Runs the page's transitions (a menu opening) to their end at once, then lets the page
# handle their end (Bootstrap marks the menu open) in the next frames.
FINISHED = """() => { for (const running of document.getAnimations()) running.finish();
  return new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done))); }"""


def shape_of(route: str) -> str:
    """A route as people read it: `orders/<number>/` for `orders/<str:number>/` and for the
    regex `^orders/(?P<number>[^/]+)/$` (a group may hold groups: `(?P<slug>\\w+(/\\w+)*)`)."""
    out, i = [], 0
    while i < len(route):
        if not route.startswith("(?P<", i):
            out.append(route[i])
            i += 1
            continue
        out.append(f"<{route[i + 4 : route.index('>', i)]}>")
        depth = 0
        while True:  # to the group's closing bracket
            depth += {"(": 1, ")": -1}.get(route[i], 0)
            i += 1
            if depth == 0:
                break
    shape = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", "".join(out))
    return shape.replace("^", "").replace("$", "").replace("\\", "")


def fill(shape: str, values: dict) -> str:
    return "/" + re.sub(r"<(\w+)>", lambda m: str(values[m.group(1)]), shape)


def role_of(shape: str) -> str:
    return next((role for role, area in AREAS.items() if area.match(shape)), "consumer")


def shape_at(path: str) -> str | None:
    try:
        return shape_of(resolve(urlsplit(path).path).route)
    except Resolver404:
        return None


def all_shapes() -> list[str]:
    shapes = []
    for route, _pattern in url_patterns():
        shape = shape_of(route)
        if shape not in shapes:
            shapes.append(shape)
    return shapes


def pages_of(scene: dict) -> tuple[dict[str, list[str]], list[str]]:
    """Each role's pages (paths), and the addresses nobody could fill in."""
    pages: dict[str, list[str]] = {role: [] for role in MAIN_PAGES}
    unknown = []
    for shape in all_shapes():
        if shape in NOT_PAGES or API.match(shape) or ADMIN.match(shape):
            continue
        values = dict(scene["values"])
        for prefix, override in scene["overrides"]:
            if shape.startswith(prefix):
                values.update(override)
        try:
            path = fill(shape, values)
        except KeyError:
            unknown.append(shape)
            continue
        if shape_at(path) != shape:  # another pattern answers this address first
            continue
        pages[role_of(shape)].append(path)
    pages["management"] += admin_pages()[0]
    return pages, unknown


def admin_pages() -> tuple[list[str], dict[str, str]]:
    """Each registered model's list and its first object's change page; and the models with
    no object (label: their list's path)."""
    paths, without = [], {}
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        paths.append(reverse(f"{name}_changelist"))
        first = model._default_manager.order_by("pk").first()
        if first is None:
            without[model._meta.label] = paths[-1]
        else:
            paths.append(reverse(f"{name}_change", args=[quote(first.pk)]))
    # Pages of the admin itself: the signed-in person's and a user's password forms.
    user = get_user_model().objects.order_by("pk").first()
    paths += [reverse("admin:password_change"), reverse("admin:auth_user_password_change",
                                                        args=[user.pk])]  # fmt: skip
    return paths, without


def shapes_of_admin() -> list[str]:
    """The admin's addresses other than a model's list and change page."""
    return [shape for shape in all_shapes() if ADMIN.match(shape)
            and not re.fullmatch(r"admin/(\w+/\w+/(<object_id>/change/)?|password_change/"
                                 r"|auth/user/<id>/password/)", shape)]  # fmt: skip


@pytest.fixture
def scene(small_town, monkeypatch):  # noqa: F811
    """Objects each role may see: the small town's shops and orders, plus what its pages
    take as ids: a stock upload, a count draft, a sync log, a settlement, a courier's route
    planned for tomorrow (the clock then stands at 09:00 that day), a consumer's basket,
    address, wish list, e-mail, notification, a review, an offer and its range, a shop's
    event and news item, the terms page."""
    town = small_town
    consumer, shop = town.orders[0].user, town.shop_a
    order, unpaid = town.orders[0], town.orders[3]
    product = order.lines.filter(partner_id=shop.partner_id).first().product
    make_basket(consumer, (make_offer(shop, price="8.55", title="Kaas"), 2))
    netherlands, _ = Country.objects.get_or_create(
        iso_3166_1_a2="NL",
        defaults={"name": "Nederland", "printable_name": "Nederland", "is_shipping_country": True},
    )
    address = UserAddress.objects.create(
        user=consumer, first_name="Anna", last_name="de Vries", line1="Walstraat 3",
        line4="Deventer", postcode="7411 AB", country=netherlands,
    )  # fmt: skip
    wishlist = WishList.objects.create(owner=consumer, name="Verjaardag")
    line = wishlist.lines.create(product=product, title=product.title)
    email = Email.objects.create(
        user=consumer, email=consumer.email, subject="Je bestelling", body_text="Bedankt."
    )
    notification = Notification.objects.create(
        recipient=consumer, subject="Je bestelling is klaar", body="Haal hem op."
    )
    review = ProductReview.objects.create(
        product=product, user=UserFactory(), score=5, title="Mooi boek", body="Echt een aanrader."
    )
    upload = upload_of(shop, "sku;quantity\nonbekend;3\n")
    draft = StockDraft.objects.create(shop=shop, gtin="8712345678906", quantity=2)
    log = SyncLog.objects.create(
        shop=shop, kind=SyncKind.FEED, outcome=SyncOutcome.APPLIED, rows_total=1
    )
    settlement = Settlement.objects.create(
        shop=shop, period_start=town.orders[0].date_placed.date() - timedelta(days=1),
        period_end=town.orders[0].date_placed.date() + timedelta(days=6),
        gross=Decimal("25.05"), refunds=Decimal("0.00"), commission=Decimal("1.25"),
        vat_on_commission=Decimal("0.26"), payment_fees=Decimal("0.00"), net=Decimal("23.54"),
    )  # fmt: skip
    offer = ConditionalOfferFactory(name="Boekenweek")
    offer.condition.range.is_public = True
    offer.condition.range.save()
    event = Event.objects.create(
        slug="boekenmarkt", title="Boekenmarkt", text="Op de Brink.", shop=shop,
        status=ReviewStatus.APPROVED, starts_at=at(tomorrow(), 10), ends_at=at(tomorrow(), 16),
    )  # fmt: skip
    news = NewsItem.objects.create(
        slug="nieuwe-romans", title="Nieuwe romans", text="Net binnen.", shop=shop,
        status=ReviewStatus.APPROVED, published_at=order.date_placed,
    )  # fmt: skip
    # A news post of shop A for its regulars (community).
    regulars_news = CommunityNewsPost.objects.create(
        shop=shop, title="Koopavond", text="Tot 21 uur.", created_at=order.date_placed,
        updated_at=order.date_placed,
    )  # fmt: skip
    # A return of the consumer's part at shop A; a category the law excludes from returns.
    returned = OrderPart.objects.filter(order=order, shop=shop).first()
    return_request = ReturnRequest.objects.create(
        part=returned, consumer=consumer, method="bring", reason="Te klein"
    )
    WithdrawalExclusion.objects.create(
        category=get_model("catalogue", "Category").add_root(name="Verse waren"),
        reason="perishable",
    )
    # A courier's route tomorrow; from here the live server lives at 09:00 that day.
    day = tomorrow()
    make_hub()
    delivery_part(shop, make_slot(DeliveryZone.objects.get(), day=day, start=10))
    courier = make_courier(day, starts=8, ends=18, name="Fenna")
    plan(day)
    route = Route.objects.get(courier=courier, date=day)
    set_clock(monkeypatch, at(day, 9), ticking=True)
    category = town.novels
    dashboard = dashboard_objects(town, consumer, product)
    gift_cards = gift_card_purchases(consumer, shop)
    values = {
        "number": order.number,
        "slug": shop.slug,
        "pk": product.pk,
        "product_slug": product.slug,
        "product_pk": product.pk,
        "category_slug": category.full_slug,
        "key": wishlist.key,
        "line_pk": line.pk,
        "kind": LegalPageKind.TERMS.value,
        "email_id": email.pk,
        "code": handover_code(route_id=route.pk, shop_id=shop.pk),
    }
    overrides = [
        ("catalogue/category/", {"pk": category.pk}),
        ("catalogue/ranges/", {"slug": offer.condition.range.slug}),
        ("offers/", {"slug": offer.slug}),
        ("local/events/", {"slug": event.slug}),
        ("local/news/", {"slug": news.slug}),
        ("shop/local/", {"kind": "event", "pk": event.pk}),
        ("catalogue/<product_slug>_<product_pk>/reviews/<pk>/", {"pk": review.pk}),
        ("accounts/addresses/", {"pk": address.pk}),
        ("accounts/notifications/", {"pk": notification.pk}),
        ("payments/orders/", {"number": unpaid.number}),
        ("checkout/test-payment/", {"number": unpaid.number}),
        ("shop/stock/uploads/", {"pk": upload.pk}),
        ("shop/stock/log/", {"pk": log.pk}),
        ("shop/stock/count/drafts/", {"pk": draft.pk}),
        ("shop/products/", {"pk": product.stockrecords.get().pk}),
        ("shop/orders/", {"pk": OrderPart.objects.filter(shop=shop).first().pk}),
        ("shop/money/", {"pk": settlement.pk}),
        ("shop/returns/", {"pk": return_request.pk}),
        ("shop/news/", {"pk": regulars_news.pk}),
        ("my-town/reviews/product/", {"product_id": product.pk}),
        ("my-town/news/unsubscribe/", {"token": unsubscribe_token_for(consumer.pk)}),
        ("orders/<number>/parts/<part_id>/return/", {"part_id": returned.pk}),
        ("management/shops/", {"pk": shop.pk}),
        ("management/campaigns/", {"pk": campaign_for_pages(shop).pk}),
        ("giftcard/pay/", {"token": gift_cards[0].token}),
        ("giftcard/bought/", {"token": gift_cards[1].token}),
        *dashboard,
    ]
    people = {
        "consumer": consumer,
        "shop": town.owner_a,
        "courier": courier.user,
        "management": UserFactory(is_staff=True, is_superuser=True),
    }
    return {"values": values, "overrides": overrides, "people": people}


def campaign_for_pages(shop):
    """A campaign starting tomorrow that shop A takes part in (marketplace.campaigns)."""
    from marketplace.campaigns.services import CampaignTerms, create_campaign, opt_in

    starts = timezone.now() + timedelta(days=1)
    campaign = create_campaign(
        terms=CampaignTerms(
            name="Koopzondag", kind="percentage", payer="centre", starts_at=starts,
            ends_at=starts + timedelta(days=1), percentage=Decimal("10"),
        )
    )  # fmt: skip
    opt_in(campaign=campaign, shop=shop)
    return campaign


def gift_card_purchases(consumer, shop) -> list:
    """The city gift card on sale at shop A: one purchase waiting for payment, one paid."""
    from marketplace.giftcards import services
    from marketplace.giftcards.models import Scheme

    scheme = Scheme.current()
    scheme.is_active = True
    scheme.save()
    scheme.shops.set([shop])
    made = [
        services.start_purchase(
            amount=Decimal(amount), email=consumer.email, message="", buyer=consumer
        )
        for amount in ("20.00", "25.00")
    ]
    services.record_purchase_paid(purchase_id=made[1].pk, reference="scene")
    return made


def dashboard_objects(town, consumer, product) -> list[tuple[str, dict]]:
    """One object of each kind Oscar's dashboard shows a page of, beside those the scene has
    (order, product, category, partner, offer and range, review), as the scene's overrides."""
    order, partner = town.orders[0], town.shop_a.partner
    # Rows a fresh database has from its migrations, made here too: a reused one may not.
    Group.objects.get_or_create(name="Redactie")
    legal_pages()
    group = AttributeOptionGroup.objects.create(name="Formaat")
    group.options.create(option="Paperback")
    option = Option.objects.create(name="Cadeauverpakking")
    staff = UserFactory(is_staff=True, first_name="Sanne")
    note = order.notes.create(message="Klant belt nog.", note_type="Info", user=staff)
    alert = ProductAlert.objects.create(product=product, user=consumer)
    page = FlatPage.objects.create(url="/over-ons/", title="Over ons", content="De markt.")
    page.sites.add(settings.SITE_ID)
    # A parent product (hidden from the storefront): the only kind Oscar adds variants to.
    parent = Product.objects.create(
        title="Agenda", structure="parent", product_class=product.product_class, is_public=False
    )
    voucher = VoucherFactory(name="Welkom", code="WELKOM")
    voucher.offers.add(ConditionalOfferFactory(name="Welkomstkorting", offer_type="Voucher"))
    voucher_set = VoucherSet.objects.create(
        name="Buurtactie", description="Folders in de wijk", count=1, code_length=12,
        start_datetime=voucher.start_datetime, end_datetime=voucher.end_datetime,
    )  # fmt: skip
    in_set = VoucherFactory(name="Buurtactie 1", code="BUURT1", voucher_set=voucher_set)
    in_set.offers.set(voucher.offers.all())
    event_type = CommunicationEventType.objects.create(
        code="TOWN_NEWS", name="Nieuws uit de stad", email_subject_template="Nieuws",
        email_body_template="Hallo {{ user.first_name }}", email_body_html_template="<p>Hallo</p>",
    )  # fmt: skip
    method = WeightBased.objects.create(name="Pakketpost", default_weight=Decimal("1.000"))
    band = method.bands.create(upper_limit=Decimal("5.000"), charge=Decimal("6.95"))
    offer = ConditionalOffer.objects.get(name="Boekenweek")
    return [
        ("dashboard/", {"parent_pk": parent.pk, "parent": town.novels.pk,
                        "product_class_slug": product.product_class.slug}),
        ("dashboard/catalogue/categories/", {"pk": town.novels.pk}),
        ("dashboard/catalogue/product-type/", {"pk": product.product_class.pk}),
        ("dashboard/catalogue/attribute-option-group/", {"pk": group.pk}),
        ("dashboard/catalogue/option/", {"pk": option.pk}),
        ("dashboard/orders/", {"note_id": note.pk, "line_id": order.lines.first().pk}),
        ("dashboard/users/", {"pk": consumer.pk}),
        ("dashboard/users/alerts/", {"pk": alert.pk}),
        ("dashboard/pages/", {"pk": page.pk}),
        ("dashboard/partners/", {"pk": partner.pk, "partner_pk": partner.pk,
                                 "user_pk": town.owner_a.pk}),
        ("dashboard/offers/", {"pk": offer.pk}),
        ("dashboard/ranges/", {"pk": offer.condition.range.pk}),
        ("dashboard/reviews/", {"pk": ProductReview.objects.get().pk}),
        ("dashboard/vouchers/", {"pk": voucher.pk}),
        ("dashboard/vouchers/sets/", {"pk": voucher_set.pk}),
        ("dashboard/comms/", {"slug": event_type.code}),
        ("dashboard/shipping/", {"pk": method.pk, "method_pk": method.pk}),
        ("dashboard/shipping/weight-based/<method_pk>/bands/", {"pk": band.pk}),
    ]  # fmt: skip


@pytest.fixture
def refusing_proxy():
    """A proxy address where nothing answers: a socket bound but not listening."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{bound.getsockname()[1]}"


def signed_in(browser, live_server, user, proxy: str):
    """A phone-sized Dutch browser, signed in. Other hosts than the live server (map tiles)
    are sent to `proxy`, which refuses them: unlike new_context's routing of every request
    through Playwright, that keeps the browser's cache on, so each page's stylesheets and
    scripts are not fetched again from the live server hundreds of times."""
    context = browser.new_context(
        viewport=WIDTHS["phone"], locale="nl-NL",
        proxy={"server": proxy, "bypass": urlsplit(live_server.url).hostname},
    )  # fmt: skip
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_login-username", user.email)
    page.fill("#id_login-password", FACTORY_PASSWORD)
    with page.expect_navigation():
        page.click("button[name=login_submit]")
    return page


def logout_behind_menu(page, name: str) -> bool:
    """On a phone the log-out may sit behind a menu button: open it as a person would."""
    for toggle in page.locator(".navbar-toggler, [aria-expanded=false][aria-controls]").all():
        if toggle.is_visible():
            toggle.click()
            page.evaluate(FINISHED)  # the menu's opening animation
            if page.evaluate(LOOK, name)["logout"]:
                return True
    return False


def save_unchanged(page, url: str, form: dict, opened: bool = False) -> str | None:
    """Opens the page on a phone (unless `opened`: it is, as looked at, nothing sent yet),
    presses the form's button without changing anything; None when it saved (no error, and a
    success message or a redirect), else what went wrong."""
    if not (opened and page.viewport_size == WIDTHS["phone"]):
        page.set_viewport_size(WIDTHS["phone"])
        page.goto(url)
    shown = page.locator("form").nth(form["index"])
    invalid = shown.evaluate(
        "form => [...form.elements].filter(e => e.willValidate && !e.checkValidity())"
        ".map(e => `${e.name}=${JSON.stringify(e.value)}: ${e.validationMessage}`)"
    )
    if invalid:  # the browser itself refuses to send it
        return f"the browser refuses: {invalid}"
    # Buttons that say they submit first: a bare <button> may be a menu's toggle.
    buttons = shown.locator("button[type=submit], input[type=submit]").all()
    visible = [b for b in buttons + shown.locator("button:not([type])").all() if b.is_visible()]
    loaded = []  # heard from the click on: from the browser's cache, the answer may load early

    def mark(_page):
        loaded.append(True)

    page.on("load", mark)
    try:
        with page.expect_request(lambda request: request.method == "POST") as sent:
            visible[0].click()
        if sent.value.is_navigation_request():
            if not loaded:
                page.wait_for_event("load")
        else:  # sent by the page's script (Oscar's basket): the page shows the answer
            page.wait_for_load_state("networkidle")
    except PlaywrightError as error:
        return f"nothing came back: {error.message.splitlines()[0]}"
    finally:
        page.remove_listener("load", mark)
    answer = sent.value.response()
    refused = [text.strip()[:120] for text in page.locator(REFUSED).all_inner_texts()]
    refused = [text for text in refused if text]
    if answer.status >= 400 or refused:
        return f"{answer.status} {refused}"
    by_script = not sent.value.is_navigation_request()  # its 200 and the page are the answer
    if not (by_script or 300 <= answer.status < 400 or page.locator(SUCCESS).count()):
        return "no redirect and no success message"
    return None


def resize(page, width: str) -> None:
    """Gives the loaded page another width and waits until it has laid itself out again:
    media queries apply at once, scripts that measure the window run in the next frames."""
    page.set_viewport_size(WIDTHS[width])
    page.evaluate(SETTLED)


def look_at(page, url: str, log_out: str, widths: list[str], shoot: str | None = None):
    """Opens a page at the first width, then resizes it to each next one, and says what is
    wrong with it at each width, by kind of problem; and the forms it shows on a phone that
    edit something (see edit_forms). With `shoot`, a screenshot at each width."""
    page.set_viewport_size(WIDTHS[widths[0]])
    try:
        response = page.goto(url)
    except PlaywrightError as error:  # a download, say
        return {width: {"not a page": error.message.splitlines()[0]} for width in widths}, []
    if response.status != 200 or response.request.redirected_from is not None:
        return {width: {"not a page": f"{response.status} at {page.url}"} for width in widths}, []
    found, hidden, forms = {}, [], []
    for width in widths:
        if width != widths[0]:
            resize(page, width)
        look, found[width] = page.evaluate(LOOK, log_out), {}
        if look["extra"] > 0 or look["boxes"]:
            found[width]["too wide"] = f"+{look['extra']} px {look['boxes']}"
        if look["menu"]:
            found[width]["menu cut off"] = str(look["menu"])
        if not look["logout"]:
            hidden.append(width)
        if shoot:
            shot(page, f"{shoot}-{width}")
        if width == "phone":
            forms = edit_forms(page)
    # Menus are opened last: an open menu would change what the next width shows.
    for width in hidden:
        if page.viewport_size != WIDTHS[width]:
            resize(page, width)
        if not logout_behind_menu(page, log_out):
            found[width]["no log-out"] = ""
    return found, forms


def edit_forms(page) -> list[dict]:
    """The page's forms a person sees that edit something shown (not actions, not those
    NOT_EDITS lists), each with the address it sends to as `target`."""
    found = []
    for form in page.evaluate(FORMS, EDITABLE):
        if form["post"] and form["shown"] and form["edits"]:
            found.append({**form, "target": shape_at(form["action"])})
    return found


def test_every_page_of_each_role_fits_the_screen_logs_out_and_saves_unchanged(
    browser, live_server, scene, refusing_proxy, request
):
    pages, unknown = pages_of(scene)
    assert unknown == [], "give these addresses a value in the scene or a reason in NOT_PAGES"
    left = [shape for shape in shapes_of_admin() if not shape.endswith(tuple(ADMIN_NOT_OPENED))]
    assert left == [], "the admin's pages opened are the lists and change pages only"
    without = admin_pages()[1]
    # Every model without an object has its reason; no reason names a model that is gone.
    # (Not equality: a fresh database holds rows its migrations wrote, a reused one not.)
    missing = {label: path for label, path in without.items() if label not in ADMIN_WITHOUT_OBJECT}
    assert missing == {}, f"give the scene one or a reason: {missing}"
    registered = {model._meta.label for model in admin.site._registry}
    assert set(ADMIN_WITHOUT_OBJECT) <= registered
    shapes = all_shapes()
    assert [shape for shape in {**NOT_PAGES, **NOT_EDITS} if shape not in shapes] == []
    host = urlsplit(live_server.url).hostname
    sequence = screenshots_of(request)
    problems, saved, left_alone, seen = {}, {}, set(), Counter()
    for role, paths in pages.items():
        page = signed_in(browser, live_server, scene["people"][role], refusing_proxy)
        _shots[id(page)] = sequence
        main = {fill(shape, scene["values"]) for shape in MAIN_PAGES[role]}
        for language, widths in LANGUAGES.items():
            cookie = {"name": "django_language", "value": language, "domain": host, "path": "/"}
            page.context.add_cookies([cookie])
            with translation.override(language):
                log_out = gettext("Log out")
            for path in paths:
                # Screenshots of the main pages in Dutch, at both widths.
                shoot = f"{role}-{language}-{path}" if path in main and language == "nl" else None
                found, forms = look_at(page, live_server.url + path, log_out, widths, shoot)
                for width, kinds in found.items():
                    seen[role, language, width] += "not a page" not in kinds
                    for kind, detail in kinds.items():
                        problems[f"{kind}: {role} {language} {width} {path}"] = detail
                opened = True  # the first form is sent from the page as looked at
                for form in forms:
                    if form["target"] in NOT_EDITS:
                        left_alone.add(form["target"])
                        continue
                    where = f"{role} {language} phone {path} -> {form['target']}"
                    failure = save_unchanged(page, live_server.url + path, form, opened)
                    saved[where], opened = failure or "saved", False
        _shots.pop(id(page), None)
        page.context.close()
    print("pages per role:", {role: len(paths) for role, paths in pages.items()})
    print("pages looked at per role, language and width:", dict(seen))
    print("forms saved unchanged:", *saved.items(), sep="\n  ")
    print("forms left alone (not edits):", sorted(left_alone))
    print("problems:", *problems.items(), sep="\n  ")
    assert problems == {}
    assert {where: result for where, result in saved.items() if result != "saved"} == {}
    assert {"shop/profile/", "shop/products/<pk>/", "accounts/profile/edit/"} <= {
        where.rsplit(" -> ", 1)[1] for where in saved
    }


def test_the_look_sees_a_page_wider_than_a_phone_and_one_without_log_out(page):
    """The checks above are not blind: a label for screen readers inside a table that
    scrolls sideways (absolute, so not held by the table's scrolling) widened the routes
    page on a phone; a log-out cut off at the side of a menu is not in sight."""
    page.set_viewport_size(WIDTHS["phone"])
    table = (
        '<table style="display:block; overflow-x:auto{}"><tr><td><div style="width:700px">'
        '</div></td><td><label style="position:absolute; width:1px; height:1px; overflow:hidden">x'
        "</label></td></tr></table>"
    )
    logout = '<a href="/" style="margin-left:{}px">Log out</a>'
    cut_off = '<nav style="overflow:hidden">' + logout.format(380) + "</nav>"

    def look(html: str) -> tuple:
        page.set_content(f"<!doctype html>{html}")
        found = page.evaluate(LOOK, "Log out")
        return found["extra"], [box.split()[0] for box in found["boxes"][-1:]], found["logout"]

    extra, boxes, logout_seen = look(table.format("") + logout.format(0))
    assert (extra > 300, boxes, logout_seen) == (True, ["label"], True)
    assert look(table.format("; position:relative") + cut_off) == (0, [], False)
    assert look(table.format("; position:relative") + logout.format(0)) == (0, [], True)


def test_the_look_sees_each_width_after_a_resize(page):
    """The first test sees a page's second width by resizing it (see resize), and sees that
    width's page: media queries apply again (a page too wide only on a phone or only on a
    laptop, the routes page's label, a menu item cut off on a phone), and scripts that fit
    things to the window have run: a chart that a ResizeObserver fits to its box in the next
    frame, as Chart.js does, is measured at its new width, not at the one it was loaded at."""
    style = (
        "<style>@media (max-width: 500px) { .phone { width: 600px } }"
        " @media (min-width: 1000px) { .laptop { width: 1500px } }</style>"
    )

    def look(html: str, first: str, then: str) -> list[tuple]:
        page.set_viewport_size(WIDTHS[first])
        page.set_content(f'<!doctype html><body style="margin:0">{style}{html}</body>')
        page.evaluate(SETTLED)
        seen = []
        for width in (first, then):
            if width == then:
                resize(page, then)
            found = page.evaluate(LOOK, "Log out")
            seen.append((found["extra"], [box.split()[0] for box in found["boxes"]], found["menu"]))
        return seen

    block = '<div class="{}" style="height:9px"></div>'
    assert look(block.format("phone"), "laptop", "phone") == [(0, [], []), (210, ["div.phone"], [])]
    assert look(block.format("laptop"), "phone", "laptop") == [
        (0, [], []),
        (134, ["div.laptop"], []),
    ]
    menu = (
        '<ul class="site-nav-list" style="display:flex; overflow:hidden; margin:0">'
        '<li class="phone" style="flex:none"></li><li><a href="/">Winkels</a></li></ul>'
    )
    assert look(menu, "laptop", "phone") == [(0, [], []), (0, [], ["Winkels"])]
    table = (
        '<table style="display:block; overflow-x:auto"><tr><td><div style="width:700px"></div>'
        '</td><td><label style="position:absolute; width:1px; height:1px; overflow:hidden">x'
        "</label></td></tr></table>"
    )
    (on_laptop, *_), (on_phone, boxes, _) = look(table, "laptop", "phone")
    assert (on_laptop, on_phone > 300, boxes[-1:]) == (0, True, ["label"])
    chart = (
        '<div id="box"><canvas id="chart" height="9" style="display:block"></canvas></div>'
        "<script>new ResizeObserver(() => requestAnimationFrame(() => {"
        " chart.style.width = (box.clientWidth + EXTRA) + 'px'; })).observe(box)</script>"
    )
    assert look(chart.replace("EXTRA", "0"), "laptop", "phone") == [(0, [], [])] * 2
    # Fitted 100 px too wide: measured after the script ran (loaded at 1366, it was 1076).
    assert (
        look(chart.replace("EXTRA", "100"), "laptop", "phone") == [(100, ["canvas#chart"], [])] * 2
    )
