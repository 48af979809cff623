"""Who may open a shop's own pages: a signed-in member of that shop's staff."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .selectors import shop_of_user


class ShopMixin(LoginRequiredMixin):
    """Sets `self.shop` to the user's shop; anyone else gets a 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.shop = shop_of_user(user=request.user)
            if self.shop is None:
                raise PermissionDenied(_("This page is for shop staff."))
        return super().dispatch(request, *args, **kwargs)
