"""Error pages: in the site's frame (the menu), in the reader's language, saying what happened
and where to go — never Django's bare English "Not Found" or an empty 405."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _page(response):
    return response.content.decode()


def test_not_found_in_chinese_with_the_menu(client, institute):
    client.force_login(institute.staff.user)
    response = client.get("/no-such-page/")
    html = _page(response)
    assert response.status_code == 404
    assert "页面不存在" in html and "Not Found" not in html
    assert 'data-testid="notifications"' in html  # the logged-in menu is there
    assert "返回首页" in html


def test_another_branchs_record_is_the_same_page(client, institute):
    client.force_login(institute.other_secretary.user)
    response = client.get(reverse("branches:branch_detail", args=[institute.branch.pk]))
    assert response.status_code == 404 and "页面不存在" in _page(response)


def test_forbidden_in_chinese_with_the_menu(client, institute):
    client.force_login(institute.staff.user)
    response = client.get(reverse("audit_log"))
    html = _page(response)
    assert response.status_code == 403
    assert "没有权限" in html and "Forbidden" not in html
    assert 'data-testid="notifications"' in html


def test_method_not_allowed_is_a_page_and_keeps_allow(client, institute):
    client.force_login(institute.staff.user)
    response = client.get(reverse("logout"))  # logging out is a button (POST)
    assert response.status_code == 405
    assert "POST" in response["Allow"]
    assert "不能直接打开" in _page(response)


def test_expired_form_csrf_in_chinese(institute):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "staff", "password": "x"})
    html = _page(response)
    assert response.status_code == 403
    assert "页面已过期" in html and "CSRF verification failed" not in html


def test_bad_request_in_chinese(client):
    response = client.get("/", HTTP_HOST="evil.example")  # not an allowed host
    assert response.status_code == 400
    assert "无法处理" in _page(response)


def test_server_error_in_chinese_and_without_the_menu_when_the_page_fails(client, institute, monkeypatch):
    from home import views

    def broken(self, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.HomeView, "get_context_data", broken)
    client.raise_request_exception = False
    client.force_login(institute.staff.user)
    response = client.get(reverse("home"))
    html = _page(response)
    assert response.status_code == 500
    assert "出错了" in html and 'data-testid="notifications"' in html and "boom" not in html

    # When even the menu cannot be drawn (the database is down), a plain page in Chinese.
    from core import errors

    real = errors.loader.render_to_string

    def menu_fails(name, context=None, request=None):
        if name == "error.html":
            raise RuntimeError("database unavailable")
        return real(name, context, request)

    monkeypatch.setattr(errors.loader, "render_to_string", menu_fails)
    response = client.get(reverse("home"))
    assert response.status_code == 500 and "出错了" in _page(response)


def test_error_pages_follow_the_language(client, institute):
    client.force_login(institute.staff.user)
    client.cookies["django_language"] = "en"
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "The page was not found" in _page(response)
