"""HTTP clients of the server under test, on `http.client` so that the client's own cost stays small next to
the server's: one connection each (one per thread), kept open between requests where the server allows it
(gunicorn's sync workers close it after each response; `http.client` then opens the next transparently)."""

import http.client
import re
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode, urlsplit

import orjson

JSON_API = "application/vnd.api+json"
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    seconds: float
    headers: list[tuple[str, str]]

    def json(self) -> Any:
        return orjson.loads(self.body)

    def header_values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]


class HttpClient:
    """A client on one connection to 127.0.0.1:`port`, authenticated as a lead provider by `token`."""

    def __init__(self, port: int, token: str | None = None) -> None:
        self.port = port
        self.token = token
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        sent = {**({"Authorization": f"Bearer {self.token}"} if self.token else {}), **(headers or {})}
        started = time.perf_counter()
        try:
            response = self._send(method, path, body, sent)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed the idle keep-alive connection: open a new one and send again.
            self.connection.close()
            response = self._send(method, path, body, sent)
        payload = response.read()
        return Response(response.status, payload, time.perf_counter() - started, response.getheaders())

    def _send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> http.client.HTTPResponse:
        self.connection.request(method, path, body=body, headers=headers)
        return self.connection.getresponse()

    def get(self, path: str, params: dict[str, str] | None = None) -> Response:
        return self.request("GET", f"{path}?{urlencode(params)}" if params else path)

    def post_json(self, path: str, payload: Any) -> Response:
        return self.request("POST", path, orjson.dumps(payload), {"Content-Type": JSON_API})

    def close(self) -> None:
        self.connection.close()


@dataclass
class Sync:
    """A list followed page by page through `links.next`."""

    pages: int = 0
    rows: int = 0
    nested_rows: int = 0
    bytes: int = 0
    seconds: float = 0.0
    page_seconds: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)


def sync(client: HttpClient, path: str, params: dict[str, str], nested: str | None = None) -> Sync:
    """Every page of a list from its first, following `links.next`. `nested` names a list attribute
    of each row to count too (a participant's `ecf_enrolments`)."""
    result = Sync()
    started = time.perf_counter()
    url: str | None = f"{path}?{urlencode(params)}"
    while url is not None:
        response = client.request("GET", url)
        result.statuses[response.status] = result.statuses.get(response.status, 0) + 1
        result.page_seconds.append(response.seconds)
        result.pages += 1
        result.bytes += len(response.body)
        if response.status != 200:
            break
        body = response.json()
        result.rows += len(body["data"])
        if nested:
            result.nested_rows += sum(len(row["attributes"][nested]) for row in body["data"])
        url = path_of(body.get("links", {}).get("next"))
    result.seconds = time.perf_counter() - started
    return result


def path_of(url: str | None) -> str | None:
    """The path and query of an absolute URL the API gave (`links.next`)."""
    if url is None:
        return None
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


class AdminSession(HttpClient):
    """A staff member signed in to the back office through its login form (session and CSRF cookies)."""

    def __init__(self, port: int) -> None:
        super().__init__(port)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = super().request(method, path, body, {**({"Cookie": cookie} if cookie else {}), **(headers or {})})
        for header in response.header_values("Set-Cookie"):
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def sign_in(self, username: str, password: str) -> None:
        form = self.get("/admin/login/")
        token = CSRF_INPUT.search(form.body)
        if form.status != 200 or token is None:
            raise RuntimeError(f"the admin login form did not load ({form.status})")
        fields = {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1).decode()}
        done = self.request(
            "POST",
            "/admin/login/?next=/admin/",
            urlencode(fields).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        if done.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"the admin sign-in failed ({done.status})")
