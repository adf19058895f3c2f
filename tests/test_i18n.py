"""Chinese is the default language, English is available, and no string lacks its Chinese."""

import shutil
import subprocess

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse


def test_every_marked_string_has_a_chinese_translation(tmp_path, monkeypatch):
    # Re-extract the strings from a copy of the code into a copy of the catalogue: a new string
    # without a translation shows up as untranslated, a changed one as fuzzy.
    source = tmp_path / "src"
    shutil.copytree(
        settings.BASE_DIR,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", "var", ".git", "tests", "node_modules", "bench", "static", "*.mo"
        ),
    )
    locale = source / "locale"
    monkeypatch.chdir(source)
    with override_settings(LOCALE_PATHS=[locale]):
        call_command(
            "makemessages",
            locale=["zh_Hans"],
            no_location=True,
            verbosity=0,
        )
    result = subprocess.run(
        [
            "msgfmt",
            "--check",
            "--statistics",
            "-o",
            "/dev/null",
            str(locale / "zh_Hans/LC_MESSAGES/django.po"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_chinese_is_the_default(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "登录" in page and 'lang="zh-hans"' in page


def test_english_is_available(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("login")).content.decode()
    assert "Log in" in page and 'lang="en"' in page
