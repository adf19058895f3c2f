"""Logging in and out, changing the password, and weak passwords refused."""

from django.urls import reverse

from .factories import PASSWORD


def test_login_lands_on_home_and_logout(client, institute):
    response = client.post(
        reverse("login"), {"username": institute.secretary.user.username, "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_is_refused_with_a_message(client, institute):
    response = client.post(
        reverse("login"), {"username": institute.secretary.user.username, "password": "nope"}
    )
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in response.content.decode()


def test_password_change(client, institute):
    user = institute.member.user
    client.force_login(user)
    weak = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 200  # too short, too common, entirely numeric
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    strong = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Hong-Qi-2026-xyz", "new_password2": "Hong-Qi-2026-xyz"},
    )
    assert strong.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Hong-Qi-2026-xyz")


def test_calendar_change_history_is_shown_to_the_office(client, institute):
    year = institute.campaign.years.get()
    year.pledges_due_on = year.pledges_due_on.replace(day=20)
    year._history_user = institute.office.user
    year.save()
    client.force_login(institute.office.user)
    page = client.get(reverse("campaigns:current")).content.decode()
    assert "变更记录" in page and "公开承诺公布截止" in page


def test_notify_reaches_inbox_and_mail(client, institute, mailoutbox, django_capture_on_commit_callbacks):
    from accounts.services import notify

    user = institute.member.user
    user.email = "chen@example.org"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(users=[user, institute.staff.user], message="请提交本月通讯报道", link="/records/") == 2
    assert [m.to for m in mailoutbox] == [["chen@example.org"]]  # staff has no address: inbox only
    client.force_login(user)
    page = client.get(reverse("notifications")).content.decode()
    assert "请提交本月通讯报道" in page
    assert client.get(reverse("home")).context["unread_notifications"] == 1
    client.post(reverse("notifications"))
    assert client.get(reverse("home")).context["unread_notifications"] == 0
    # Nobody else's messages are shown.
    client.force_login(institute.secretary.user)
    assert "请提交本月通讯报道" not in client.get(reverse("notifications")).content.decode()
