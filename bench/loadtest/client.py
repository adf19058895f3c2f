"""A minimal HTTP client on the standard library: one keep-alive connection, cookies, the CSRF
token of Django's forms, and the time and query count of every answer."""

from __future__ import annotations

import http.client
import re
import time
import urllib.parse
from dataclasses import dataclass

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Answer:
    status: int
    seconds: float
    queries: int | None
    location: str
    body: bytes


class Client:
    def __init__(self, base_url: str, cookies: dict[str, str] | None = None, timeout: float = 120):
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.timeout = timeout
        self.cookies = dict(cookies or {})
        self._conn = None

    def _connection(self):
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._conn

    def request(self, method: str, path: str, data: dict | list | None = None, headers=None) -> Answer:
        head = {"Host": f"{self.host}:{self.port}", "Accept-Language": "zh-hans", **(headers or {})}
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            head["Content-Type"] = "application/x-www-form-urlencoded"
            head["Referer"] = f"http://{self.host}:{self.port}{path}"
        for attempt in (1, 2):
            conn = self._connection()
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=head)
                response = conn.getresponse()
                content = response.read()
            except (ConnectionError, http.client.HTTPException):
                self.close()
                if attempt == 2:
                    raise
                continue
            seconds = time.perf_counter() - started
            break
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.headers.get("Connection", "").lower() == "close":
            self.close()
        queries = response.headers.get("X-Query-Count")
        return Answer(
            response.status,
            seconds,
            int(queries) if queries else None,
            response.headers.get("Location", ""),
            content,
        )

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, data) -> Answer:
        return self.request("POST", path, data)

    def form_post(self, path: str, data: dict) -> Answer:
        """GET the form for its CSRF token, then POST ``data`` with it."""
        page = self.get(path)
        match = CSRF_INPUT.search(page.body.decode("utf-8", "replace"))
        token = match.group(1) if match else self.cookies.get("csrftoken", "")
        return self.post(path, {**data, "csrfmiddlewaretoken": token})

    def login(self, username: str, password: str) -> None:
        answer = self.form_post("/accounts/login/", {"username": username, "password": password})
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login of {username} failed: HTTP {answer.status}")

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None
