"""Notes where an accepted create form led, so that the same page sent again is answered with a
link to what it saved (``formguard.forms.submitted_twice``)."""

import uuid

from .models import SubmissionToken


class SubmissionResultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "POST" and response.status_code in (302, 303) and response.get("Location"):
            keys = []
            for name, value in request.POST.items():
                if name.endswith("submission_token"):  # also under a form prefix
                    try:
                        keys.append(uuid.UUID(value))
                    except (ValueError, AttributeError, TypeError):
                        continue
            if keys:
                SubmissionToken.objects.filter(key__in=keys, result_url="").update(
                    result_url=response["Location"][:500]
                )
        return response
