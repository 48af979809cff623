"""The page a person sees when the server fails: plain, in their language, with a code to
quote. It touches neither the database nor the cache, which may be what failed, and shows no
trace of the error itself."""

from django.http import HttpResponseServerError
from django.template import loader

from marketplace.observability.context import request_id


def server_error(request):
    page = loader.get_template("500.html").render({"request_id": request_id.get() or ""})
    return HttpResponseServerError(page)
