import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification, User

logger = logging.getLogger(__name__)


def notify(
    *, users: Iterable[User], message: str, link: str = "", subject: str = "", email: bool = True
) -> int:
    """Leave ``message`` in each user's in-app inbox and, where the user has an address, send it
    by e-mail (through Django's mail backend) once the transaction commits. Returns how many."""
    users = [u for u in users if u is not None and u.is_active]
    Notification.objects.bulk_create(Notification(user=u, message=message, link=link) for u in users)
    if email:
        mails = [
            (subject or message[:60], f"{message}\n\n{link}".strip(), settings.DEFAULT_FROM_EMAIL, [u.email])
            for u in users
            if u.email
        ]
        if mails:
            # A mail server that is down must not undo the in-app notification.
            def send():
                try:
                    send_mass_mail(mails, fail_silently=False)
                except OSError:
                    logger.exception("Could not send %d reminder e-mails", len(mails))

            transaction.on_commit(send)
    return len(users)


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
