"""Benchmark only: the number of database queries of each request, in ``X-Query-Count``.

Installed (first in MIDDLEWARE, so it sees the session and login queries too) only when the
environment sets ``BENCH_COUNT_QUERIES=1``; production never runs it."""

from django.db import connection


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        return response
