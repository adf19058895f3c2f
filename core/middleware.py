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
