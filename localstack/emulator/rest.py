"""Model-driven helpers for the REST-JSON services the extension owns (bedrock-agent,
bedrock-agentcore-control): a request's input members read where the model puts them,
stored documents trimmed to an output shape, pages sized by the model's list bounds, and
errors with the model's HTTP status. The botocore models are read once (a cache of
constant data, not state)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, TypeVar
from urllib.parse import parse_qs

import botocore.session
from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from .router import Call
from .state import Doc
from .util import rid
from .wsgi import ApiError

T = TypeVar("T")


@cache
def service_model(service: str) -> ServiceModel:
    return botocore.session.get_session().get_service_model(service)


@cache
def operation(service: str, op: str) -> OperationModel:
    return service_model(service).operation_model(op)


def shape(service: str, name: str) -> Shape:
    return service_model(service).shape_for(name)


def _scalar(raw: str, s: Shape) -> object:
    if s.type_name in ("integer", "long"):
        return int(raw)
    if s.type_name == "boolean":
        return raw.lower() == "true"
    return raw


def inputs(call: Call, service: str, op: str) -> Doc:
    """The operation's input members (by member name), from URI labels, query string,
    headers and the JSON body, as the model places them."""
    in_shape = operation(service, op).input_shape
    if in_shape is None:
        return {}
    body: Doc | None = None
    multi: dict[str, list[str]] | None = None
    out: Doc = {}
    for name, m in in_shape.members.items():
        loc = m.serialization.get("location")
        wire = m.serialization.get("name", name)
        value: Any = None
        if loc == "uri":
            value = call.params.get(wire)
        elif loc == "querystring":
            if multi is None:
                multi = parse_qs(str(call.request.environ.get("QUERY_STRING", "")))
            got = multi.get(wire)
            if got:
                value = list(got) if m.type_name == "list" else _scalar(got[0], m)
        elif loc == "header":
            value = call.request.header(wire) or None
        else:
            if body is None:
                body = call.request.json() if call.request.method in ("POST", "PUT", "PATCH") else {}
            value = body.get(wire)
        if value is not None:
            out[name] = value
    return out


def conform(value: T, s: Shape) -> T:
    """`value` with only the members `s` has (recursively); documents are kept whole."""
    if s.metadata.get("document"):
        return value
    if s.type_name == "structure" and isinstance(value, dict):
        assert isinstance(s, StructureShape)
        members = {m.serialization.get("name", n): m for n, m in s.members.items()}
        return {k: conform(v, members[k]) for k, v in value.items()  # type: ignore[return-value]
                if k in members and v is not None}
    if s.type_name == "list" and isinstance(value, list):
        return [conform(v, s.member) for v in value]  # type: ignore[return-value]
    if s.type_name == "map" and isinstance(value, dict):
        return {k: conform(v, s.value) for k, v in value.items()}  # type: ignore[return-value]
    if s.type_name == "timestamp" and isinstance(value, str) and \
            s.serialization.get("timestampFormat", "unixTimestamp") == "unixTimestamp":
        # JSON protocols write timestamps as epoch seconds unless the shape says iso8601.
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()  # type: ignore[return-value]
    return value


def output_member(service: str, op: str, *path: str) -> Shape:
    """The shape at `path` under the operation's output (list members by their item shape)."""
    s: Shape = operation(service, op).output_shape
    for p in path:
        s = s.members[p]  # type: ignore[attr-defined]
        if s.type_name == "list":
            s = s.member  # type: ignore[attr-defined]
    return s


def page(items: list[Doc], inp: Doc, service: str, op: str, key: str) -> Doc:
    """One page of `items` under `key`: maxResults (capped by the list's max in the model,
    which is also the default) and nextToken (an offset this emulator issued)."""
    cap = operation(service, op).output_shape.members[key].metadata.get("max")
    n = int(inp.get("maxResults") or cap or 100)
    if cap:
        n = min(n, cap)
    token = inp.get("nextToken")
    start = 0
    if token:
        if not str(token).isdigit():
            raise ApiError(400, "ValidationException", f"Invalid nextToken {token!r}.")
        start = int(token)
    out: Doc = {key: items[start:start + n]}
    if start + n < len(items):
        out["nextToken"] = str(start + n)
    return out


def error(service: str, code: str, message: str) -> ApiError:
    """An error of the service's model with the model's HTTP status (400 if unmodeled)."""
    try:
        status = int(shape(service, code).metadata.get("error", {}).get("httpStatusCode", 400))
    except Exception:  # not a shape of this model
        status = 400
    return ApiError(status, code, message)


def new_id(n: int = 10) -> str:
    """An upper-case alphanumeric id, as Bedrock agents, KBs, flows and prompts have."""
    return rid(n).upper()
