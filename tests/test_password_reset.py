"""Password reset by e-mail (issue 16): only where mail is configured (EMAIL_HOST), the link
built from SITE_URL and never from the request's Host header, the form throttled by
django-axes as the login is."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_configured(settings):
    settings.EMAIL_HOST = "mail.institute.example"
    settings.PASSWORD_RESET_BY_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://cxzy.institute.example"
    settings.ALLOWED_HOSTS = ["*"]  # as scripts/run allows any host: the Host is the attacker's choice
    return settings


@pytest.fixture
def member_with_mail(institute):
    user = institute.member.user
    user.email = "chen@institute.example"
    user.save()
    return user


def test_without_mail_there_is_no_reset_link_and_the_page_says_ask_the_office(
    client, institute, member_with_mail
):
    login = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") not in login
    assert "忘记密码？请联系创先争优活动办公室。" in login
    page = client.get(reverse("password_reset"))
    assert page.status_code == 200 and "请联系创先争优活动办公室" in page.content.decode()
    client.post(reverse("password_reset"), {"email": member_with_mail.email})
    assert mail.outbox == []


def test_the_link_comes_from_site_url_not_from_the_host_header(client, mail_configured, member_with_mail):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()
    response = client.post(
        reverse("password_reset"), {"email": member_with_mail.email}, HTTP_HOST="evil.example"
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "evil.example" not in message.body and "evil.example" not in message.subject
    link = re.search(r"https://cxzy\.institute\.example/accounts/reset/\S+/", message.body)
    assert link, message.body
    assert "陈党员" in message.body and "新密码" in message.subject

    # The link works (on the real site) and the new password is checked like every other.
    path = link.group(0).removeprefix("https://cxzy.institute.example")
    form = client.get(path, follow=True)
    assert form.status_code == 200
    confirm = form.redirect_chain[-1][0] if form.redirect_chain else path
    refused = client.post(
        confirm,
        {
            "new_password1": "u" + member_with_mail.username + "x9",
            "new_password2": "u" + member_with_mail.username + "x9",
        },
    )
    assert "密码不能包含您的登录名或姓名拼音。" in refused.content.decode()
    done = client.post(
        confirm, {"new_password1": "Chun-feng-hua-yu-8", "new_password2": "Chun-feng-hua-yu-8"}
    )
    assert done.status_code == 302
    assert User.objects.get(pk=member_with_mail.pk).check_password("Chun-feng-hua-yu-8")


def test_the_reset_form_is_throttled_like_the_login(client, mail_configured, member_with_mail):
    limit = mail_configured.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert client.post(reverse("password_reset"), {"email": member_with_mail.email}).status_code == 302
    sent = len(mail.outbox)
    assert sent == limit - 1
    # The limit-th request is the one that locks; after it, nothing more is sent.
    client.post(reverse("password_reset"), {"email": member_with_mail.email})
    locked = client.post(reverse("password_reset"), {"email": member_with_mail.email})
    assert locked.status_code == 429
    assert "尝试" in locked.content.decode() or "分钟" in locked.content.decode()
    assert len(mail.outbox) <= limit
    # Another address from the same client is throttled too (the client's address counts).
    other = client.post(reverse("password_reset"), {"email": "someone@institute.example"})
    assert other.status_code == 429
