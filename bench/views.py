from django.http import HttpResponse
from django.template.loader import render_to_string


def floor(request):
    """The floor of the benchmark: Django renders a template and queries nothing (no session,
    no login, no context processors)."""
    rows = [(n, f"第{n}党支部", n * 7 % 100) for n in range(1, 41)]
    return HttpResponse(render_to_string("bench/floor.html", {"rows": rows}))
