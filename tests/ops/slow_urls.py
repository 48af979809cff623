"""The project's URLs plus a request that takes its time: /ops-test/slow/?seconds=2 marks its
start with a file in SLOW_MARK_DIR (the test waits for the marks), sleeps, answers "done"."""

import os
import time
import uuid
from pathlib import Path

from django.http import HttpResponse
from django.urls import include, path


def slow(request):
    seconds = min(float(request.GET.get("seconds", "0")), 10.0)
    if marks := os.environ.get("SLOW_MARK_DIR"):
        (Path(marks) / uuid.uuid4().hex).touch()
    time.sleep(seconds)
    return HttpResponse("done")


urlpatterns = [
    path("ops-test/slow/", slow, name="ops-test-slow"),
    path("", include("marketplace.urls")),
]
