"""A middleware for the benchmark's servers: the number of SQL queries of each response, in
an X-Query-Count header, so the load generator reads it from outside the server process."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with CaptureQueriesContext(connection) as captured:
            response = self.get_response(request)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        # Savepoints are bookkeeping of ATOMIC_REQUESTS, not reads.
        queries = [q for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
        response["X-Query-Count"] = str(len(queries))
        return response
