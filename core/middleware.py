from django.utils.cache import add_never_cache_headers


class PrivatePagesMiddleware:
    """A page or file served to a logged-in person holds personal data (names, records,
    evidence, reports): no browser, proxy or shared computer may keep a copy of it. Such a
    response is sent with ``Cache-Control: max-age=0, no-cache, no-store, must-revalidate,
    private`` (Django's ``never_cache``). Static files are served by WhiteNoise before this
    middleware and keep their long cache lifetime."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class ErrorPagesMiddleware:
    """The answers that come back without a page of their own (a view's 405 for a method it
    does not take, a 429) get the site's error page; Django's ``Allow`` header is kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (405, 429) and not response.content:
            from .errors import render_error

            page = render_error(request, response.status_code)
            for header in ("Allow", "Retry-After"):
                if header in response:
                    page[header] = response[header]
            return page
        return response
