"""The project's URLs plus two views the observability tests need: one that starts a task
inside the request's transaction, one that raises."""

from django.http import JsonResponse
from django.urls import include, path

from marketplace.tasks import ping
from marketplace.urls import handler500  # noqa: F401 (the project's error page)


def send_ping(request, queue):
    # ATOMIC_REQUESTS: OnCommitTask sends this when the request's transaction commits.
    result = ping.apply_async(args=["observability"], queue=queue)
    return JsonResponse({"task_id": result.id})


def boom(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [
    path("ops-test/ping/<slug:queue>/", send_ping, name="ops-test-ping"),
    path("ops-test/boom/", boom, name="ops-test-boom"),
    path("", include("marketplace.urls")),
]
