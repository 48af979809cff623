"""The shop's stock sync pages (/shop/stock/): upload a file, check it, apply it, read the log.

Every query is scoped to the signed-in user's shop; another shop's upload or log is a 404.
"""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from marketplace.outbox import enqueue
from shops.access import ShopMixin

from . import connections, feed_apply, tasks, upload_checks
from .feeds import FeedError, check_stock_file_quickly
from .models import PosConnection, StockFeedUpload, SyncLog, UploadStatus
from .shop_forms import (
    SETTING_FIELDS,
    ConnectionForm,
    ConnectionSettingsForm,
    LocationForm,
    MappingForm,
    StockFileForm,
)

VENDOR_NAMES = {
    "shopify-inventory": _lazy("Shopify inventory export"),
    "shopify-products": _lazy("Shopify product export"),
    "square": _lazy("Square item library export"),
    "lightspeed-x": _lazy("Lightspeed X-Series product export"),
    "lightspeed-r": _lazy("Lightspeed R-Series item export"),
    "zettle": _lazy("Zettle product library export"),
    "mapping": _lazy("your own column choice"),
    "": _lazy("stock list"),
}
FIELD_LABELS = {
    "sku": _lazy("Product code"),
    "ean": _lazy("Barcode"),
    "quantity": _lazy("Quantity"),
    "price": _lazy("Price"),
    "title": _lazy("Name"),
}


def _in_task(content: bytes, name: str) -> bool:
    """Quick checks (raise FeedError); True when the full parse belongs in a task."""
    workbook = check_stock_file_quickly(content=content, filename=name)
    return workbook or len(content) > feed_apply.INLINE_PARSE_BYTES


class UploadView(ShopMixin, FormView):
    template_name = "inventory_sync/upload.html"
    form_class = StockFileForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            shop=self.shop,
            uploads=StockFeedUpload.objects.filter(shop=self.shop)[:10],
            **kwargs,
        )

    def form_valid(self, form):
        """A small CSV is read here; a workbook or a large CSV gets only the quick checks here
        and its parse in a task with a time limit (upload_checks.py), followed on its page."""
        upload_file = form.cleaned_data["file"]
        content = upload_file.read()
        name = upload_file.name or ""
        try:
            in_task = _in_task(content, name)
        except FeedError as error:
            form.add_error("file", error.message)
            return self.form_invalid(form)
        status, summary = UploadStatus.UPLOADED, {}
        if not in_task:
            status, summary = feed_apply.examine(
                shop=self.shop, content=content, filename=name, options={}
            )
            if status == UploadStatus.REJECTED:
                form.add_error("file", summary["error"])
                return self.form_invalid(form)
        upload_file.seek(0)
        upload = StockFeedUpload.objects.create(
            shop=self.shop,
            uploaded_by=self.request.user,
            file=upload_file,
            original_name=name[:255],
            summary=summary,
            status=status,
        )
        if in_task:
            enqueue(tasks.check_stock_upload, upload.pk)  # sent when this request commits
        return redirect("shop-stock:upload", pk=upload.pk)


def recheck(upload: StockFeedUpload, options: dict) -> None:
    """Reads the stored file again with the owner's new choice, here or in the task."""
    with upload.file.open("rb") as stored:
        content = stored.read()
    if _in_task(content, upload.original_name):
        upload.status, upload.summary, upload.progress = (
            UploadStatus.UPLOADED,
            {"options": options},
            0,
        )
        upload.save(update_fields=["status", "summary", "progress"])
        enqueue(tasks.check_stock_upload, upload.pk)
        return
    upload.status, upload.summary = feed_apply.examine(
        shop=upload.shop, content=content, filename=upload.original_name, options=options
    )
    upload.save(update_fields=["status", "summary"])


class UploadDetailView(ShopMixin, DetailView):
    template_name = "inventory_sync/preview.html"
    context_object_name = "upload"
    invalid_forms: dict = {}  # a refused choice, shown again with its errors

    def get_queryset(self):
        return StockFeedUpload.objects.filter(shop=self.shop).select_related("sync_log")

    def get_context_data(self, **kwargs):
        upload = self.object
        upload_checks.give_up_if_stuck(upload)
        summary = upload.summary
        needs = summary.get("needs") if upload.status == UploadStatus.CHOOSE else None
        return super().get_context_data(
            shop=self.shop,
            summary=summary,
            needs=needs,
            location_form=self.invalid_forms.get("location")
            or (LocationForm(locations=summary["locations"]) if needs == "location" else None),
            mapping_form=self.invalid_forms.get("mapping")
            or (MappingForm(columns=summary["file_columns"]) if needs == "mapping" else None),
            vendor_name=VENDOR_NAMES.get(summary.get("vendor", ""), VENDOR_NAMES[""]),
            columns_found=[
                (FIELD_LABELS[name], header)
                for name, header in summary.get("columns", {}).items()
                if name in FIELD_LABELS
            ],
            can_apply=upload.status == UploadStatus.VALIDATED and not summary.get("problems_total"),
            can_apply_good=upload.status == UploadStatus.VALIDATED
            and summary.get("problems_total")
            and summary.get("rows_good"),
            large=feed_apply.is_large(upload),
            delimiter=_("tab") if summary.get("delimiter") == "\t" else summary.get("delimiter"),
            **kwargs,
        )


class _ChoiceView(ShopMixin, View):
    """A choice the file needs before its preview; only for an upload waiting for it."""

    needs = ""

    def get(self, request, pk):
        raise Http404  # choosing is a POST

    def post(self, request, pk):
        upload = get_object_or_404(
            StockFeedUpload.objects.select_for_update().filter(shop=self.shop), pk=pk
        )
        if upload.status != UploadStatus.CHOOSE or upload.summary.get("needs") != self.needs:
            messages.info(request, _("This file no longer waits for this choice."))
            return redirect("shop-stock:upload", pk=upload.pk)
        form = self.form(upload)
        if not form.is_valid():
            detail = UploadDetailView(
                request=request,
                kwargs={"pk": pk},
                shop=self.shop,
                object=upload,
                invalid_forms={self.needs: form},
            )
            context = detail.get_context_data(object=upload)
            return render(request, detail.template_name, context, status=400)
        options = dict(upload.summary.get("options") or {})
        self.choose(upload, form, options)
        recheck(upload, options)
        return redirect("shop-stock:upload", pk=upload.pk)


class ChooseLocationView(_ChoiceView):
    needs = "location"

    def form(self, upload):
        return LocationForm(self.request.POST, locations=upload.summary["locations"])

    def choose(self, upload, form, options):
        location = form.cleaned_data["location"]
        connections.remember_feed_choice(self.shop, location=location)
        options["location"] = location
        messages.success(
            self.request,
            _("Saved: your shop is “%(location)s”; the next file uses it too.")
            % {"location": location},
        )


class MapColumnsView(_ChoiceView):
    needs = "mapping"

    def form(self, upload):
        return MappingForm(self.request.POST, columns=upload.summary["file_columns"])

    def choose(self, upload, form, options):
        mapping = form.mapping()
        signature = upload.summary["signature"]
        connections.remember_feed_choice(self.shop, mapping=(signature, mapping))
        options["mappings"] = {**options.get("mappings", {}), signature: mapping}
        messages.success(
            self.request, _("Saved: files with these columns are read this way from now on.")
        )


class ApplyUploadView(ShopMixin, View):
    def get(self, request, pk):
        raise Http404  # applying is a POST

    def post(self, request, pk):
        upload = get_object_or_404(
            StockFeedUpload.objects.select_for_update().filter(shop=self.shop), pk=pk
        )
        if upload.status != UploadStatus.VALIDATED:
            messages.info(request, _("This file was already applied or rejected."))
            return redirect("shop-stock:upload", pk=upload.pk)
        # "Good rows" only when chosen with this button; anything else is all or nothing.
        mode = feed_apply.MODE_GOOD if request.POST.get("mode") == "good" else feed_apply.MODE_ALL
        if feed_apply.is_large(upload):
            upload.status = UploadStatus.APPLYING
            upload.progress = 0
            upload.save(update_fields=["status", "progress"])
            enqueue(tasks.apply_stock_upload, upload.pk, mode)  # sent when this request commits
            return redirect("shop-stock:upload", pk=upload.pk)
        log = feed_apply.apply_upload(upload.pk, mode=mode, on_progress=lambda *_: None)
        return redirect("shop-stock:log", pk=log.pk)


class UploadStatusView(ShopMixin, View):
    """Polled by the upload page while a large file is applied."""

    def get(self, request, pk):
        upload = get_object_or_404(StockFeedUpload.objects.filter(shop=self.shop), pk=pk)
        upload_checks.give_up_if_stuck(upload)
        log_url = reverse("shop-stock:log", args=[upload.sync_log_id]) if upload.sync_log_id else ""
        return JsonResponse(
            {"status": upload.status, "progress": upload.progress, "log_url": log_url}
        )


class LogListView(ShopMixin, ListView):
    template_name = "inventory_sync/logs.html"
    context_object_name = "logs"
    paginate_by = 50

    def get_queryset(self):
        return SyncLog.objects.filter(shop=self.shop)

    def get_context_data(self, **kwargs):
        return super().get_context_data(shop=self.shop, **kwargs)


class LogDetailView(ShopMixin, DetailView):
    template_name = "inventory_sync/log.html"
    context_object_name = "log"

    def get_queryset(self):
        return SyncLog.objects.filter(shop=self.shop)

    def get_context_data(self, **kwargs):
        log = self.object
        message = _(log.message) if log.message else ""
        params = (log.report or {}).get("message_params")
        if isinstance(params, dict):
            message = message % params
        return super().get_context_data(shop=self.shop, message=message, **kwargs)


class ConnectionView(ShopMixin, View):
    """Type, webhook URL, masked secrets, status. A new push token is shown once, here."""

    template_name = "inventory_sync/connection.html"

    def get(self, request):
        connection = PosConnection.objects.filter(shop=self.shop).first()
        return self.page(
            connection, ConnectionForm(initial={"kind": getattr(connection, "kind", "")})
        )

    def post(self, request):
        connection = connections.connection_of(self.shop)
        new_token = settings_form = None
        action = request.POST.get("action")
        form = ConnectionForm(initial={"kind": connection.kind})
        if action == "rotate-token":
            new_token = connections.rotate_push_token(connection)
        elif action == "rotate-secret":
            connections.rotate_signing_secret(connection)
            messages.success(
                request, _("A new signing secret was made; the old one stops working.")
            )
        elif action == "settings":
            settings_form = ConnectionSettingsForm(request.POST, kind=connection.kind)
            if settings_form.is_valid():
                data = settings_form.cleaned_data
                connections.save_settings(
                    connection,
                    values={name: data[name] for name in SETTING_FIELDS},
                    secret_values={"access_token": data["access_token"]},
                )
                tasks.queue_first_poll(connection)
                if data["signing_secret"]:
                    connections.set_signing_secret(connection, data["signing_secret"])
                messages.success(request, _("Saved."))
                settings_form = None  # the page shows the stored settings again
            else:
                messages.error(
                    request,
                    _("Please check the settings: %(errors)s")
                    % {
                        "errors": "; ".join(
                            f"{settings_form.fields[k].label if k in settings_form.fields else k}:"
                            f" {v[0]}"
                            for k, v in settings_form.errors.items()
                        )
                    },
                )
        elif action == "kind":
            form = ConnectionForm(request.POST)
            if form.is_valid():
                connection.kind = form.cleaned_data["kind"]
                connection.save(update_fields=["kind"])
                messages.success(request, _("Saved."))
        return self.page(connection, form, new_token=new_token, settings_form=settings_form)

    def page(self, connection, form, *, new_token=None, settings_form=None):
        """`settings_form` is the owner's rejected one, shown with its errors at the fields."""
        from .event_models import PosItem, SaleWriteBack, WebhookEvent, WriteBackStatus

        push_url = self.request.build_absolute_uri(reverse("pos-api:push-stock"))
        extra = {
            "webhook_url": connections.webhook_url(connection) if connection else "",
            "events": WebhookEvent.objects.filter(connection=connection)
            .only("event_id", "received_at", "status", "message")
            .order_by("-received_at")[:10]
            if connection
            else [],
            "unmatched_items": PosItem.objects.filter(
                connection=connection, stockrecord__isnull=True
            )[:50]
            if connection
            else [],
            "sales_to_book": SaleWriteBack.objects.filter(
                shop=self.shop, status__in=[WriteBackStatus.MANUAL, WriteBackStatus.FAILED]
            ).select_related("stockrecord__product")[:100],
        }
        return render(
            self.request,
            self.template_name,
            {
                "shop": self.shop,
                "connection": connection,
                "form": form,
                "settings_form": settings_form
                or ConnectionSettingsForm(
                    initial={
                        n: (connection.settings if connection else {}).get(n, "")
                        for n in SETTING_FIELDS
                    }
                ),
                "new_token": new_token,
                "push_url": push_url,
                "logs": SyncLog.objects.filter(shop=self.shop)[:5],
                **extra,
            },
        )
