"""An uploaded workbook (or a large CSV, issue 17) is parsed and checked in a task, not in
the upload request (issue 15).

The request keeps the cheap checks (size, the archive's directory: a zip bomb is refused
there in milliseconds), stores the file with status "uploaded" and queues the check; the
upload's page follows it through the status endpoint. The task runs under a soft and a hard
time limit; the parse has its own limits on what it unpacks, rows, cells and seconds
(feeds/readers.py). An upload whose check died without a word (a killed worker) is given up
when its page or status is next read, after the hard limit.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from . import feed_apply
from .models import StockFeedUpload, UploadStatus

CHECK_SOFT_SECONDS = 30  # the parse stops itself after feeds.readers.MAX_XLSX_SECONDS (20)
CHECK_HARD_SECONDS = 45
STUCK_AFTER = timedelta(seconds=CHECK_HARD_SECONDS + 60)


def took_too_long() -> str:
    return _("Checking the file took too long; export it as CSV or split it.")


def check_upload(*, upload_id: int) -> None:
    """Parses the stored file and stores the preview, or the reason it is refused. Safe to
    call again: only an upload still waiting for its check is touched."""
    upload = StockFeedUpload.objects.select_related("shop").get(pk=upload_id)
    if upload.status != UploadStatus.UPLOADED:
        return
    with upload.file.open("rb") as stored:
        content = stored.read()
    StockFeedUpload.objects.filter(pk=upload_id).update(progress=20)
    status, summary = feed_apply.examine(
        shop=upload.shop,
        content=content,
        filename=upload.original_name,
        options=upload.summary.get("options") or {},
    )
    StockFeedUpload.objects.filter(pk=upload_id, status=UploadStatus.UPLOADED).update(
        summary=summary, status=status, progress=100
    )


def refuse_upload(*, upload_id: int, message: str) -> None:
    StockFeedUpload.objects.filter(pk=upload_id, status=UploadStatus.UPLOADED).update(
        summary={"error": message}, status=UploadStatus.REJECTED
    )


def give_up_if_stuck(upload: StockFeedUpload, *, now=None) -> None:
    """A check that has not answered long after its hard limit is not coming back."""
    now = now or timezone.now()
    if upload.status == UploadStatus.UPLOADED and upload.created_at < now - STUCK_AFTER:
        refuse_upload(upload_id=upload.pk, message=took_too_long())
        upload.refresh_from_db(fields=["status", "summary"])
