from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "marketplace.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        # The centre's contributions reach the commission snapshot and the refunds through
        # commission's own seam: commission sits below campaigns and never imports it.
        from marketplace.commission import contributions

        from . import selectors, statements

        contributions.register(selectors.centre_contributions_of_part)
        contributions.register_statement_rows(statements.statement_rows)
