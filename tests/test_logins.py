"""Logins for everyone who takes part (issue 16): the office creates them for a unit or for
people ticked in the list, with counts first and a PDF of login slips; the first sign-in forces a
new password; the office resets a password (a new slip), deactivates and reactivates a login;
the login-name rule; the password check against the login name."""

import io
import re

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from accounts.loginnames import next_free_names, pinyin
from accounts.models import User
from branches.models import Person

from .factories import PASSWORD, DepartmentFactory, PersonFactory, UserFactory, make_member
from .test_permission_grid import database_state

pytestmark = pytest.mark.django_db

SITE = "https://cxzy.example.org"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(response.content))
    # Line breaks and the spaces pypdf puts between glyphs do not matter here.
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def unit(institute):
    """A department of 4 people without logins (one of them 张伟 twice) and one with a login,
    plus a retired non-member who takes no part."""
    dept = DepartmentFactory(committee=institute.committee, name="第三研究室")
    people = [
        PersonFactory(committee=institute.committee, department=dept, name=name, employee_no=no)
        for name, no in [("张伟", "A001"), ("张伟", "A002"), ("李娜", "A003"), ("欧阳明", "A004")]
    ]
    PersonFactory(
        committee=institute.committee,
        department=dept,
        name="有登录",
        employee_no="A005",
        user=UserFactory(username="youdenglu"),
    )
    PersonFactory(
        committee=institute.committee, department=dept, name="退休职工", employee_no="A006", status="retired"
    )
    return dept, people


def test_login_names_are_pinyin_with_numbers_for_duplicates_and_never_reused(institute):
    assert pinyin("张伟") == "zhangwei"
    assert pinyin("欧阳明") == "ouyangming"
    assert pinyin("Li 娜-2") == "lina2"
    UserFactory(username="zhangwei")
    inactive = UserFactory(username="zhangwei2")
    inactive.is_active = False
    inactive.save()
    # The deactivated login keeps its name: the next 张伟 gets zhangwei3, then zhangwei4.
    assert next_free_names(["张伟", "张伟", "李娜", "——"]) == ["zhangwei3", "zhangwei4", "lina", "user"]


def test_office_sees_counts_then_gets_the_slips_pdf(client, institute, unit):
    dept, people = unit
    office = institute.office.user
    client.force_login(office)
    url = reverse("logins:issue")
    page = client.get(url, {"unit": f"d{dept.pk}"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "为 4 人创建登录，1 人已有登录" in text
    assert "1 人既不在职也不是党员，不创建登录" in text
    assert "张伟" in text and "欧阳明" in text

    response = client.post(url, {"unit": f"d{dept.pk}"})
    assert response.status_code == 200
    text = pdf_text(response)
    for person in Person.objects.filter(pk__in=[p.pk for p in people]).select_related("user"):
        user = person.user
        assert user is not None and user.must_change_password and user.is_active
        assert person.name in text and user.username in text
        assert "第三研究室" in text
    usernames = sorted(
        Person.objects.filter(department=dept, user__isnull=False).values_list("user__username", flat=True)
    )
    assert usernames == ["lina", "ouyangming", "youdenglu", "zhangwei", "zhangwei2"]
    assert SITE in text
    assert "初始密码" in text and "登录单" in text
    # The one-time passwords: printed, 12 signs each, stored only as hashes that match them.
    passwords = re.findall(r"初始密码([a-z2-9]{12})", text)
    assert len(passwords) == 4
    for password in passwords:
        assert not User.objects.filter(password__contains=password).exists()
    assert (
        sum(u.check_password(p) for u in User.objects.filter(username__in=usernames) for p in passwords) == 4
    )
    # Who created them, kept in the history of the login and of the person.
    assert User.history.filter(username="lina", history_type="+", history_user=office).exists()
    assert Person.history.filter(name="李娜", user_id__isnull=False, history_user=office).exists()
    assert not Person.objects.get(name="退休职工").user_id


def test_a_second_click_creates_nothing(client, institute, unit):
    dept, _people = unit
    client.force_login(institute.office.user)
    client.post(reverse("logins:issue"), {"unit": f"d{dept.pk}"})
    before = database_state()
    response = client.post(reverse("logins:issue"), {"unit": f"d{dept.pk}"}, follow=True)
    assert "已有登录" in response.content.decode()
    assert database_state() == before


def test_logins_for_people_ticked_in_the_list(client, institute, unit):
    _dept, people = unit
    client.force_login(institute.office.user)
    listing = client.get(reverse("logins:list"), {"q": "张伟"})
    assert listing.status_code == 200
    assert listing.content.decode().count('name="person"') == 2
    page = client.get(reverse("logins:issue"), {"person": [people[2].pk]})
    assert "为 1 人创建登录，0 人已有登录" in page.content.decode()
    response = client.post(reverse("logins:issue"), {"person": [people[2].pk]})
    assert "李娜" in pdf_text(response)
    assert Person.objects.get(pk=people[2].pk).user.username == "lina"
    assert Person.objects.get(pk=people[0].pk).user is None


def test_bad_choices_change_nothing_and_say_why(client, institute, unit):
    client.force_login(institute.office.user)
    before = database_state()
    nothing = client.post(reverse("logins:issue"), {})
    assert "请选择一个单位，或在登录列表中勾选人员。" in nothing.content.decode()
    foreign = client.post(reverse("logins:issue"), {"person": [institute.foreign_member.pk]})
    assert "所选人员中有不在本单位名册中的人。" in foreign.content.decode()
    other_unit = client.post(reverse("logins:issue"), {"unit": "d999999"})
    assert other_unit.status_code == 200 and "application/pdf" not in other_unit["Content-Type"]
    assert database_state() == before


def test_first_sign_in_forces_a_new_password(client, institute, unit):
    _dept, people = unit
    client.force_login(institute.office.user)
    text = pdf_text(client.post(reverse("logins:issue"), {"person": [people[2].pk]}))
    password = re.search(r"初始密码([a-z2-9]{12})", text).group(1)
    client.logout()

    signed_in = client.post(reverse("login"), {"username": "lina", "password": password})
    assert signed_in.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"] == reverse("password_change")
    assert client.get(reverse("logins:list")).status_code == 302
    form = client.get(reverse("password_change"))
    assert "您用登录单上的初始密码登录" in form.content.decode()
    # Not the name again, not too like it: refused with a Chinese message, nothing changed.
    refused = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "lina-lina-2026", "new_password2": "lina-lina-2026"},
    )
    assert "密码不能包含您的登录名或姓名拼音。" in refused.content.decode()
    assert User.objects.get(username="lina").must_change_password
    changed = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "Wo-de-mima-2026", "new_password2": "Wo-de-mima-2026"},
    )
    assert changed.status_code == 302 and changed["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    user = User.objects.get(username="lina")
    assert not user.must_change_password and user.check_password("Wo-de-mima-2026")


def test_reset_gives_a_new_slip_and_ends_the_old_password(client, institute):
    member = institute.member
    office = institute.office.user
    client.force_login(office)
    response = client.post(reverse("logins:reset", args=[member.pk]))
    text = pdf_text(response)
    password = re.search(r"初始密码([a-z2-9]{12})", text).group(1)
    assert member.user.username in text and member.name in text
    user = User.objects.get(pk=member.user_id)
    assert user.must_change_password and user.check_password(password) and not user.check_password(PASSWORD)
    assert user.history.filter(history_user=office, must_change_password=True).exists()


def test_deactivate_and_reactivate_keep_history(client, institute):
    member = institute.member
    office = institute.office.user
    client.force_login(office)
    response = client.post(reverse("logins:deactivate", args=[member.pk]), follow=True)
    assert "已停用" in response.content.decode()
    user = User.objects.get(pk=member.user_id)
    assert not user.is_active
    assert user.history.filter(history_user=office, is_active=False).exists()
    client.logout()
    refused = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert refused.status_code == 200
    client.force_login(office)
    client.post(reverse("logins:reactivate", args=[member.pk]))
    assert User.objects.get(pk=member.user_id).is_active
    assert User.objects.filter(pk=member.user_id).exists()  # never deleted


def test_wrong_state_and_admin_logins_are_refused_with_a_message(client, institute):
    client.force_login(institute.office.user)
    before = database_state()
    again = client.post(reverse("logins:reactivate", args=[institute.member.pk]), follow=True)
    assert "已有可用的登录" in again.content.decode()
    no_login = client.post(reverse("logins:reset", args=[institute.member2.pk]), follow=True)
    assert "还没有登录" in no_login.content.decode()
    own = client.post(reverse("logins:deactivate", args=[institute.office.pk]), follow=True)
    assert "不能停用自己的登录" in own.content.decode()
    assert database_state() == before


def test_another_institute_is_not_found_and_others_are_refused(client, institute, users):
    foreign = make_member(institute.foreign_branch, name="外所有登录", user=True)
    client.force_login(institute.office.user)
    for name in ("reset", "deactivate", "reactivate"):
        assert client.post(reverse(f"logins:{name}", args=[foreign.pk])).status_code == 404
    for role in ("staff", "member", "secretary", "leader"):
        client.force_login(users[role])
        assert client.get(reverse("logins:list")).status_code == 403
        assert client.post(reverse("logins:deactivate", args=[institute.member.pk])).status_code == 403
    assert User.objects.get(pk=institute.member.user_id).is_active


def test_password_containing_the_login_name_is_refused(institute):
    staff = institute.staff.user  # login "staff", person 孙职工
    with pytest.raises(ValidationError) as refused:
        password_validation.validate_password("staffstaff1", staff)
    assert "密码不能包含您的登录名或姓名拼音。" in refused.value.messages
    with pytest.raises(ValidationError):
        password_validation.validate_password("Sunzhigong-2026", staff)
    password_validation.validate_password("Qiu-tian-de-feng-7", staff)


def _grow(institute, n):
    dept = DepartmentFactory(committee=institute.committee, name=f"扩展部门{n}")
    for i in range(n):
        user = UserFactory(username=f"grow{n}x{i}") if i % 2 else None
        PersonFactory(committee=institute.committee, department=dept, name=f"人员{i}", user=user)
    return dept


def test_login_pages_cost_the_same_however_many_people(client, institute, django_assert_max_num_queries):
    client.force_login(institute.office.user)
    dept = _grow(institute, 3)
    pages = [
        (reverse("logins:list"), {}),
        (reverse("logins:list"), {"unit": f"d{dept.pk}", "q": "人员"}),
        (reverse("logins:issue"), {"unit": f"d{dept.pk}"}),
    ]
    counts = []
    for url, params in pages:
        with django_assert_max_num_queries(30) as small:
            assert client.get(url, params).status_code == 200
        counts.append(len(small.captured_queries))
    dept_big = _grow(institute, 60)
    for (url, params), n in zip(pages, counts, strict=True):
        params = {**params, "unit": f"d{dept_big.pk}"} if "unit" in params else params
        with django_assert_max_num_queries(n):
            assert client.get(url, params).status_code == 200


def test_deactivating_or_resetting_ends_open_sessions(client, institute):
    from django.test import Client

    member, staff = institute.member, institute.staff
    signed_in = {}
    for person in (member, staff):
        other = Client()
        other.force_login(person.user)
        assert other.get(reverse("home")).status_code == 200
        signed_in[person.pk] = other
    client.force_login(institute.office.user)
    client.post(reverse("logins:deactivate", args=[member.pk]))
    client.post(reverse("logins:reset", args=[staff.pk]))
    for other in signed_in.values():
        assert other.get(reverse("home")).status_code == 302  # back to the login page


def test_a_tampered_unit_is_a_message(client, institute):
    client.force_login(institute.office.user)
    before = database_state()
    for value in ("x1", "d", f"b{institute.foreign_branch.pk}", "b" + "9" * 30):
        response = client.post(reverse("logins:issue"), {"unit": value})
        assert response.status_code == 200
        assert "选择一个有效的选项" in response.content.decode()
    assert database_state() == before


def test_two_offices_issuing_logins_to_namesakes_at_once_both_succeed(
    transactional_db, institute, monkeypatch
):
    """Two offices give logins to two 张伟 of different departments at the same moment: both
    find ``zhangwei`` free, the second insert waits for the first and then takes the next free
    name instead of failing with an error page."""
    import threading

    from django.db import connections

    from accounts import logins
    from accounts.access import compute_access

    dept = DepartmentFactory(committee=institute.committee, name="第四研究室")
    first, second = (
        PersonFactory(committee=institute.committee, department=dept, name="张伟", employee_no=no)
        for no in ("B001", "B002")
    )
    # Both compute their names before either saves: the window the race needs, made certain.
    barrier = threading.Barrier(2)
    computed = logins.next_free_names

    def names_then_wait(names):
        result = computed(names)
        barrier.wait(timeout=30)
        return result

    monkeypatch.setattr(logins, "next_free_names", names_then_wait)
    office_pk = institute.office.user.pk
    results = {}

    def issue(person):
        try:
            # Each thread its own office login and access, as each request has (nothing shared).
            access = compute_access(User.objects.select_related("person").get(pk=office_pk))
            results[person.pk] = logins.logins_issue(
                access=access, people=Person.objects.filter(pk=person.pk)
            )
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            results[person.pk] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(p,)) for p in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(r, list) for r in results.values()), results
    names = sorted(slip.username for r in results.values() for slip in r)
    assert names == ["zhangwei", "zhangwei2"]
    assert (
        sorted(Person.objects.filter(pk__in=[first.pk, second.pk]).values_list("user__username", flat=True))
        == names
    )
