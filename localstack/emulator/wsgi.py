"""WSGI plumbing: the request view, responses, and API errors in each protocol's shape."""

from __future__ import annotations

import io
import json
import os
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote
from xml.sax.saxutils import escape

from moto.iam.models import get_account_id_from

from . import cbor

Environ = dict[str, Any]
StartResponse = Callable[..., Callable[[bytes], object]]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]
JSON = dict[str, Any]

AUTH_RE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
REASONS = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 400: "Bad Request", 403: "Forbidden",
           404: "Not Found", 409: "Conflict", 500: "Internal Server Error", 503: "Service Unavailable"}


class Request:
    """A read-only view of one WSGI request; the body is read once and put back for moto."""

    def __init__(self, environ: Environ) -> None:
        self.environ = environ
        m = AUTH_RE.search(environ.get("HTTP_AUTHORIZATION", ""))
        self.access_key: str | None = m.group(1) if m else None
        self.region: str | None = m.group(2) if m else None
        self.service: str | None = m.group(3) if m else None

    @property
    def method(self) -> str:
        return str(self.environ["REQUEST_METHOD"])

    @property
    def path(self) -> str:
        return str(self.environ.get("PATH_INFO", ""))

    def header(self, name: str) -> str:
        return str(self.environ.get("HTTP_" + name.upper().replace("-", "_"), ""))

    def segments(self) -> list[str]:
        """Path segments of the raw (undecoded) path, each decoded: %2F stays inside one."""
        env = self.environ
        raw = env.get("RAW_URI") or env.get("REQUEST_URI") or env.get("PATH_INFO", "/")
        path = raw.split("?", 1)[0]
        if "://" in path:  # absolute-form request line
            path = "/" + path.split("://", 1)[1].split("/", 1)[-1]
        return [unquote(s) for s in path.split("/")[1:] if s != ""]

    def query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.environ.get("QUERY_STRING", "")).items()}

    def body(self) -> bytes:
        env = self.environ
        if "emu.body" in env:
            return bytes(env["emu.body"])
        stream = env["wsgi.input"]
        try:
            n = int(env.get("CONTENT_LENGTH") or 0)
        except ValueError:
            n = 0
        if n > 0:
            data = stream.read(n)
        else:
            data = stream.read() if env.get("wsgi.input_terminated") else b""
        env["wsgi.input"] = io.BytesIO(data)
        env["CONTENT_LENGTH"] = str(len(data))
        env["emu.body"] = data
        return bytes(data)

    def json(self) -> JSON:
        raw = self.body()
        if not raw.strip():
            return {}
        out = json.loads(raw)
        if not isinstance(out, dict):
            raise ValueError("the request body is not a JSON object")
        return out

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body().decode()).items()}

    def account(self) -> str:
        """The caller's account: moto's own access-key -> account mapping."""
        if os.environ.get("MOTO_ACCOUNT_ID"):
            return os.environ["MOTO_ACCOUNT_ID"]
        if self.environ.get("HTTP_X_MOTO_ACCOUNT_ID"):
            return str(self.environ["HTTP_X_MOTO_ACCOUNT_ID"])
        return str(get_account_id_from(self.access_key or "AKIAEXAMPLE"))


@dataclass(frozen=True)
class Response:
    status: str  # the whole status line, "200 OK"
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)

    def send(self, start_response: StartResponse) -> list[bytes]:
        start_response(self.status, self.headers)
        return [self.body]


def reply(status: int, body: object, content_type: str = "application/json",
          headers: Iterable[tuple[str, str]] = ()) -> Response:
    """A response; `body` is bytes, text, or a value to serialise as JSON."""
    if not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    data = body.encode() if isinstance(body, str) else body
    hdrs = [("Content-Type", content_type), ("Content-Length", str(len(data))),
            ("x-amzn-RequestId", str(uuid.uuid4())), *headers]
    return Response(f"{status} {REASONS.get(status, '')}", data, hdrs)


class ApiError(Exception):
    """An AWS error; rendered in the shape of the service's protocol (see render_error)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def render_error(err: ApiError, protocol: str, json_version: str = "1.1",
                 xml_namespace: str = "", shape_namespace: str = "") -> Response:
    if protocol == "smithy-rpc-v2-cbor":  # __type: the error's shape id
        data = cbor.encode({"__type": f"{shape_namespace}#{err.code}" if shape_namespace else err.code,
                            "message": err.message})
        return reply(err.status, data, content_type="application/cbor",
                     headers=[("smithy-protocol", "rpc-v2-cbor")])
    if protocol == "rest-json":
        return reply(err.status, {"message": err.message}, headers=[("x-amzn-ErrorType", err.code)])
    if protocol == "json":
        return reply(err.status, {"__type": err.code, "message": err.message},
                     content_type=f"application/x-amz-json-{json_version}")
    xml = (f'<ErrorResponse xmlns="{xml_namespace}"><Error><Type>Sender</Type><Code>{err.code}</Code>'
           f"<Message>{escape(err.message)}</Message></Error>"
           f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>")
    return reply(err.status, xml, content_type="text/xml")


def query_result(action: str, namespace: str, inner: str | None) -> Response:
    """A query-protocol (IAM, STS) answer; `inner` None: an operation without output."""
    result = "" if inner is None else f"<{action}Result>{inner}</{action}Result>"
    xml = (f'<{action}Response xmlns="{namespace}">{result}'
           f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata></{action}Response>")
    return reply(200, xml, content_type="text/xml")


def xml_members(values: dict[str, str | None], fields: Iterable[str]) -> str:
    """<Field>value</Field> for each field present (not None), in `fields` order."""
    return "".join(f"<{f}>{escape(str(values[f]))}</{f}>" for f in fields if values.get(f) is not None)
