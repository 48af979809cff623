"""Centre management's pages: staff only (`is_staff`). Anonymous visitors go to the sign-in
page, other users get a 403."""

from django.contrib.auth.mixins import UserPassesTestMixin


class StaffOnlyMixin(UserPassesTestMixin):
    def test_func(self):
        return self.request.user.is_authenticated and self.request.user.is_staff
