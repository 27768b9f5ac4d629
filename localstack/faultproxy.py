#!/usr/bin/env python3
"""
TEST INFRASTRUCTURE -- NOT A COMPONENT OF THE perimeter PRODUCT.

faultproxy.py: a deterministic fault-injecting HTTP proxy for perimeter's emulator tests.

It sits between perimeter (AWS SDK for Rust: plain HTTP/1.1, keep-alive, SigV4) and the
local emulator (start.sh), forwards every request to the upstream unchanged and, at a
fixed seed, answers some of them with a fault instead:

  throttle  the protocol's real throttling error (the SDKs classify it as throttling):
              query (iam, sts)  400 <ErrorResponse>...<Code>Throttling</Code>...
              ec2               503 <Response><Errors>...RequestLimitExceeded...
              json (kms, ...)   400 {"__type":"ThrottlingException",...}
              rest-json         429 x-amzn-ErrorType: ThrottlingException
              rest-xml (s3)     503 <Error><Code>SlowDown</Code>...
              rpc-v2-cbor       400 CBOR {"__type":"com.amazonaws.SVC#ThrottlingException",...}
                                (cloudwatch)  + x-amzn-query-error: Throttling;Sender
  5xx       500 InternalFailure / InternalError / InternalServerException or
            503 ServiceUnavailable / ServiceUnavailableException, in the protocol's shape
            (rpc-v2-cbor: a CBOR map with __type and message, smithy-protocol header)
  drop      the request is read, then the connection is closed with no response
  latency   the request is delayed by --latency-ms (+-25 %, deterministic) then forwarded

Usage:
  python localstack/faultproxy.py --upstream http://127.0.0.1:PORT [--port 0] [--seed N]
      [--rate 0.2] [--kinds throttle,5xx,drop,latency] [--latency-ms 50]
      [--fail SERVICE:OPERATION ...] [--stats-file PATH] [--verbose]

Prints one line on stdout, its URL (http://127.0.0.1:PORT), and serves until SIGTERM or
SIGINT; then it writes --stats-file (JSON, as GET /_faults/stats) and exits 0.

Control routes (never faulted, never counted):
  /moto-api/..., /_shim/...   forwarded to the upstream as they are
  GET  /_faults/stats         {"requests", "injected": {kind: n}, "by_operation":
                               {"service:op": {"requests", "injected", "kinds"}},
                               "upstream_errors", "principals", "config"}
  POST /_faults/config        JSON with any of {"rate", "kinds", "fail", "seed",
                              "latency_ms"}; answers the new config. Restarts the
                              occurrence numbering (counters are kept).
  POST /_faults/reset         zeroes the counters and the occurrence numbering.

Request identity: service and Region from the SigV4 credential scope (Authorization
header, or X-Amz-Credential for presigned URLs). Operation: X-Amz-Target's last part
(JSON protocols); Action= in the form body or query string (query protocols, ec2);
<Operation> of POST /service/<Service>/operation/<Operation> (Smithy RPC v2 CBOR:
CloudWatch from the Rust SDK, labelled "cloudwatch:GetMetricData", not by its signing
name "monitoring", whatever the protocol);
REST-JSON (bedrock, ...): "METHOD /first-segment", with "/{}" appended when the path goes
deeper ("GET /guardrails" = ListGuardrails, "GET /guardrails/{}" = GetGuardrail,
"GET /logging/{}"); S3: "METHOD ?subresource" (sorted, '&'-joined, e.g. "GET ?policy",
"GET ?publicAccessBlock") else "METHOD /", "METHOD /{bucket}" or "METHOD /{bucket}/{key}".
--fail takes "service:operation" (a '*' makes it an fnmatch pattern, e.g.
"bedrock:GET /guardrails*"); such requests always get a 5xx, whatever --rate says.

Determinism: the decision for a request is taken from
  sha256(seed | principal | service | operation | region | method | path | body | n)
where n counts earlier identical requests (same key, so a retry gets a fresh but
reproducible draw) and principal is the account/role behind the access key (learnt from
STS AssumeRole answers that pass through the proxy; otherwise the access key id), so
concurrent identical calls made for different accounts do not race for the same n.
Top-level StartTime/EndTime are left out of JSON, form and CBOR bodies (clock-derived
windows, e.g. CloudTrail LookupEvents, CloudWatch GetMetricData). Nothing depends on arrival order across different requests.

Standard library only (Python 3.9+).
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import http.client
import json
import re
import signal
import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit
from xml.sax.saxutils import escape

KINDS: tuple[str, ...] = ("throttle", "5xx", "drop", "latency")
CONTROL_PREFIXES: tuple[str, ...] = ("/moto-api/", "/_shim/", "/_faults/")
HOP_BY_HOP: frozenset[str] = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)
QUERY_SERVICES: frozenset[str] = frozenset(
    {"iam", "sts", "sns", "rds", "elasticache", "cloudformation", "autoscaling",
     "elasticloadbalancing", "monitoring", "redshift", "ses", "sdb"}
)
QUERY_NAMESPACES: dict[str, str] = {
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
}
REST_XML_SERVICES: frozenset[str] = frozenset({"s3", "s3control"})
RPC_V2_CBOR = "smithy-rpc-v2-cbor"
RPC_PATH_RE = re.compile(r"^/service/([^/]+)/operation/([^/]+)$")
# Signing name -> the label used in stats and --fail (CloudWatch signs as "monitoring").
SERVICE_LABELS: dict[str, str] = {"monitoring": "cloudwatch"}
# awsQueryCompatible services (over rpc-v2-cbor / JSON they also name the query error code)
QUERY_COMPATIBLE: frozenset[str] = frozenset({"cloudwatch"})
QUERY_ERROR_CODES: dict[str, str] = {"ThrottlingException": "Throttling"}
S3_SUBRESOURCES: frozenset[str] = frozenset(
    {"accelerate", "acl", "analytics", "attributes", "cors", "delete", "encryption",
     "intelligent-tiering", "inventory", "legal-hold", "lifecycle", "location", "logging",
     "metadataConfiguration", "metrics", "notification", "object-lock",
     "ownershipControls", "policy", "policyStatus", "publicAccessBlock", "replication",
     "requestPayment", "restore", "retention", "select", "session", "tagging", "torrent",
     "uploadId", "uploads", "versioning", "versions", "website"}
)
VOLATILE_FIELDS: frozenset[str] = frozenset({"StartTime", "EndTime"})
SCOPE_RE = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request")
ACCESS_KEY_RE = re.compile(r"<AccessKeyId>([^<]+)</AccessKeyId>")
ASSUMED_ARN_RE = re.compile(r"<Arn>(arn:[^:<]+:sts::\d{12}:assumed-role/[^<]+)</Arn>")
UPSTREAM_TIMEOUT_S = 300.0

# (status, code, message) per protocol; "5xx" has two deterministic variants.
THROTTLE: dict[str, tuple[int, str, str]] = {
    "query": (400, "Throttling", "Rate exceeded"),
    "ec2": (503, "RequestLimitExceeded", "Request limit exceeded."),
    "json": (400, "ThrottlingException", "Rate exceeded"),
    "rest-json": (429, "ThrottlingException", "Too many requests"),
    "rest-xml": (503, "SlowDown", "Please reduce your request rate."),
    RPC_V2_CBOR: (400, "ThrottlingException", "Rate exceeded"),
}
_INTERNAL = "The request processing has failed because of an unknown error, exception or failure."
_UNAVAILABLE = "The request has failed due to a temporary failure of the server."
SERVER_ERRORS: dict[str, tuple[tuple[int, str, str], tuple[int, str, str]]] = {
    "query": ((500, "InternalFailure", _INTERNAL), (503, "ServiceUnavailable", _UNAVAILABLE)),
    "ec2": ((500, "InternalError", "An internal error has occurred."),
            (503, "ServiceUnavailable", _UNAVAILABLE)),
    "json": ((500, "InternalFailure", _INTERNAL), (503, "ServiceUnavailable", _UNAVAILABLE)),
    "rest-json": ((500, "InternalServerException", "Internal server error"),
                  (503, "ServiceUnavailableException", "Service unavailable")),
    "rest-xml": ((500, "InternalError", "We encountered an internal error. Please try again."),
                 (503, "ServiceUnavailable", "Service is unable to handle request.")),
    RPC_V2_CBOR: ((500, "InternalFailure", _INTERNAL), (503, "ServiceUnavailable", _UNAVAILABLE)),
}


# ------------------------------------------------------------------ configuration
@dataclass(frozen=True)
class FaultConfig:
    """The fault settings; immutable, replaced as a whole under the state lock."""

    rate: float = 0.0
    kinds: tuple[str, ...] = KINDS
    fail: tuple[str, ...] = ()
    seed: int = 0
    latency_ms: int = 50

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"rate must be within [0, 1], got {self.rate}")
        unknown = [k for k in self.kinds if k not in KINDS]
        if unknown:
            raise ValueError(f"unknown fault kind(s) {unknown}; known: {list(KINDS)}")
        for f in self.fail:
            service, sep, op = f.partition(":")
            if not sep or not service or not op:
                raise ValueError(f"--fail wants SERVICE:OPERATION, got {f!r}")
        if self.latency_ms < 0:
            raise ValueError("latency_ms must be >= 0")

    def updated(self, data: dict[str, Any]) -> FaultConfig:
        """A copy with the fields present in `data` (a POST /_faults/config body)."""
        unknown = set(data) - {"rate", "kinds", "fail", "seed", "latency_ms"}
        if unknown:
            raise ValueError(f"unknown config field(s): {sorted(unknown)}")
        kinds = data.get("kinds", self.kinds)
        fail = data.get("fail", self.fail)
        return FaultConfig(
            rate=float(data.get("rate", self.rate)),
            kinds=parse_kinds(kinds) if isinstance(kinds, str) else tuple(str(k) for k in kinds),
            fail=(fail,) if isinstance(fail, str) else tuple(str(f) for f in fail),
            seed=int(data.get("seed", self.seed)),
            latency_ms=int(data.get("latency_ms", self.latency_ms)),
        )

    def fails(self, service: str, operation: str) -> bool:
        """Whether --fail names this operation (exactly, or by an fnmatch pattern with '*')."""
        key = f"{service}:{operation}"
        return any(key == f or ("*" in f and fnmatch.fnmatchcase(key, f)) for f in self.fail)

    def to_json(self) -> dict[str, Any]:
        return {"rate": self.rate, "kinds": list(self.kinds), "fail": list(self.fail),
                "seed": self.seed, "latency_ms": self.latency_ms}


def parse_kinds(text: str) -> tuple[str, ...]:
    """'throttle,5xx' -> ('throttle', '5xx'); an empty string enables no kind."""
    return tuple(k.strip() for k in text.split(",") if k.strip())


# ------------------------------------------------------------------ request identity
@dataclass(frozen=True)
class RequestInfo:
    """Who a request is for: AWS service, Region, operation, protocol and caller."""

    service: str
    region: str
    operation: str
    protocol: str
    access_key: str


def credential_scope(headers: Any, query: list[tuple[str, str]]) -> tuple[str, str, str]:
    """(access key, region, service) from the SigV4 Authorization header or presigned URL."""
    m = SCOPE_RE.search(headers.get("Authorization", "") or "")
    if m:
        return m.group(1), m.group(3), m.group(4)
    for k, v in query:
        if k == "X-Amz-Credential":
            parts = v.split("/")
            if len(parts) == 5:
                return parts[0], parts[2], parts[3]
    return "", "", "unknown"


def form_params(headers: Any, body: bytes) -> list[tuple[str, str]]:
    """The form-encoded body's parameters ([] if the body is not a form)."""
    ctype = (headers.get("Content-Type", "") or "").lower()
    if not body or ("x-www-form-urlencoded" not in ctype and not body.startswith(b"Action=")):
        return []
    return parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)


def protocol_of(service: str, headers: Any, form: list[tuple[str, str]], method: str = "",
                path: str = "") -> str:
    """query / ec2 / json / rest-json / rest-xml / smithy-rpc-v2-cbor, from the service and
    the request shape."""
    if method == "POST" and RPC_PATH_RE.match(path) and not headers.get("X-Amz-Target"):
        return RPC_V2_CBOR
    if service == "ec2":
        return "ec2"
    if service in REST_XML_SERVICES:
        return "rest-xml"
    if headers.get("X-Amz-Target"):
        return "json"
    if service in QUERY_SERVICES or any(k == "Action" for k, _ in form):
        return "query"
    return "rest-json"


def rest_operation(service: str, method: str, path: str, query: list[tuple[str, str]]) -> str:
    """Operation label for REST protocols, which carry no operation name on the wire."""
    segments = [s for s in path.split("/") if s]
    if service in REST_XML_SERVICES:
        subs = sorted({k for k, _ in query if k in S3_SUBRESOURCES})
        if subs:
            return f"{method} ?{'&'.join(subs)}"
        return f"{method} " + ("/", "/{bucket}", "/{bucket}/{key}")[min(len(segments), 2)]
    if not segments:
        return f"{method} /"
    return f"{method} /{segments[0]}" + ("/{}" if len(segments) > 1 else "")


def identify(method: str, target: str, headers: Any, body: bytes) -> RequestInfo:
    """Service, Region, operation and protocol of one AWS request."""
    parts = urlsplit(target)
    query = parse_qsl(parts.query, keep_blank_values=True)
    access_key, region, service = credential_scope(headers, query)
    form = form_params(headers, body)
    protocol = protocol_of(service, headers, form, method, parts.path)
    amz_target = headers.get("X-Amz-Target", "") or ""
    action = next((v for k, v in form + query if k == "Action"), "")
    rpc = RPC_PATH_RE.match(parts.path) if protocol == RPC_V2_CBOR else None
    if rpc:
        operation = rpc.group(2)
    elif amz_target:
        operation = amz_target.rsplit(".", 1)[-1]
    elif action:
        operation = action
    else:
        operation = rest_operation(service, method, parts.path, query)
    return RequestInfo(SERVICE_LABELS.get(service, service), region, operation, protocol, access_key)


def stable_body(protocol: str, body: bytes, form: list[tuple[str, str]]) -> bytes:
    """The body without clock-derived top-level fields (StartTime/EndTime)."""
    if protocol == RPC_V2_CBOR and body:
        try:
            doc, end = cbor_item(body, 0)
        except (ValueError, IndexError, RecursionError):
            return body
        if end != len(body) or not isinstance(doc, dict) or not VOLATILE_FIELDS & doc.keys():
            return body
        doc = {k: v for k, v in doc.items() if k not in VOLATILE_FIELDS}
        return json.dumps(doc, sort_keys=True, separators=(",", ":"), default=repr).encode()
    if protocol == "json" and body:
        try:
            doc = json.loads(body)
        except ValueError:
            return body
        if isinstance(doc, dict) and VOLATILE_FIELDS & doc.keys():
            doc = {k: v for k, v in doc.items() if k not in VOLATILE_FIELDS}
            return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
        return body
    if form and any(k in VOLATILE_FIELDS for k, _ in form):
        return urlencode([(k, v) for k, v in form if k not in VOLATILE_FIELDS]).encode()
    return body


# ------------------------------------------------------------------ CBOR (rpc-v2-cbor)
def _cbor_arg(data: bytes, pos: int, info: int) -> tuple[int, int]:
    if info < 24:
        return info, pos
    if info > 27:
        raise ValueError(f"additional info {info}")
    n = 1 << (info - 24)
    if pos + n > len(data):
        raise ValueError("truncated")
    return int.from_bytes(data[pos:pos + n], "big"), pos + n


def cbor_item(data: bytes, pos: int) -> tuple[Any, int]:
    """One CBOR data item at `pos` -> (value, next position). Definite and indefinite
    lengths; a tag decodes to ("tag", n, value), floats of any width to float. Only used to
    find top-level StartTime/EndTime, so the values need only compare and print stably."""
    head = data[pos]
    pos += 1
    major, info = head >> 5, head & 0x1F
    if major in (0, 1):
        n, pos = _cbor_arg(data, pos, info)
        return (n if major == 0 else -1 - n), pos
    if major in (2, 3):
        if info == 31:
            parts = []
            while data[pos] != 0xFF:
                n, pos = _cbor_arg(data, pos + 1, data[pos] & 0x1F)
                parts.append(data[pos:pos + n])
                pos += n
            raw, pos = b"".join(parts), pos + 1
        else:
            n, pos = _cbor_arg(data, pos, info)
            raw, pos = data[pos:pos + n], pos + n
        return (raw.decode("utf-8", "replace") if major == 3 else raw), pos
    if major in (4, 5):
        items: list[Any] = []
        count = -1
        if info != 31:
            count, pos = _cbor_arg(data, pos, info)
            count *= 2 if major == 5 else 1
        while (count < 0 and data[pos] != 0xFF) or len(items) < count:
            item, pos = cbor_item(data, pos)
            items.append(item)
        pos += 1 if count < 0 else 0
        if major == 4:
            return items, pos
        return {(k if isinstance(k, (str, int)) else repr(k)): v for k, v in zip(items[::2], items[1::2])}, pos
    if major == 6:
        n, pos = _cbor_arg(data, pos, info)
        value, pos = cbor_item(data, pos)
        return ("tag", n, value), pos
    if info in (25, 26, 27):
        n = 1 << (info - 24)
        return struct.unpack({2: ">e", 4: ">f", 8: ">d"}[n], data[pos:pos + n])[0], pos + n
    simple = {20: False, 21: True, 22: None, 23: None}
    if info in simple:
        return simple[info], pos
    raise ValueError(f"unsupported simple value {info}")


def cbor_text_map(doc: dict[str, str]) -> bytes:
    """A CBOR map of text to text (an rpc-v2-cbor error body)."""
    def text(s: str) -> bytes:
        raw = s.encode("utf-8")
        n = len(raw)
        head = bytes([0x60 | n]) if n < 24 else bytes([0x78, n]) if n < 256 else bytes([0x79]) + n.to_bytes(2, "big")
        return head + raw
    return bytes([0xA0 | len(doc)]) + b"".join(text(k) + text(v) for k, v in doc.items())


# ------------------------------------------------------------------ faults
@dataclass(frozen=True)
class Decision:
    """What to do with one request."""

    kind: str | None  # None = forward untouched
    variant: int  # which 5xx answer
    jitter: float  # latency multiplier in [0.75, 1.25)
    occurrence: int
    request_id: str


def draw(material: bytes) -> tuple[float, int, int, float, str]:
    """(uniform in [0,1), kind index source, 5xx variant, jitter, request id) from a hash."""
    d = hashlib.sha256(material).digest()
    u = int.from_bytes(d[0:8], "big") / 2.0**64
    pick = int.from_bytes(d[8:16], "big")
    variant = d[16] & 1
    jitter = 0.75 + 0.5 * (int.from_bytes(d[17:25], "big") / 2.0**64)
    h = d[:16].hex()
    rid = f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
    return u, pick, variant, jitter, rid


def error_answer(info: RequestInfo, status: int, code: str, message: str, request_id: str,
                 req_ctype: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) of an AWS error in the request's protocol shape."""
    msg = escape(message)
    if info.protocol == "query":
        ns = QUERY_NAMESPACES.get(info.service)
        xmlns = f' xmlns="{ns}"' if ns else ""
        party = "Sender" if status < 500 else "Receiver"
        body = (f"<ErrorResponse{xmlns}><Error><Type>{party}</Type><Code>{code}</Code>"
                f"<Message>{msg}</Message></Error><RequestId>{request_id}</RequestId>"
                "</ErrorResponse>")
        return status, [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)], body.encode()
    if info.protocol == "ec2":
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f"<Response><Errors><Error><Code>{code}</Code><Message>{msg}</Message></Error>"
                f"</Errors><RequestID>{request_id}</RequestID></Response>")
        return status, [("Content-Type", "text/xml;charset=UTF-8")], body.encode()
    if info.protocol == RPC_V2_CBOR:
        headers = [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor"),
                   ("x-amzn-RequestId", request_id)]
        if info.service in QUERY_COMPATIBLE:
            party = "Sender" if status < 500 else "Receiver"
            headers.append(("x-amzn-query-error", f"{QUERY_ERROR_CODES.get(code, code)};{party}"))
        payload = cbor_text_map({"__type": f"com.amazonaws.{info.service}#{code}", "message": message})
        return status, headers, payload
    if info.protocol == "json":
        ctype = req_ctype if req_ctype.startswith("application/x-amz-json-") else "application/x-amz-json-1.1"
        payload = json.dumps({"__type": code, "message": message}).encode()
        return status, [("Content-Type", ctype), ("x-amzn-RequestId", request_id)], payload
    if info.protocol == "rest-xml":
        host_id = hashlib.sha256(request_id.encode()).hexdigest()
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f"<Error><Code>{code}</Code><Message>{msg}</Message>"
                f"<RequestId>{request_id}</RequestId><HostId>{host_id}</HostId></Error>")
        return status, [("Content-Type", "application/xml"), ("x-amz-request-id", request_id),
                        ("x-amz-id-2", host_id)], body.encode()
    payload = json.dumps({"message": message}).encode()
    return status, [("Content-Type", "application/json"), ("x-amzn-ErrorType", code),
                    ("x-amzn-RequestId", request_id)], payload


# ------------------------------------------------------------------ state
@dataclass
class OpStats:
    requests: int = 0
    injected: int = 0
    kinds: dict[str, int] = field(default_factory=dict)


class ProxyState:
    """Config, occurrence numbering, learnt principals and counters, behind one lock."""

    def __init__(self, config: FaultConfig) -> None:
        self._lock = threading.Lock()
        self._config = config
        self._occurrences: dict[bytes, int] = {}
        self._principals: dict[str, str] = {}
        self._requests = 0
        self._injected: dict[str, int] = {k: 0 for k in KINDS}
        self._by_op: dict[str, OpStats] = {}
        self._upstream_errors = 0

    @property
    def config(self) -> FaultConfig:
        with self._lock:
            return self._config

    def set_config(self, data: dict[str, Any]) -> FaultConfig:
        with self._lock:
            self._config = self._config.updated(data)
            self._occurrences.clear()
            return self._config

    def reset(self) -> None:
        with self._lock:
            self._occurrences.clear()
            self._requests = 0
            self._injected = {k: 0 for k in KINDS}
            self._by_op.clear()
            self._upstream_errors = 0

    def learn_principal(self, access_key: str, principal: str) -> None:
        with self._lock:
            self._principals[access_key] = principal

    def decide(self, info: RequestInfo, method: str, path: str, body: bytes) -> Decision:
        """Number this request among identical ones, draw its fate and count it."""
        with self._lock:
            cfg = self._config
            principal = self._principals.get(info.access_key, info.access_key)
            key = b"\x1f".join(
                s.encode() if isinstance(s, str) else s
                for s in (str(cfg.seed), principal, info.service, info.operation,
                          info.region, method, path, body)
            )
            key_digest = hashlib.sha256(key).digest()
            n = self._occurrences.get(key_digest, 0) + 1
            self._occurrences[key_digest] = n
            u, pick, variant, jitter, rid = draw(key_digest + b"|" + str(n).encode())
            kind: str | None = None
            if cfg.fails(info.service, info.operation):
                kind = "5xx"
            elif cfg.kinds and u < cfg.rate:
                kind = cfg.kinds[pick % len(cfg.kinds)]
            self._requests += 1
            op = self._by_op.setdefault(f"{info.service}:{info.operation}", OpStats())
            op.requests += 1
            if kind is not None:
                self._injected[kind] = self._injected.get(kind, 0) + 1
                op.injected += 1
                op.kinds[kind] = op.kinds.get(kind, 0) + 1
            return Decision(kind, variant, jitter, n, rid)

    def upstream_error(self) -> None:
        with self._lock:
            self._upstream_errors += 1

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": self._requests,
                "injected": dict(self._injected),
                "by_operation": {
                    k: {"requests": v.requests, "injected": v.injected, "kinds": dict(v.kinds)}
                    for k, v in sorted(self._by_op.items())
                },
                "upstream_errors": self._upstream_errors,
                "principals": len(self._principals),
                "config": self._config.to_json(),
            }


# ------------------------------------------------------------------ server
class FaultProxyServer(ThreadingHTTPServer):
    """ThreadingHTTPServer carrying the proxy's state and upstream address."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, port: int, upstream_host: str, upstream_port: int, state: ProxyState,
                 verbose: bool) -> None:
        self.upstream_host = upstream_host
        self.upstream_port = upstream_port
        self.state = state
        self.verbose = verbose
        super().__init__(("127.0.0.1", port), FaultProxyHandler)


class FaultProxyHandler(BaseHTTPRequestHandler):
    """One client connection (keep-alive): forwards or faults each request on it."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: FaultProxyServer
    _upstream: http.client.HTTPConnection | None = None
    _upstream_used: bool = False

    # --- plumbing
    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            sys.stderr.write(f"faultproxy: {format % args}\n")

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            if self._upstream is not None:
                self._upstream.close()
                self._upstream = None

    def read_body(self) -> bytes:
        """The request body (Content-Length or chunked; trailers are discarded)."""
        if "chunked" in (self.headers.get("Transfer-Encoding", "") or "").lower():
            chunks: list[bytes] = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
        length = int(self.headers.get("Content-Length", "0") or "0")
        return self.rfile.read(length) if length > 0 else b""

    def send_answer(self, status: int, headers: list[tuple[str, str]], body: bytes,
                    keep_length: str | None = None) -> None:
        """Writes a full response in one send (no Nagle/delayed-ACK stall); Content-Length
        is set from the body, or kept from the upstream for HEAD."""
        no_body = self.command == "HEAD" or status in (204, 304) or 100 <= status < 200
        reason = self.responses.get(status, ("",))[0]
        lines = [f"{self.protocol_version} {status} {reason}"]
        lines += [f"{k}: {v}" for k, v in headers]
        if self.command == "HEAD":
            if keep_length is not None:
                lines.append(f"Content-Length: {keep_length}")
        elif not no_body:
            lines.append(f"Content-Length: {len(body)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        self.wfile.write(head if no_body else head + body)
        self.wfile.flush()
        self.log_request(status)

    def send_json(self, status: int, doc: Any) -> None:
        self.send_answer(status, [("Content-Type", "application/json")],
                         json.dumps(doc, indent=1).encode())

    # --- dispatch
    def handle_any(self) -> None:
        try:
            body = self.read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        target = self.path
        if target.startswith(("http://", "https://")):
            parts = urlsplit(target)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
        path = urlsplit(target).path
        try:
            if path.startswith("/_faults/"):
                self.faults_route(path, body)
            elif path.startswith(CONTROL_PREFIXES):
                self.forward(target, body, None)
            else:
                self.aws_request(target, body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = handle_any

    def faults_route(self, path: str, body: bytes) -> None:
        state = self.server.state
        route = (self.command, path.rstrip("/"))
        if route == ("GET", "/_faults/stats"):
            self.send_json(200, state.stats())
        elif route == ("POST", "/_faults/reset"):
            state.reset()
            self.send_json(200, {"status": "ok"})
        elif route in (("POST", "/_faults/config"), ("GET", "/_faults/config")):
            try:
                data = json.loads(body or b"{}") if self.command == "POST" else {}
                if not isinstance(data, dict):
                    raise TypeError("the config must be a JSON object")
                cfg = state.set_config(data) if self.command == "POST" else state.config
            except (ValueError, TypeError) as e:
                self.send_json(400, {"error": str(e)})
                return
            self.send_json(200, cfg.to_json())
        else:
            self.send_json(404, {"error": f"unknown route {self.command} {path}"})

    def aws_request(self, target: str, body: bytes) -> None:
        info = identify(self.command, target, self.headers, body)
        form = form_params(self.headers, body)
        state = self.server.state
        decision = state.decide(info, self.command, target, stable_body(info.protocol, body, form))
        if decision.kind is not None:
            self.log_message("%s:%s #%d -> %s", info.service, info.operation,
                             decision.occurrence, decision.kind)
        if decision.kind == "drop":
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if decision.kind in ("throttle", "5xx"):
            if decision.kind == "throttle":
                status, code, message = THROTTLE[info.protocol]
            else:
                status, code, message = SERVER_ERRORS[info.protocol][decision.variant]
            answer = error_answer(info, status, code, message, decision.request_id,
                                  self.headers.get("Content-Type", "") or "")
            self.send_answer(*answer)
            return
        if decision.kind == "latency":
            time.sleep(state.config.latency_ms * decision.jitter / 1000.0)
        self.forward(target, body, info)

    # --- forwarding
    def upstream(self) -> http.client.HTTPConnection:
        if self._upstream is None:
            self._upstream = http.client.HTTPConnection(
                self.server.upstream_host, self.server.upstream_port, timeout=UPSTREAM_TIMEOUT_S)
            self._upstream_used = False
        return self._upstream

    def exchange(self, target: str, body: bytes) -> tuple[http.client.HTTPResponse, bytes]:
        """Sends the request upstream; retries once on a stale keep-alive connection."""
        named_by_connection = {
            h.strip().lower() for h in (self.headers.get("Connection", "") or "").split(",")
        }
        skip = HOP_BY_HOP | named_by_connection | {"host", "content-length", "expect"}
        send_length = bool(body) or "Content-Length" in self.headers or \
            "Transfer-Encoding" in self.headers
        for attempt in (1, 2):
            conn = self.upstream()
            reused = self._upstream_used
            try:
                conn.putrequest(self.command, target, skip_host=True, skip_accept_encoding=True)
                conn.putheader("Host", f"{self.server.upstream_host}:{self.server.upstream_port}")
                for k, v in self.headers.items():
                    if k.lower() not in skip:
                        conn.putheader(k, v)
                if send_length:
                    conn.putheader("Content-Length", str(len(body)))
                conn.endheaders(body if body else None)
                resp = conn.getresponse()
                data = resp.read()
                self._upstream_used = True
                if resp.will_close:
                    conn.close()
                    self._upstream = None
                return resp, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                conn.close()
                self._upstream = None
                if attempt == 2 or not reused:
                    raise
        raise AssertionError("unreachable")

    def forward(self, target: str, body: bytes, info: RequestInfo | None) -> None:
        try:
            resp, data = self.exchange(target, body)
        except (OSError, http.client.HTTPException) as e:
            if self._upstream is not None:
                self._upstream.close()
                self._upstream = None
            self.server.state.upstream_error()
            self.log_message("upstream error: %r", e)
            self.send_answer(502, [("Content-Type", "text/plain")],
                             f"faultproxy: upstream error: {e!r}\n".encode())
            return
        named = {h.strip().lower() for h in (resp.getheader("Connection", "") or "").split(",")}
        headers = [(k, v) for k, v in resp.getheaders()
                   if k.lower() not in HOP_BY_HOP and k.lower() not in named
                   and k.lower() != "content-length"]
        if info is not None and resp.status == 200 and info.service == "sts" \
                and info.operation == "AssumeRole":
            self.learn_principal(data)
        self.send_answer(resp.status, headers, data, keep_length=resp.getheader("Content-Length"))

    def learn_principal(self, data: bytes) -> None:
        """Maps the new access key to its assumed-role ARN (the account it acts in)."""
        text = data.decode("utf-8", "replace")
        key, arn = ACCESS_KEY_RE.search(text), ASSUMED_ARN_RE.search(text)
        if key and arn:
            self.server.state.learn_principal(key.group(1), arn.group(1))


# ------------------------------------------------------------------ main
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description="Deterministic fault-injecting proxy in front of the AWS emulator "
                    "(test infrastructure).")
    ap.add_argument("--upstream", required=True, help="emulator URL, http://127.0.0.1:PORT")
    ap.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free one)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rate", type=float, default=0.0, help="fault probability per request")
    ap.add_argument("--kinds", default=",".join(KINDS),
                    help="comma-separated subset of " + ",".join(KINDS))
    ap.add_argument("--latency-ms", type=int, default=50)
    ap.add_argument("--fail", action="append", default=[], metavar="SERVICE:OPERATION",
                    help="always answer this operation with a 5xx (repeatable)")
    ap.add_argument("--stats-file", help="write the final stats (JSON) here on exit")
    ap.add_argument("--verbose", action="store_true", help="log requests and faults to stderr")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    up = urlsplit(args.upstream)
    if up.scheme != "http" or not up.hostname or up.path not in ("", "/"):
        print(f"faultproxy: --upstream must be http://HOST:PORT, got {args.upstream!r}",
              file=sys.stderr)
        return 2
    try:
        config = FaultConfig(rate=args.rate, kinds=parse_kinds(args.kinds),
                             fail=tuple(args.fail), seed=args.seed, latency_ms=args.latency_ms)
    except ValueError as e:
        print(f"faultproxy: {e}", file=sys.stderr)
        return 2
    state = ProxyState(config)
    try:
        server = FaultProxyServer(args.port, up.hostname, up.port or 80, state, args.verbose)
    except OSError as e:
        print(f"faultproxy: cannot listen on 127.0.0.1:{args.port}: {e}", file=sys.stderr)
        return 1

    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                               name="faultproxy-serve", daemon=True)
    serving.start()
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    if args.stats_file:
        with open(args.stats_file, "w", encoding="utf-8") as f:
            json.dump(state.stats(), f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
