"""The administrator (a login without a person) configures and does not publish in the
experience exchange: the new-article and new-meeting pages say so in Chinese, in the site's
frame, and the list offers no button to publish."""

import pytest
from django.urls import reverse

from exchange.models import Article, ExchangeMeeting

pytestmark = pytest.mark.django_db


def test_the_administrator_is_told_why_and_nothing_is_published(client, institute):
    client.force_login(institute.admin)
    for name in ("exchange:create", "exchange:meeting_create"):
        response = client.get(reverse(name))
        page = response.content.decode()
        assert response.status_code == 403
        assert "系统管理员负责系统配置" in page and "请用本人账号登录" in page and "Forbidden" not in page
    response = client.post(reverse("exchange:create"), {"title": "三张清单", "body": "经验"})
    assert response.status_code == 403 and not Article.objects.exists()
    assert not ExchangeMeeting.objects.exists()
    listing = client.get(reverse("exchange:list")).content.decode()
    assert reverse("exchange:create") not in listing
