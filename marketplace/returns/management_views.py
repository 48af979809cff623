"""Centre management's list of return pickups: couriers' routes do not carry them yet, so
management plans them by hand from here (the consumer's address to the shop)."""

from django.utils import timezone
from django.views.generic import TemplateView

from marketplace.staff import StaffOnlyMixin

from .models import ReturnMethod, ReturnRequest, ReturnStatus


class ReturnPickupsView(StaffOnlyMixin, TemplateView):
    template_name = "returns/management_pickups.html"

    def get_context_data(self, **kwargs):
        pickups = (
            ReturnRequest.objects.filter(
                method=ReturnMethod.PICKUP,
                status=ReturnStatus.REQUESTED,
                slot__date__gte=timezone.localdate(),
            )
            .select_related("slot__zone", "part__shop__partner", "part__order")
            .prefetch_related("lines__order_line")
            .order_by("slot__date", "slot__starts", "pk")
        )
        return super().get_context_data(pickups=pickups, **kwargs)
