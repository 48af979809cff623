"""Centre management's home: one page that leads to everything management does."""

from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from marketplace.staff import StaffOnlyMixin

# (url name, title, what it is for): in the order of a working day.
SECTIONS = [
    ("shop-management:list", _("Shop applications"), _("Approve, pause or close shops.")),
    (
        "route-management:routes",
        _("Routes"),
        _("Plan today's deliveries, follow couriers, rebook."),
    ),
    ("route-management:hub", _("Hub"), _("Hand parts waiting at the hub to consumers.")),
    (
        "return-management:pickups",
        _("Return pickups"),
        _("Goods couriers fetch from consumers for their shop."),
    ),
    ("reports:home", _("Reports"), _("Sales, deliveries and stock-sync health.")),
    ("money:management-settlements", _("Settlements"), _("Weekly payouts and invoices to shops.")),
    (
        "campaigns:management",
        _("Campaigns"),
        _("Centre campaigns across shops: discounts, free delivery, event codes; their uptake."),
    ),
    (
        "giftcards:management",
        _("City gift card"),
        _("Set-up, participating shops, and the cards' money."),
    ),
    ("payment-events:list", _("Payment events"), _("Stripe events: stored, retried, failed.")),
    (
        "localinfo:management-review",
        _("Events and news"),
        _("Approve shops' events and news; use of the API and widget."),
    ),
    ("community:management-reviews", _("Reviews"), _("Approve or reject consumers' reviews.")),
    ("legal:manage", _("Legal pages"), _("Terms, privacy, cookies, contact, withdrawal form.")),
    (
        "dashboard:index",
        _("Catalogue and orders"),
        _("Oscar's dashboard: products, categories, orders."),
    ),
    ("admin:index", _("Settings"), _("Commission plans, delivery zones, slots, couriers.")),
]


class ManagementHomeView(StaffOnlyMixin, TemplateView):
    template_name = "management/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(sections=SECTIONS, **kwargs)
