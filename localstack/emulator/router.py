"""The router: routes are named by botocore operation; how to recognise a request for one
(HTTP method and URI template, X-Amz-Target, or Action=) comes from botocore's service
model, so a route cannot drift from the API it claims to answer."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import botocore.session
from botocore.model import ServiceModel

from .state import State
from .wsgi import REASONS, ApiError, Environ, Request, Response, render_error

RPC_V2_CBOR = "smithy-rpc-v2-cbor"


@dataclass(frozen=True)
class Forwarded:
    """moto's own answer to the request being handled."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes


@dataclass
class Call:
    """One request matched to a route: everything a handler may use."""

    request: Request
    state: State
    account: str
    region: str
    params: dict[str, str]  # URI labels, decoded
    query: dict[str, str]
    forward: Callable[[], Forwarded]  # ask moto instead
    forward_environ: Callable[[Environ], Forwarded]  # ask moto another request (a protocol translation)


# A handler answers (Response), or returns moto's answer it looked at (Forwarded), or None:
# moto answers. moto's answers on a route are conformed to the model (Router.conform).
Handler = Callable[[Call], "Response | Forwarded | None"]


@dataclass(frozen=True)
class Route:
    service: str    # SigV4 signing name, also botocore's service name
    operation: str  # botocore operation name
    handler: Handler


@dataclass
class _Compiled:
    route: Route
    protocol: str
    method: str = ""
    template: list[str] = field(default_factory=list)  # rest-json URI, split on "/"
    target: str = ""   # json: the operation in X-Amz-Target
    action: str = ""   # query: Action=
    rpc_path: list[str] = field(default_factory=list)  # smithy-rpc-v2-cbor: service/S/operation/O


class Router:
    """Routes are looked up by the request's SigV4 signing name, which several services share
    (bedrock and bedrock-agent sign as `bedrock`; bedrock-agentcore-control as
    `bedrock-agentcore`): a route's URI template must then be unambiguous among the routed
    services of that name (checked here)."""

    def __init__(self, routes: Iterable[Route]) -> None:
        session = botocore.session.get_session()
        self.models: dict[str, ServiceModel] = {}
        self._by_service: dict[str, list[_Compiled]] = {}  # signing name -> routes
        for r in routes:
            if r.service not in self.models:
                self.models[r.service] = session.get_service_model(r.service)
            model = self.models[r.service]
            op = model.operation_model(r.operation)  # KeyError-like failure if not an AWS operation
            c = _Compiled(r, model.protocol)
            if c.protocol in ("rest-json", "rest-xml"):
                c.method = op.http["method"]
                uri = op.http["requestUri"].split("?", 1)[0]
                c.template = [s for s in uri.split("/") if s]
            elif c.protocol == "json":
                c.target = r.operation
            elif c.protocol == "query":
                c.action = r.operation
            elif c.protocol == RPC_V2_CBOR:
                c.rpc_path = ["service", model.metadata["targetPrefix"], "operation", r.operation]
            else:
                raise ValueError(f"protocol {c.protocol} of {r.service} is not supported")
            # signingName, else endpointPrefix (cloudwatch signs as `monitoring`)
            self._by_service.setdefault(model.signing_name, []).append(c)
        self._check_unambiguous()

    def _check_unambiguous(self) -> None:
        """No route may match a request meant for another routed service's operation that
        signs with the same name (a request carries only the signing name)."""
        for compiled in self._by_service.values():
            services = {c.route.service for c in compiled}
            if len(services) < 2:
                continue
            for c in compiled:
                if not c.template and not c.method:
                    continue
                for other in services - {c.route.service}:
                    model = self.models[other]
                    for name in model.operation_names:
                        http = model.operation_model(name).http
                        tmpl = [x for x in http["requestUri"].split("?", 1)[0].split("/") if x]
                        if http["method"] == c.method and _overlap(c.template, tmpl):
                            raise ValueError(f"{c.route.service}:{c.route.operation} is ambiguous with "
                                             f"{other}:{name} (same signing name)")

    @property
    def routes(self) -> list[Route]:
        return [c.route for cs in self._by_service.values() for c in cs]

    def match(self, req: Request) -> tuple[Route, dict[str, str]] | None:
        compiled = self._by_service.get(req.service or "")
        if not compiled:
            return None
        segments: list[str] | None = None
        form: dict[str, str] | None = None
        for c in compiled:
            if c.template or c.method:
                if req.method != c.method:
                    continue
                if segments is None:
                    segments = req.segments()
                params = _match_template(c.template, segments)
                if params is not None:
                    return c.route, params
            elif c.target:
                # The operation after the last dot: botocore sends its targetPrefix
                # (com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents), the
                # Smithy SDKs the service shape name (CloudTrail_20131101.LookupEvents).
                if req.header("X-Amz-Target").rsplit(".", 1)[-1] == c.target:
                    return c.route, {}
            elif c.rpc_path:
                if req.method == "POST":
                    if segments is None:
                        segments = req.segments()
                    if segments == c.rpc_path:
                        return c.route, {}
            elif c.action and req.method == "POST":
                if form is None:
                    form = req.form()
                if form.get("Action") == c.action:
                    return c.route, {}
        return None

    def unknown_operation(self, req: Request) -> Response | None:
        """For an RPC v2 CBOR request (POST /service/S/operation/O) of a routed service that
        no route matched: 404 UnknownOperationException in CBOR (moto answers 404 HTML)."""
        seg = req.segments()
        if req.method != "POST" or len(seg) != 4 or seg[0] != "service" or seg[2] != "operation":
            return None
        for c in self._by_service.get(req.service or "", []):
            if c.rpc_path and c.rpc_path[1] == seg[1]:
                return self.error(c.route.service, ApiError(
                    404, "UnknownOperationException",
                    f"Operation {seg[3]} of {seg[1]} is not answered over rpc-v2-cbor here (routed: "
                    f"{', '.join(x.route.operation for x in self._by_service[req.service or ''] if x.rpc_path)})"))
        return None

    def conform(self, route: Route, moto: Forwarded) -> Response:
        """moto's answer on an extension route, with what the model fixes corrected: the
        protocol's Content-Type (moto's Flask answers say text/html) and, for an error the
        model lists for the operation, the model's HTTP status."""
        model = self.models[route.service]
        op = model.operation_model(route.operation)
        headers = list(moto.headers)
        status = moto.status
        ctype = {"rest-json": "application/json",
                 "json": f"application/x-amz-json-{model.metadata.get('jsonVersion', '1.1')}"}.get(model.protocol)
        if ctype and _is_json(moto.body):
            headers = [(k, v) for k, v in headers if k.lower() != "content-type"] + [("Content-Type", ctype)]
        if int(status.split(" ", 1)[0]) >= 400:
            code = _error_code(model.protocol, headers, moto.body)
            for shape in op.error_shapes:
                err = shape.metadata.get("error", {})
                want = err.get("httpStatusCode")
                if code in (shape.name, err.get("code")) and want and not status.startswith(f"{want} "):
                    status = f"{want} {REASONS.get(want, '')}"
        return Response(status, moto.body, headers)

    def error(self, service: str, err: ApiError) -> Response:
        model = self.models[service]
        return render_error(err, model.protocol, model.metadata.get("jsonVersion", "1.1"),
                            model.metadata.get("xmlNamespace", ""), f"com.amazonaws.{model.service_name}")

    def bad_request_code(self, service: str) -> str:
        """The common error code for a malformed request in this protocol."""
        return "ValidationError" if self.models[service].protocol == "query" else "ValidationException"


def _match_template(template: list[str], segments: list[str]) -> dict[str, str] | None:
    if len(template) != len(segments):
        return None
    params: dict[str, str] = {}
    for t, s in zip(template, segments):
        if t.startswith("{") and t.endswith("}"):
            params[t[1:-1].rstrip("+")] = s
        elif t != s:
            return None
    return params


def _overlap(a: list[str], b: list[str]) -> bool:
    """Whether some path matches both URI templates."""
    def label(x: str) -> bool:
        return x.startswith("{")
    return len(a) == len(b) and all(x == y or label(x) or label(y) for x, y in zip(a, b))


def _is_json(body: bytes) -> bool:
    if not body.strip():
        return True
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


def _error_code(protocol: str, headers: list[tuple[str, str]], body: bytes) -> str:
    if protocol == "query":
        m = re.search(rb"<Code>([^<]+)</Code>", body)
        return m.group(1).decode() if m else ""
    for k, v in headers:
        if k.lower() == "x-amzn-errortype":
            return v.split(":", 1)[0]
    try:
        doc = json.loads(body)
    except ValueError:
        return ""
    return str(doc.get("__type") or doc.get("code") or "").rsplit("#", 1)[-1] if isinstance(doc, dict) else ""
