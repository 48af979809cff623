"""The application form (/shops/apply/): the shops' form, with what a shop keeps of a sale
under the default plan (commission's maths)."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from marketplace.commission.previews import basket_example, earnings_by_method, earnings_examples
from shops import services
from shops.onboarding_forms import ApplicationForm, to_application, week_forms

APPLY_TEMPLATE = "shops/onboarding/apply.html"


class ApplyView(View):
    def get(self, request):
        return self.show(request, ApplicationForm(), week_forms())

    def post(self, request):
        form, days = ApplicationForm(request.POST), week_forms(request.POST)
        valid = form.is_valid() & all([day.is_valid() for day in days])  # validate every row
        if valid and not any(day.period() for day in days):
            form.add_error(None, _("Tick at least one day on which the shop is open."))
            valid = False
        if not valid:
            return self.show(request, form, days, status=400)
        try:
            services.submit_application(application=to_application(form, days))
        except services.ApplicationRefused as refused:
            form.add_error(refused.field, refused.message)
            return self.show(request, form, days, status=400)
        return redirect("shops:apply-done")

    def show(self, request, form, days, status=200):
        context = {
            "form": form,
            "days": days,
            "examples": earnings_examples(),
            "method_examples": earnings_by_method(),
            "basket_example": basket_example(),
        }
        return render(request, APPLY_TEMPLATE, context, status=status)
