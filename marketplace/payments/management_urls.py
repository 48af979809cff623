from django.urls import path

from .management_views import PaymentEventsView

app_name = "payment-events"

urlpatterns = [path("", PaymentEventsView.as_view(), name="list")]
