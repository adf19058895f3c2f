"""Sign-in with the institute directory (issue 16), against a real OpenLDAP server: Debian's
slapd, started here on a free loopback port with a throw-away configuration and a small test
directory (slapadd), once for the session, and stopped after. It does not use the package's own
service or database, so it works where slapd was installed non-interactively and never set up.

People sign in with the directory's password through django-auth-ldap and are matched to the
roster by employee number; django-axes stays in front."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import User
from branches.models import Person

from .factories import PASSWORD, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"
BASE = "dc=institute,dc=example"
ROOT_DN = f"cn=admin,{BASE}"
ROOT_PW = "directory-admin-secret"
PEOPLE = f"ou=people,{BASE}"

# uid, name, employee number (None: the entry has none), password
DIRECTORY = [
    ("liuming", "刘明", "L1001", "Dir-pass-liu-1001"),
    ("wangfang", "王芳", "L1002", "Dir-pass-wang-1002"),
    ("gone", "离岗", "L1003", "Dir-pass-gone-1003"),
    ("retiree", "退休者", "L1004", "Dir-pass-retired-1004"),
    ("stranger", "外人", "L9999", "Dir-pass-stranger-9"),
    ("nonumber", "无工号", None, "Dir-pass-nonumber-0"),
]


def _ldif() -> str:
    entries = [
        f"dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: institute\no: Institute\n",
        f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n",
    ]
    for uid, name, number, password in DIRECTORY:
        entry = (
            f"dn: uid={uid},{PEOPLE}\nobjectClass: inetOrgPerson\nuid: {uid}\n"
            f"cn:: {_b64(name)}\nsn: {uid}\nuserPassword: {password}\n"
        )
        if number:
            entry += f"employeeNumber: {number}\n"
        entries.append(entry)
    return "\n".join(entries)


def _b64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode()).decode()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def slapd():
    """A running slapd with the test directory; yields its URL."""
    assert os.path.exists(SLAPD), "slapd is not installed (scripts/test installs Debian's slapd)"
    folder = Path(tempfile.mkdtemp(prefix="cxzy-slapd-"))
    (folder / "db").mkdir()
    conf = folder / "slapd.conf"
    conf.write_text(
        "\n".join(
            [
                "include /etc/ldap/schema/core.schema",
                "include /etc/ldap/schema/cosine.schema",
                "include /etc/ldap/schema/inetorgperson.schema",
                f"pidfile {folder}/slapd.pid",
                f"argsfile {folder}/slapd.args",
                "modulepath /usr/lib/ldap",
                "moduleload back_mdb",
                "database mdb",
                "maxsize 10485760",
                f'suffix "{BASE}"',
                f'rootdn "{ROOT_DN}"',
                f"rootpw {ROOT_PW}",
                f"directory {folder}/db",
                # A person may bind (check a password); nobody reads passwords.
                "access to attrs=userPassword by anonymous auth by * none",
                "access to * by * read",
                "",
            ]
        )
    )
    (folder / "data.ldif").write_text(_ldif())
    subprocess.run(
        [SLAPADD, "-f", str(conf), "-l", str(folder / "data.ldif")], check=True, capture_output=True
    )
    port = _free_port()
    url = f"ldap://127.0.0.1:{port}"
    # -d 0: stay in the foreground (the test owns the process), log nothing.
    process = subprocess.Popen(
        [SLAPD, "-h", f"{url}/", "-f", str(conf), "-d", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            if process.poll() is not None:
                raise RuntimeError(f"slapd stopped: {process.stderr.read().decode(errors='replace')}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("slapd did not start listening")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def ldap_on(settings, slapd):
    """The settings config/settings.py makes from LDAP_URL and its companions."""
    import ldap
    from django_auth_ldap.config import LDAPSearch

    settings.LDAP_URL = slapd
    settings.AUTH_LDAP_SERVER_URI = slapd
    settings.AUTH_LDAP_BIND_DN = ROOT_DN
    settings.AUTH_LDAP_BIND_PASSWORD = ROOT_PW
    settings.AUTH_LDAP_USER_SEARCH = LDAPSearch(PEOPLE, ldap.SCOPE_SUBTREE, "(uid=%(user)s)")
    settings.AUTH_LDAP_ALWAYS_UPDATE_USER = False
    settings.LDAP_EMPLOYEE_NUMBER_ATTR = "employeeNumber"
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "accounts.ldap.LDAPBackend",
        "accounts.backends.ModelBackend",
    ]
    return settings


@pytest.fixture
def roster(institute):
    c = institute.committee
    liu = PersonFactory(committee=c, name="刘明", employee_no="L1001", user=UserFactory(username="liuming"))
    wang = PersonFactory(committee=c, name="王芳", employee_no="L1002")
    gone_user = UserFactory(username="ligang")
    gone_user.is_active = False
    gone_user.save()
    gone = PersonFactory(committee=c, name="离岗", employee_no="L1003", user=gone_user)
    retiree = PersonFactory(committee=c, name="退休者", employee_no="L1004", status=Person.Status.RETIRED)
    return liu, wang, gone, retiree


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_directory_password_signs_in_the_person_matched_by_employee_number(client, ldap_on, roster):
    liu = roster[0]
    history = User.history.filter(id=liu.user_id).count()
    response = sign_in(client, "liuming", "Dir-pass-liu-1001")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == liu.user_id
    assert client.session["_auth_user_backend"] == "accounts.ldap.LDAPBackend"
    home = client.get(reverse("home"))
    assert home.status_code == 200 and "刘明" in home.content.decode()
    # The directory's password is the password: the local one (the slip's) is not asked for,
    # nor is a change forced; a sign-in writes nothing to the login's history.
    assert User.history.filter(id=liu.user_id).count() == history


def test_a_known_person_without_login_gets_one_at_the_first_sign_in(client, ldap_on, roster):
    wang = roster[1]
    assert sign_in(client, "wangfang", "Dir-pass-wang-1002").status_code == 302
    wang.refresh_from_db()
    user = wang.user
    assert user is not None and user.username == "wangfang" and not user.has_usable_password()
    assert int(client.session["_auth_user_id"]) == user.pk
    # No local password to change: the page says where the password lives.
    page = client.get(reverse("password_change")).content.decode()
    assert "请在单位目录中修改密码" in page and "new_password1" not in page
    client.logout()
    assert sign_in(client, "wangfang", "Dir-pass-wang-1002").status_code == 302
    assert User.objects.filter(person__employee_no="L1002").count() == 1


@pytest.mark.parametrize(
    "uid, password, message",
    [
        ("stranger", "Dir-pass-stranger-9", "在本系统名册中找不到对应的人员"),
        ("nonumber", "Dir-pass-nonumber-0", "在本系统名册中找不到对应的人员"),
        ("gone", "Dir-pass-gone-1003", "您的登录已停用"),
        ("retiree", "Dir-pass-retired-1004", "您已不再参加本活动"),
    ],
)
def test_refusals_say_why_and_create_nothing(client, ldap_on, roster, uid, password, message):
    logins = User.objects.count()
    response = sign_in(client, uid, password)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == logins


def test_a_wrong_directory_password_is_refused_and_counted_by_axes(client, ldap_on, roster, settings):
    response = sign_in(client, "liuming", "not-the-password")
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "liuming", "not-the-password")
    locked = sign_in(client, "liuming", "Dir-pass-liu-1001")
    assert locked.status_code == 429 and "_auth_user_id" not in client.session


def test_local_passwords_still_work_for_logins_the_directory_does_not_know(client, ldap_on, institute):
    assert sign_in(client, "admin", PASSWORD).status_code == 302


def test_without_ldap_url_only_local_passwords(client, roster, settings):
    assert "accounts.ldap.LDAPBackend" not in settings.AUTHENTICATION_BACKENDS
    assert sign_in(client, "liuming", "Dir-pass-liu-1001").status_code == 200
    assert sign_in(client, "liuming", PASSWORD).status_code == 302


def test_settings_are_made_from_the_environment():
    """config/settings.py turns LDAP_URL and the LDAP_* variables into django-auth-ldap's."""
    code = (
        "from django.conf import settings as s;"
        "print(s.AUTHENTICATION_BACKENDS[1], s.AUTH_LDAP_SERVER_URI, s.AUTH_LDAP_BIND_DN,"
        " s.AUTH_LDAP_USER_SEARCH.base_dn, s.AUTH_LDAP_USER_SEARCH.filterstr, s.LDAP_EMPLOYEE_NUMBER_ATTR)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LDAP_URL": "ldap://127.0.0.1:3899",
        "LDAP_BIND_DN": "cn=reader,dc=x",
        "LDAP_BIND_PASSWORD": "pw",
        "LDAP_USER_SEARCH_BASE": "ou=people,dc=x",
        "LDAP_USER_FILTER": "(sAMAccountName=%(user)s)",
        "LDAP_EMPLOYEE_NUMBER_ATTR": "employeeID",
    }
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == [
        "accounts.ldap.LDAPBackend",
        "ldap://127.0.0.1:3899",
        "cn=reader,dc=x",
        "ou=people,dc=x",
        "(sAMAccountName=%(user)s)",
        "employeeID",
    ]
