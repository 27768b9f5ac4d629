#!/usr/bin/env python3
"""
Validate every response the emulator extension (localstack/emulator/) serves against
botocore's service model -- the shapes AWS publishes -- so the emulator cannot drift from
what AWS returns. Test infrastructure, run by tests/it/emulator_shapes.rs.

    localstack/.venv/bin/python localstack/validate_shapes.py --endpoint URL [--check-reset]

Starts nothing: it talks to a running emulator (start.sh), seeded with the demo or not.
It asks the emulator which operations it answers (GET /_shim/routes), calls every one of
them through boto3 (the venv's pinned botocore), on success and on its error paths, and
checks each exchange three ways:

  parsed  botocore.validate.ParamValidator against the operation's output shape, on the
          parsed response without ResponseMetadata (required members, types, lengths);
  wire    the raw body walked against the same shape, where a parse would hide problems:
          members the model does not have (the parser drops them), JSON nulls, required
          members, types as the protocol writes them, enum values, lengths, patterns,
          timestamps in the protocol's format (ISO 8601 / epoch seconds), XML wrapper
          elements and namespace, HTTP status (the operation's responseCode), Content-Type
          and request id;
  errors  the code is one the model lists for the operation (then the HTTP status is the
          model's, the body matches the error shape and botocore raises that exception
          class) or a common AWS error; a message is present.

It reads whatever the demo seeded (us-east-1, eu-west-1, ap-northeast-1) and makes its own
resources only in a scratch Region (--scratch-region, default ca-central-1) plus one IAM
user and role (perimeter-shapes-*), all removed at the end, so a seeded demo is unchanged
(except what AWS cannot delete: batch inference jobs and CloudWatch metric data, a
metric perimeter-shapes/ns Invocations-<time> per run, and aoss encryption policies, which moto cannot
delete; all only in the scratch Region). Organizations is global: its probe attaches a
scratch BEDROCK_POLICY to a scratch OU and removes both.
CloudWatch is probed over Smithy RPC v2 CBOR, the protocol of the Rust SDK (boto3 prefers
awsJson): through a botocore client limited to rpc-v2-cbor, and as raw SigV4-signed requests
written like the Rust SDK's (indefinite-length maps) and with every indefinite-length form,
a malformed body (SerializationException) and an unknown operation (UnknownOperationException);
CBOR answers are decoded with botocore's decoder, tags kept, and walked against the shape
(timestamps must be tag 1, doubles CBOR floats, the smithy-protocol header present).
--check-reset (destructive: for a private emulator) then fills every field of the
extension's State, and checks that POST /moto-api/reset and POST /_shim/reset each leave
it empty. Prints one line per violation; exit 1 if there is any.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import math
import re
import struct
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import botocore
import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.client import BaseClient
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from botocore.model import OperationModel, Shape, StructureShape
from botocore.parsers import RpcV2CBORParser
from botocore.validate import ParamValidator

DEMO_REGIONS = ("us-east-1", "eu-west-1", "ap-northeast-1")
# Regions where each family of system-defined inference profiles is offered, and one with none.
PROFILE_REGIONS = ("us-east-1", "eu-west-1", "ap-northeast-1", "ap-southeast-2", "ap-southeast-4", "me-south-1")
PROBE = "perimeter-shapes"
# Errors any operation may return (AWS "Common Errors"), modeled or not.
COMMON_ERRORS = {
    "AccessDenied", "AccessDeniedException", "IncompleteSignature", "InternalFailure", "InvalidAction",
    "InvalidClientTokenId", "NotAuthorized", "OptInRequired", "RequestExpired", "ServiceUnavailable",
    "ThrottlingException", "Throttling", "ValidationError", "ValidationException",
}
ISO8601 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$")
BODY_LOCATIONS = (None, "")  # members serialised in the body (not header, statusCode, ...)
# Where AWS's own answers break a constraint of the pinned model (the model is stricter
# than, or older than, the service) the emulator answers as AWS does. Each entry matches
# exactly those violations; they are reported as notes, not failures.
MODEL_STALER_THAN_AWS: tuple[tuple[str, str], ...] = (
    (r"^bedrock:(ListFoundationModels|GetFoundationModel) \[[^]]*\]: wire\.model(Summaries\[\d+\]|Details)"
     r"\.inferenceTypesSupported\[\d+\]: 'INFERENCE_PROFILE' is not one of InferenceType's values",
     "AWS lists INFERENCE_PROFILE for models served only through inference profiles (Claude 3.7+); "
     "the model's InferenceType enum has ON_DEMAND and PROVISIONED only"),
    (r"^bedrock:(ListFoundationModels|GetFoundationModel) \[[^]]*\]: wire\.model(Summaries\[\d+\]|Details)"
     r"\.modelName: length \d+ outside BrandedName's \[1, 20\]$",
     "AWS's own model names exceed BrandedName's 20 characters ('Titan Text Embeddings V2')"),
    (r"^bedrock:(ListInferenceProfiles|GetInferenceProfile) \[[^]]*\]: wire(\.inferenceProfileSummaries\[\d+\])?"
     r"\.models\[\d+\]\.modelArn: 'arn:aws:bedrock:::foundation-model/[^']+' does not match FoundationModelArn's",
     "global inference profiles list the Region-less foundation-model ARN (arn:aws:bedrock:::foundation-model/...), "
     "which FoundationModelArn's pattern (a Region of 1-20 characters) does not allow"),
)

Doc = dict[str, Any]
RPC_V2_CBOR = "smithy-rpc-v2-cbor"
# the seeded CloudWatch metric (seed_demo.py: LOG-011's delivery failures)
DELIVERY_FAILURES = ("AWS/Bedrock", "ModelInvocationLogsCloudWatchDeliveryFailure")


# ------------------------------------------------------------ CBOR on the wire
@dataclass(frozen=True)
class WireTag:
    """A CBOR tag as it was on the wire (botocore's parser turns tag 1 into a datetime)."""
    tag: int
    value: object


class _WireCBOR(RpcV2CBORParser):
    """botocore's own CBOR decoder (independent of the emulator's), keeping what a parse
    hides: tags (WireTag) and null map values."""

    def _parse_tag(self, stream: io.BufferedReader, additional_info: int) -> WireTag:
        return WireTag(self._parse_unsigned_integer(stream, additional_info), self.parse_data_item(stream))

    def _parse_key_value_pair(self, stream: io.BufferedReader, items: dict[Any, Any]) -> None:
        key = self.parse_data_item(stream)
        items[key] = self.parse_data_item(stream)


def cbor_wire(body: bytes) -> object:
    """The one CBOR data item in `body` (ValueError if it holds more or is malformed)."""
    parser = _WireCBOR()
    stream = parser.get_peekable_stream_from_bytes(body)
    try:
        value = parser.parse_data_item(stream)
    except Exception as e:  # botocore raises ResponseParserError, or struct/Unicode errors
        raise ValueError(f"not CBOR: {e}") from None
    if stream.read():
        raise ValueError("trailing bytes after the CBOR data item")
    return value


def rust_cbor(value: object, wild: bool = False) -> bytes:
    """A request body as the AWS SDK for Rust (aws-smithy-cbor) writes one: structures as
    indefinite-length maps (0xBF ... 0xFF), lists with definite lengths, timestamps as tag 1
    + double, integers in their shortest form. `wild`: also use what RFC 8949 allows and
    the Rust SDK may not send (indefinite-length arrays, chunked indefinite-length text
    strings, half-precision floats where exact), to exercise the emulator's decoder."""
    out = bytearray()

    def head(major: int, n: int) -> None:
        for limit, info, size in ((24, -1, 0), (1 << 8, 24, 1), (1 << 16, 25, 2), (1 << 32, 26, 4), (1 << 64, 27, 8)):
            if n < limit:
                out.append(major << 5 | (n if info < 0 else info))
                out.extend(n.to_bytes(size, "big") if size else b"")
                return
        raise ValueError(n)

    def item(v: object) -> None:
        if isinstance(v, bool):
            out.append(0xF5 if v else 0xF4)
        elif isinstance(v, int) and v >= 0:
            head(0, v)
        elif isinstance(v, int):
            head(1, -1 - v)
        elif isinstance(v, float):
            if wild and not math.isinf(v) and abs(v) < 65504 and struct.unpack(">e", struct.pack(">e", v))[0] == v:
                out.append(0xF9)
                out.extend(struct.pack(">e", v))
            else:
                out.append(0xFB)
                out.extend(struct.pack(">d", v))
        elif isinstance(v, datetime):
            out.extend(b"\xc1\xfb" + struct.pack(">d", v.timestamp()))
        elif isinstance(v, str):
            raw = v.encode()
            if wild and len(raw) > 4:
                out.append(0x7F)
                for i in range(0, len(raw), 4):
                    chunk = raw[i:i + 4]
                    head(3, len(chunk))
                    out.extend(chunk)
                out.append(0xFF)
            else:
                head(3, len(raw))
                out.extend(raw)
        elif isinstance(v, list):
            if wild:
                out.append(0x9F)
            else:
                head(4, len(v))
            for x in v:
                item(x)
            if wild:
                out.append(0xFF)
        elif isinstance(v, dict):
            out.append(0xBF)
            for k, x in v.items():
                item(k)
                item(x)
            out.append(0xFF)
        else:
            raise TypeError(type(v).__name__)

    item(value)
    return bytes(out)


def rpcv2_request(endpoint: str, region: str, operation: str, body: bytes,
                  creds: tuple[str, str] = ("testing", "testing"), service: str = "GraniteServiceVersion20100801",
                  signing_name: str = "monitoring") -> tuple[int, dict[str, str], bytes]:
    """POST /service/S/operation/O with the Rust SDK's headers, SigV4-signed; (status, headers, body)."""
    url = f"{endpoint}/service/{service}/operation/{operation}"
    req = AWSRequest("POST", url, data=body, headers={
        "smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor", "Accept": "application/cbor",
        "Content-Length": str(len(body))})
    SigV4Auth(Credentials(*creds), signing_name, region).add_auth(req)
    http = urllib.request.Request(url, data=body, headers=dict(req.headers.items()), method="POST")
    try:
        with urllib.request.urlopen(http, timeout=60) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def delivery_failures_query(days: int = 7, query_id: str = "f") -> Doc:
    """GetMetricData input for the seeded metric: Sum per day over the last `days` days."""
    now = datetime.now(timezone.utc)
    return {"MetricDataQueries": [{"Id": query_id, "MetricStat": {
        "Metric": {"Namespace": DELIVERY_FAILURES[0], "MetricName": DELIVERY_FAILURES[1]},
        "Period": 86400, "Stat": "Sum"}, "ReturnData": True}],
        "StartTime": now - timedelta(days=days), "EndTime": now}


def metric_sum(doc: object, query_id: str = "f") -> float | None:
    """Sum of the Values of one MetricDataResults entry of a decoded GetMetricData answer."""
    if not isinstance(doc, dict):
        return None
    for r in doc.get("MetricDataResults") or []:
        if isinstance(r, dict) and r.get("Id") == query_id:
            return float(sum(r.get("Values") or []))
    return None


@dataclass
class Exchange:
    label: str
    service: str
    operation: str
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    parsed: Doc | None = None
    error: ClientError | None = None


class Validator:
    def __init__(self, endpoint: str, scratch: str) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.scratch = scratch
        self.violations: list[str] = []
        self.exchanges: list[Exchange] = []
        self._clients: dict[tuple[str, str, str], BaseClient] = {}
        self._raw: Doc = {}

    # ------------------------------------------------------------ plumbing
    def report(self, where: str, message: str) -> None:
        self.violations.append(f"{where}: {message}")

    def shim(self, path: str, body: Doc | None = None, method: str = "POST") -> Doc:
        data = json.dumps(body or {}).encode() if method == "POST" else None
        req = urllib.request.Request(self.endpoint + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            out = json.loads(r.read() or b"{}")
        return out if isinstance(out, dict) else {}

    def client(self, service: str, region: str = "us-east-1", creds: Doc | None = None) -> BaseClient:
        creds = creds or {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        key = (service, region, creds["aws_access_key_id"])
        if key not in self._clients:
            c = boto3.client(service, region_name=region, endpoint_url=self.endpoint, **creds,
                             config=Config(retries={"max_attempts": 1}, parameter_validation=True))
            c.meta.events.register("before-parse", self._capture)
            self._clients[key] = c
        return self._clients[key]

    def cbor_client(self, service: str, region: str = "us-east-1") -> BaseClient:
        """A boto3 client that speaks Smithy RPC v2 CBOR to `service` (botocore 1.44.5
        prefers awsJson when the model also offers it, as CloudWatch's does)."""
        key = (f"{service}+cbor", region, "testing")
        if key not in self._clients:
            session = botocore.session.Session()
            loader = session.get_component("data_loader")
            load = loader.load_service_model

            def cbor_only(service_name: str, type_name: str, api_version: str | None = None) -> Doc:
                data = load(service_name, type_name, api_version)
                if service_name == service and type_name == "service-2":
                    data = {**data, "metadata": {**data["metadata"], "protocols": [RPC_V2_CBOR]}}
                return dict(data)

            loader.load_service_model = cbor_only
            c = boto3.Session(botocore_session=session).client(
                service, region_name=region, endpoint_url=self.endpoint, aws_access_key_id="testing",
                aws_secret_access_key="testing", config=Config(retries={"max_attempts": 1}, parameter_validation=True))
            if c.meta.service_model.resolved_protocol != RPC_V2_CBOR:
                raise RuntimeError(f"the {service} client speaks {c.meta.service_model.resolved_protocol}")
            c.meta.events.register("before-parse", self._capture)
            self._clients[key] = c
        return self._clients[key]

    def _capture(self, operation_model: OperationModel, response_dict: Doc, **_: object) -> None:
        self._raw = {"status": response_dict["status_code"], "body": response_dict["body"],
                     "headers": {k.lower(): v for k, v in response_dict["headers"].items()}}

    def call(self, label: str, client: BaseClient, op: str, expect: str | None = None,
             **params: object) -> Doc:
        """Call `op` (botocore name), validate the exchange; `expect`: the error code wanted."""
        service = client.meta.service_model.service_name
        x = Exchange(label, service, op)
        self._raw = {}
        try:
            x.parsed = getattr(client, _snake(client, op))(**params)
        except ClientError as e:
            x.error = e
        x.status, x.headers = self._raw.get("status", 0), self._raw.get("headers", {})
        x.body = self._raw.get("body", b"")
        self.exchanges.append(x)
        where = f"{service}:{op} [{label}]"
        if not self._raw:
            self.report(where, "no HTTP response was captured")
            return {}
        if expect and x.error is None:
            self.report(where, f"expected error {expect}, got HTTP {x.status}")
        elif x.error is not None and x.error.response["Error"].get("Code") != expect:
            self.report(where, f"unexpected error {x.error.response['Error'].get('Code')}: "
                               f"{x.error.response['Error'].get('Message')}")
        self.check(where, client, x)
        return x.parsed or {}

    # ------------------------------------------------------------ checks
    def check(self, where: str, client: BaseClient, x: Exchange) -> None:
        model = client.meta.service_model
        op = model.operation_model(x.operation)
        protocol = model.protocol
        ctype = x.headers.get("content-type", "")
        want_ctype = {"rest-json": "application/json", "query": "text/xml", RPC_V2_CBOR: "application/cbor",
                      "json": f"application/x-amz-json-{model.metadata.get('jsonVersion', '1.0')}"}[protocol]
        xml_ok = protocol == "query" and ctype.startswith("application/xml")
        if x.body and not ctype.startswith(want_ctype) and not xml_ok:
            self.report(where, f"Content-Type {ctype!r}, want {want_ctype}")
        if protocol in ("rest-json", "json", RPC_V2_CBOR) and not x.headers.get("x-amzn-requestid"):
            self.report(where, "no x-amzn-RequestId header")
        if protocol == RPC_V2_CBOR and x.headers.get("smithy-protocol") != "rpc-v2-cbor":
            self.report(where, f"smithy-protocol header {x.headers.get('smithy-protocol')!r}, want rpc-v2-cbor")
        if x.error is None:
            self.check_success(where, op, protocol, x)
        else:
            self.check_error(where, client, op, protocol, x)

    def check_success(self, where: str, op: OperationModel, protocol: str, x: Exchange) -> None:
        want = op.http.get("responseCode", 200)
        if x.status != want:
            self.report(where, f"HTTP {x.status}, the model gives {want}")
        out = op.output_shape
        parsed = {k: v for k, v in (x.parsed or {}).items() if k != "ResponseMetadata"}
        if out is None:
            if parsed:
                self.report(where, f"the operation has no output, parsed {sorted(parsed)}")
        else:
            report = ParamValidator().validate(parsed, out)
            if report.has_errors():
                for line in report.generate_report().splitlines():
                    if line.strip():
                        self.report(where, f"parsed: {line.strip()}")
        if protocol == "query":
            self.check_query_body(where, op, x.body)
        elif protocol == RPC_V2_CBOR:
            self.check_cbor_body(where, op, x.body)
        else:
            self.check_json_body(where, op, protocol, x.body)

    def check_cbor_body(self, where: str, op: OperationModel, body: bytes) -> object:
        """The body decoded (botocore's decoder, tags kept) and walked against the output shape."""
        out = op.output_shape
        if not body:
            if out is not None and _body_required(out):
                self.report(where, "empty body, the output shape has required body members")
            return None
        try:
            doc = cbor_wire(body)
        except ValueError as e:
            self.report(where, f"wire: {e}")
            return None
        if out is None:
            self.report(where, f"wire: the operation has no output, body {body[:200]!r}")
        else:
            self.walk_json(doc, out, "wire", where, RPC_V2_CBOR, top=True)
        return doc

    def check_json_body(self, where: str, op: OperationModel, protocol: str, body: bytes) -> None:
        out = op.output_shape
        if not body.strip():
            if out is not None and _body_required(out):
                self.report(where, "empty body, the output shape has required body members")
            return
        try:
            doc = json.loads(body)
        except ValueError as e:
            self.report(where, f"wire: the body is not JSON ({e})")
            return
        if out is None:
            if doc not in ({}, None):
                self.report(where, f"wire: the operation has no output, body {body[:200]!r}")
            return
        payload = out.serialization.get("payload")
        if payload:
            self.walk_json(doc, out.members[payload], "wire", where, protocol)
        else:
            self.walk_json(doc, out, "wire", where, protocol, top=True)

    def check_query_body(self, where: str, op: OperationModel, body: bytes) -> None:
        ns = op.service_model.metadata.get("xmlNamespace", "")
        try:
            root = ET.fromstring(body)
        except ET.ParseError as e:
            self.report(where, f"wire: the body is not XML ({e})")
            return
        if root.tag != f"{{{ns}}}{op.name}Response":
            self.report(where, f"wire: root element {root.tag}, want {{{ns}}}{op.name}Response")
        children = {_local(c.tag): c for c in root}
        meta = children.pop("ResponseMetadata", None)
        if meta is None or not (meta.findtext(f"{{{ns}}}RequestId") or meta.findtext("RequestId")):
            self.report(where, "wire: no ResponseMetadata/RequestId")
        wrapper = op.output_shape.serialization.get("resultWrapper") if op.output_shape else None
        if op.output_shape is None:
            for name in children:
                self.report(where, f"wire: <{name}> in the answer of an operation without output")
            return
        result = children.pop(wrapper or "", None)
        for name in children:
            self.report(where, f"wire: unexpected element <{name}>")
        if result is None:
            self.report(where, f"wire: no <{wrapper}>")
            return
        self.walk_xml(result, op.output_shape, f"wire.{wrapper}", where)

    def check_error(self, where: str, client: BaseClient, op: OperationModel, protocol: str,
                    x: Exchange) -> None:
        assert x.error is not None
        modeled = {s.metadata.get("error", {}).get("code", s.name): s for s in op.error_shapes}
        code, message, fields = "", "", None
        if protocol == "query":
            try:
                root = ET.fromstring(x.body)
            except ET.ParseError as e:
                self.report(where, f"wire: the error body is not XML ({e})")
                return
            err = next((e for e in root.iter() if _local(e.tag) == "Error"), None)
            if _local(root.tag) != "ErrorResponse" or err is None:
                self.report(where, f"wire: error root <{_local(root.tag)}>, want <ErrorResponse><Error>")
                return
            parts = {_local(c.tag): (c.text or "") for c in err}
            code, message = parts.get("Code", ""), parts.get("Message", "")
            if parts.get("Type") not in ("Sender", "Receiver"):
                self.report(where, f"wire: error Type {parts.get('Type')!r}, want Sender or Receiver")
            if not any(_local(e.tag) == "RequestId" and e.text for e in root.iter()):
                self.report(where, "wire: the error has no RequestId")
        else:
            try:
                doc = cbor_wire(x.body) if protocol == RPC_V2_CBOR else json.loads(x.body or b"{}")
            except ValueError:
                self.report(where, f"wire: the error body is not {'CBOR' if protocol == RPC_V2_CBOR else 'JSON'}: "
                                   f"{x.body[:200]!r}")
                return
            if not isinstance(doc, dict):
                self.report(where, f"wire: the error body is a {type(doc).__name__}, not an object")
                return
            if protocol == "rest-json":
                code = x.headers.get("x-amzn-errortype", "").split(":", 1)[0]
                if not code:
                    self.report(where, "wire: no x-amzn-ErrorType header")
            else:
                code = str(doc.get("__type", "")).rsplit("#", 1)[-1]
                if not code:
                    self.report(where, "wire: no __type in the error body")
                query_error = x.headers.get("x-amzn-query-error", "").split(";")
                if op.service_model.metadata.get("awsQueryCompatible") is not None and len(query_error) == 2 \
                        and query_error[0]:
                    code = query_error[0]  # the query protocol's code, which the SDKs report
            message = str(doc.get("message") or doc.get("Message") or "")
            fields = {k: v for k, v in doc.items() if k not in ("__type", "code")}
        if not message:
            self.report(where, f"wire: error {code} has no message")
        parsed_code = x.error.response["Error"].get("Code")
        if parsed_code != code:
            self.report(where, f"parsed error code {parsed_code!r} differs from the wire's {code!r}")
        if code in modeled:
            shape = modeled[code]
            want = shape.metadata.get("error", {}).get("httpStatusCode")
            if want and x.status != want:
                self.report(where, f"error {code}: HTTP {x.status}, the model gives {want}")
            if type(x.error).__name__ != shape.name:
                self.report(where, f"error {code}: botocore raised {type(x.error).__name__}, not {shape.name}")
            if fields is not None:
                self.walk_json(fields, shape, "wire", where, protocol, top=True, error=True)
        elif code not in COMMON_ERRORS:
            self.report(where, f"error code {code!r} is neither modeled for {op.name} "
                               f"({', '.join(sorted(modeled)) or 'none'}) nor a common AWS error")
        elif x.status < 400:
            self.report(where, f"error {code} with HTTP {x.status}")

    # ------------------------------------------------------------ shape walkers
    def walk_json(self, value: object, shape: Shape, path: str, where: str, protocol: str,
                  top: bool = False, error: bool = False) -> None:
        t = shape.type_name
        if value is None:
            self.report(where, f"{path}: null (AWS leaves absent members out)")
            return
        if shape.metadata.get("document"):
            return
        if t == "structure":
            assert isinstance(shape, StructureShape)
            if not isinstance(value, dict):
                self.report(where, f"{path}: {type(value).__name__}, want an object ({shape.name})")
                return
            members = {m.serialization.get("name", n): m for n, m in shape.members.items()
                       if not top or m.serialization.get("location") in BODY_LOCATIONS}
            for k, v in value.items():
                if k not in members:
                    if error and k in ("message", "Message"):
                        continue  # the protocol's error envelope carries the message, modeled or not
                    self.report(where, f"{path}.{k}: not a member of {shape.name}")
                    continue
                self.walk_json(v, members[k], f"{path}.{k}", where, protocol)
            for n in shape.required_members:
                m = shape.members[n]
                if top and m.serialization.get("location") not in BODY_LOCATIONS:
                    continue
                wire = m.serialization.get("name", n)
                if wire not in value and not (error and n.lower() == "message"
                                              and any(k.lower() == "message" for k in value)):
                    self.report(where, f"{path}.{wire}: required member of {shape.name} missing")
            if shape.metadata.get("union") and len(value) != 1:
                self.report(where, f"{path}: union {shape.name} has {len(value)} members set, want 1")
        elif t == "list":
            if not isinstance(value, list):
                self.report(where, f"{path}: {type(value).__name__}, want a list ({shape.name})")
                return
            self._length(len(value), shape, path, where)
            for i, v in enumerate(value):
                self.walk_json(v, shape.member, f"{path}[{i}]", where, protocol)
        elif t == "map":
            if not isinstance(value, dict):
                self.report(where, f"{path}: {type(value).__name__}, want an object ({shape.name})")
                return
            self._length(len(value), shape, path, where)
            for k, v in value.items():
                self.walk_json(k, shape.key, f"{path}<key>", where, protocol)
                self.walk_json(v, shape.value, f"{path}.{k}", where, protocol)
        elif t == "timestamp" and protocol == RPC_V2_CBOR:
            if not isinstance(value, WireTag) or value.tag != 1:
                self.report(where, f"{path}: {value!r}, want CBOR tag 1 (epoch seconds)")
            else:
                self._timestamp(value.value, "unixTimestamp", path, where)
        elif t == "timestamp":
            fmt = shape.serialization.get("timestampFormat") or "unixTimestamp"
            self._timestamp(value, fmt, path, where)
        elif t == "blob" and protocol == RPC_V2_CBOR:
            if not isinstance(value, bytes):
                self.report(where, f"{path}: {type(value).__name__}, want a CBOR byte string")
        elif t in ("float", "double") and protocol == RPC_V2_CBOR and not isinstance(value, float):
            # the Rust SDK's decoder reads a double only from a CBOR float
            self.report(where, f"{path}: {type(value).__name__} {value!r}, want a CBOR float ({shape.name})")
        elif isinstance(value, WireTag):
            self.report(where, f"{path}: CBOR tag {value.tag} on a {t} ({shape.name})")
        elif t == "blob":
            if not isinstance(value, str):
                self.report(where, f"{path}: {type(value).__name__}, want base64 text")
            else:
                try:
                    base64.b64decode(value, validate=True)
                except ValueError:
                    self.report(where, f"{path}: not base64")
        else:
            self._scalar(value, shape, path, where)

    def walk_xml(self, elem: ET.Element, shape: Shape, path: str, where: str) -> None:
        t = shape.type_name
        if t == "structure":
            assert isinstance(shape, StructureShape)
            members = {m.serialization.get("name", n): m for n, m in shape.members.items()}
            seen: dict[str, int] = {}
            for child in elem:
                name = _local(child.tag)
                if name not in members:
                    self.report(where, f"{path}.{name}: not a member of {shape.name}")
                    continue
                seen[name] = seen.get(name, 0) + 1
                m = members[name]
                if seen[name] > 1 and not (m.type_name == "list" and m.serialization.get("flattened")):
                    self.report(where, f"{path}.{name}: repeated")
                if m.type_name == "list" and m.serialization.get("flattened"):
                    self.walk_xml(child, m.member, f"{path}.{name}", where)
                else:
                    self.walk_xml(child, m, f"{path}.{name}", where)
            for n in shape.required_members:
                wire = shape.members[n].serialization.get("name", n)
                if wire not in seen:
                    self.report(where, f"{path}.{wire}: required member of {shape.name} missing")
        elif t == "list":
            item = shape.member.serialization.get("name", "member")
            items = list(elem)
            self._length(len(items), shape, path, where)
            for i, child in enumerate(items):
                if _local(child.tag) != item:
                    self.report(where, f"{path}[{i}]: <{_local(child.tag)}>, want <{item}>")
                self.walk_xml(child, shape.member, f"{path}[{i}]", where)
        elif t == "map":
            for i, entry in enumerate(elem):
                k, v = entry.find("./{*}key"), entry.find("./{*}value")
                if k is None or v is None:
                    self.report(where, f"{path}[{i}]: a map entry without key and value")
                    continue
                self.walk_xml(k, shape.key, f"{path}<key>", where)
                self.walk_xml(v, shape.value, f"{path}[{i}]", where)
        else:
            if len(elem):
                self.report(where, f"{path}: element children in a {t}")
            text = elem.text or ""
            if t == "timestamp":
                self._timestamp(text, shape.serialization.get("timestampFormat") or "iso8601", path, where)
            elif t == "boolean":
                if text not in ("true", "false"):
                    self.report(where, f"{path}: {text!r}, want true or false")
            elif t in ("integer", "long"):
                if not re.fullmatch(r"-?\d+", text):
                    self.report(where, f"{path}: {text!r}, want an integer")
                else:
                    self._range(int(text), shape, path, where)
            elif t in ("float", "double"):
                try:
                    self._range(float(text), shape, path, where)
                except ValueError:
                    self.report(where, f"{path}: {text!r}, want a number")
            elif t == "blob":
                try:
                    base64.b64decode(text, validate=True)
                except ValueError:
                    self.report(where, f"{path}: not base64")
            else:
                self._scalar(text, shape, path, where)

    def _scalar(self, value: object, shape: Shape, path: str, where: str) -> None:
        t = shape.type_name
        if t == "string":
            if not isinstance(value, str):
                self.report(where, f"{path}: {type(value).__name__} {value!r}, want a string ({shape.name})")
                return
            if shape.enum and value not in shape.enum:
                self.report(where, f"{path}: {value!r} is not one of {shape.name}'s values {shape.enum}")
            self._length(len(value), shape, path, where)
            pattern = shape.metadata.get("pattern")
            if pattern:
                try:
                    ok = re.search(pattern, value) is not None
                except re.error:
                    ok = True  # a pattern Python cannot compile: not checked
                if not ok:
                    self.report(where, f"{path}: {value!r} does not match {shape.name}'s pattern {pattern}")
        elif t == "boolean":
            if not isinstance(value, bool):
                self.report(where, f"{path}: {type(value).__name__} {value!r}, want a boolean")
        elif t in ("integer", "long"):
            if not isinstance(value, int) or isinstance(value, bool):
                self.report(where, f"{path}: {type(value).__name__} {value!r}, want an integer")
            else:
                self._range(value, shape, path, where)
        elif t in ("float", "double"):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                self.report(where, f"{path}: {type(value).__name__} {value!r}, want a number")
            else:
                self._range(value, shape, path, where)
        else:
            self.report(where, f"{path}: shape type {t} is not checked by this validator")

    def _timestamp(self, value: object, fmt: str, path: str, where: str) -> None:
        if fmt == "unixTimestamp":
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                self.report(where, f"{path}: {value!r}, want epoch seconds (a number)")
            elif not 946684800 <= value <= 4102444800:  # 2000-01-01 .. 2100-01-01
                self.report(where, f"{path}: {value!r} is not epoch seconds between 2000 and 2100")
        elif fmt == "iso8601":
            if not isinstance(value, str) or not ISO8601.match(value):
                self.report(where, f"{path}: {value!r}, want an ISO 8601 date-time with a zone")
            else:
                with suppress(ValueError):
                    datetime.fromisoformat(re.sub(r"\.(\d{6})\d+", r".\1", value).replace("Z", "+00:00"))
                    return
                self.report(where, f"{path}: {value!r} is not a valid date-time")
        elif not isinstance(value, str):  # rfc822
            self.report(where, f"{path}: {value!r}, want an HTTP date")

    def _length(self, n: int, shape: Shape, path: str, where: str) -> None:
        lo, hi = shape.metadata.get("min"), shape.metadata.get("max")
        if (lo is not None and n < lo) or (hi is not None and n > hi):
            self.report(where, f"{path}: length {n} outside {shape.name}'s [{lo}, {hi}]")

    def _range(self, v: float, shape: Shape, path: str, where: str) -> None:
        lo, hi = shape.metadata.get("min"), shape.metadata.get("max")
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            self.report(where, f"{path}: {v} outside {shape.name}'s range [{lo}, {hi}]")

    # ------------------------------------------------------------ probes
    def probe_bedrock(self, account: str) -> None:
        # Reads over the seeded demo (whatever is there).
        for region in DEMO_REGIONS:
            br = self.client("bedrock", region)
            self.call(f"{region}", br, "GetModelInvocationLoggingConfiguration")
            for g in self.call(region, br, "ListGuardrails").get("guardrails", []):
                versions = self.call(g["id"], br, "ListGuardrails", guardrailIdentifier=g["id"])
                for v in versions.get("guardrails", []):
                    self.call(f"{g['name']} v{v['version']}", br, "GetGuardrail",
                              guardrailIdentifier=g["arn"], guardrailVersion=v["version"])
                self.call(g["name"], br, "ListTagsForResource", resourceARN=g["arn"])
            self.call(region, br, "ListEnforcedGuardrailsConfiguration")
        for region in PROFILE_REGIONS:
            br = self.client("bedrock", region)
            for p in self.call(region, br, "ListInferenceProfiles").get("inferenceProfileSummaries", []):
                self.call(f"{region} {p['inferenceProfileId']}", br, "GetInferenceProfile",
                          inferenceProfileIdentifier=p["inferenceProfileId"])
            self.call(f"{region} SYSTEM_DEFINED", br, "ListInferenceProfiles", typeEquals="SYSTEM_DEFINED")
        br = self.client("bedrock")
        page = self.call("page 1", br, "ListInferenceProfiles", maxResults=3)
        self.call("page 2", br, "ListInferenceProfiles", maxResults=3, nextToken=page.get("nextToken", "3"))
        models = self.call("all", br, "ListFoundationModels").get("modelSummaries", [])
        for m in models:
            self.call(m["modelId"], br, "GetFoundationModel", modelIdentifier=m["modelId"])
        if models:
            self.call("by ARN", br, "GetFoundationModel", modelIdentifier=models[0]["modelArn"])
        for key, value in (("byProvider", "anthropic"), ("byOutputModality", "EMBEDDING"),
                           ("byInferenceType", "PROVISIONED")):
            self.call(key, br, "ListFoundationModels", **{key: value})
        self.call("unknown", br, "GetFoundationModel", expect="ResourceNotFoundException",
                  modelIdentifier="acme.no-such-model-v1:0")
        self.call("unknown", br, "GetGuardrail", expect="ResourceNotFoundException", guardrailIdentifier="zzzzzzzzzzzz")
        self.call("unknown", br, "ListGuardrails", expect="ResourceNotFoundException",
                  guardrailIdentifier="zzzzzzzzzzzz")
        self.call("unknown", br, "GetInferenceProfile", expect="ResourceNotFoundException",
                  inferenceProfileIdentifier="us.acme.no-such-model-v1:0")
        self.call("system-defined", br, "DeleteInferenceProfile", expect="ValidationException",
                  inferenceProfileIdentifier="us.amazon.nova-pro-v1:0")
        self.call("unknown", br, "DeleteEnforcedGuardrailConfiguration", expect="ResourceNotFoundException",
                  configId="nosuchconfig")
        for region in DEMO_REGIONS:
            brr = self.client("bedrock", region)
            for g in brr.list_guardrails()["guardrails"]:
                self._bedrock_policy(f"{region} {g['name']}", brr, g["arn"])
            jobs = self.call(region, brr, "ListModelInvocationJobs").get("invocationJobSummaries", [])
            for j in jobs:
                self.call(f"{region} {j['jobName']}", brr, "GetModelInvocationJob", jobIdentifier=j["jobArn"])
        now = datetime.now(timezone.utc)
        self.call("submitTimeAfter", br, "ListModelInvocationJobs", submitTimeAfter=now - timedelta(days=7),
                  submitTimeBefore=now + timedelta(days=1), sortOrder="Ascending", sortBy="CreationTime")
        self.call("unknown", br, "GetModelInvocationJob", expect="ResourceNotFoundException",
                  jobIdentifier=f"arn:aws:bedrock:us-east-1:{account}:model-invocation-job/zzzzzzzzzzzz")
        unknown_g = f"arn:aws:bedrock:us-east-1:{account}:guardrail/zzzzzzzzzzzz"
        self.call("unknown guardrail", br, "GetResourcePolicy", expect="ResourceNotFoundException",
                  resourceArn=unknown_g)
        self.call("unknown guardrail", br, "DeleteResourcePolicy", expect="ResourceNotFoundException",
                  resourceArn=unknown_g)
        self.call("unknown guardrail", br, "PutResourcePolicy", expect="ValidationException",
                  resourceArn=unknown_g, resourcePolicy=json.dumps({"Version": "2012-10-17", "Statement": []}))
        # moto's own resources: the tag routes leave them to moto.
        self.call("moto's ARN", br, "ListTagsForResource", expect="ResourceNotFoundException",
                  resourceARN=f"arn:aws:bedrock:us-east-1:{account}:custom-model/{PROBE}")

        # Writes, in the scratch Region only; removed at the end.
        region, sc = self.scratch, self.client("bedrock", self.scratch)
        key = f"arn:aws:kms:{region}:{account}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
        s3 = self.client("s3", region)
        gid = ""
        app_arn = ""
        config_ids: list[str] = []
        try:
            self.call("unset", sc, "GetModelInvocationLoggingConfiguration")
            bucket = f"{PROBE}-{account}-{region}"
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
            sc.put_model_invocation_logging_configuration(loggingConfig={
                "s3Config": {"bucketName": bucket, "keyPrefix": "p/"}, "textDataDeliveryEnabled": True})
            self.call("set", sc, "GetModelInvocationLoggingConfiguration")
            sc.delete_model_invocation_logging_configuration()
            s3.delete_bucket(Bucket=bucket)
            self.call("unset again", sc, "GetModelInvocationLoggingConfiguration")

            g = self.call("full", sc, "CreateGuardrail", **_full_guardrail(account, region, key))
            gid = g.get("guardrailId", "")
            self.call("duplicate name", sc, "CreateGuardrail", expect="ConflictException",
                      name=f"{PROBE}-guardrail", blockedInputMessaging="no", blockedOutputsMessaging="no")
            self.call("draft", sc, "GetGuardrail", guardrailIdentifier=gid)
            self.call("v1", sc, "CreateGuardrailVersion", guardrailIdentifier=gid, description="first")
            self.call("v2", sc, "CreateGuardrailVersion", guardrailIdentifier=gid)
            self.call("v1", sc, "GetGuardrail", guardrailIdentifier=gid, guardrailVersion="1")
            self.call("unknown version", sc, "GetGuardrail", expect="ResourceNotFoundException",
                      guardrailIdentifier=gid, guardrailVersion="99")
            self.call("minimal", sc, "UpdateGuardrail", guardrailIdentifier=gid, name=f"{PROBE}-guardrail",
                      blockedInputMessaging="no", blockedOutputsMessaging="no")
            self.call("minimal draft", sc, "GetGuardrail", guardrailIdentifier=gid)
            self.call("full", sc, "UpdateGuardrail", guardrailIdentifier=gid,
                      **{k: v for k, v in _full_guardrail(account, region, key).items() if k != "tags"})
            self.call("versions", sc, "ListGuardrails", guardrailIdentifier=gid)
            self.call("page", sc, "ListGuardrails", maxResults=1)
            self.call("v2", sc, "DeleteGuardrail", guardrailIdentifier=gid, guardrailVersion="2")
            arn = f"arn:aws:bedrock:{region}:{account}:guardrail/{gid}"
            self.call("guardrail", sc, "TagResource", resourceARN=arn, tags=[{"key": "b", "value": "2"}])
            self.call("guardrail", sc, "UntagResource", resourceARN=arn, tagKeys=["a"])
            self.call("guardrail", sc, "ListTagsForResource", resourceARN=arn)

            fm = f"arn:aws:bedrock:{region}::foundation-model/amazon.nova-pro-v1:0"
            app_arn = self.call("from model", sc, "CreateInferenceProfile", inferenceProfileName=f"{PROBE}-app",
                                description="probe", modelSource={"copyFrom": fm},
                                tags=[{"key": "a", "value": "1"}]).get("inferenceProfileArn", "")
            sys_arn = (f"arn:aws:bedrock:{region}:{account}:inference-profile/"
                       "global.anthropic.claude-sonnet-4-5-20250929-v1:0")
            app2 = self.call("from profile", sc, "CreateInferenceProfile", inferenceProfileName=f"{PROBE}-app2",
                             modelSource={"copyFrom": sys_arn}).get("inferenceProfileArn", "")
            self.call("APPLICATION", sc, "ListInferenceProfiles", typeEquals="APPLICATION")
            self.call("application", sc, "GetInferenceProfile", inferenceProfileIdentifier=app_arn)
            self.call("application", sc, "TagResource", resourceARN=app_arn, tags=[{"key": "b", "value": "2"}])
            self.call("application", sc, "UntagResource", resourceARN=app_arn, tagKeys=["a"])
            self.call("application", sc, "ListTagsForResource", resourceARN=app_arn)
            self.call("system profile", sc, "ListTagsForResource", resourceARN=sys_arn)
            self.call("application 2", sc, "DeleteInferenceProfile", inferenceProfileIdentifier=app2)

            c1 = self.call("new", sc, "PutEnforcedGuardrailConfiguration", guardrailInferenceConfig={
                "guardrailIdentifier": arn, "guardrailVersion": "1"}).get("configId", "")
            config_ids.append(c1)
            self.call("update", sc, "PutEnforcedGuardrailConfiguration", configId=c1, guardrailInferenceConfig={
                "guardrailIdentifier": gid, "guardrailVersion": "1",
                "selectiveContentGuarding": {"system": "SELECTIVE", "messages": "COMPREHENSIVE"},
                "modelEnforcement": {"includedModels": ["ALL"], "excludedModels": []}})
            self.call("scratch", sc, "ListEnforcedGuardrailsConfiguration")

            pol = json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": "bedrock:ApplyGuardrail", "Resource": arn}]})
            self.call("guardrail", sc, "PutResourcePolicy", resourceArn=arn, resourcePolicy=pol)
            self.call("guardrail", sc, "GetResourcePolicy", resourceArn=arn)
            self.call("guardrail", sc, "DeleteResourcePolicy", resourceArn=arn)
            self.call("guardrail, none", sc, "GetResourcePolicy", expect="ResourceNotFoundException", resourceArn=arn)
            job = {"roleArn": f"arn:aws:iam::{account}:role/{PROBE}-role", "modelId": "amazon.nova-pro-v1:0",
                   "inputDataConfig": {"s3InputDataConfig": {"s3Uri": f"s3://{PROBE}-{account}/in/x.jsonl",
                                                             "s3InputFormat": "JSONL"}},
                   "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": f"s3://{PROBE}-{account}/out/",
                                                               "s3EncryptionKeyId": key}}}
            # AWS has no DeleteModelInvocationJob: these jobs stay in the scratch Region (until a
            # reset); names unique per run, so a second run does not conflict.
            run = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")
            j1 = self.call("full", sc, "CreateModelInvocationJob", jobName=f"{PROBE}-{run}-1", clientRequestToken="t1",
                           timeoutDurationInHours=48, tags=[{"key": "a", "value": "1"}], **job).get("jobArn", "")
            self.call("minimal", sc, "CreateModelInvocationJob", jobName=f"{PROBE}-{run}-2", **job)
            self.call("duplicate name", sc, "CreateModelInvocationJob", expect="ConflictException",
                      jobName=f"{PROBE}-{run}-1", **job)
            self.call("by ARN", sc, "GetModelInvocationJob", jobIdentifier=j1)
            self.call("by id", sc, "GetModelInvocationJob", jobIdentifier=j1.rsplit("/", 1)[-1])
            page = self.call("page 1", sc, "ListModelInvocationJobs", maxResults=1)
            self.call("page 2", sc, "ListModelInvocationJobs", maxResults=1, nextToken=page.get("nextToken", "1"))
            self.call("filters", sc, "ListModelInvocationJobs", nameContains=f"{run}-1", statusEquals="Submitted")
        finally:
            for cid in config_ids:
                self.call("cleanup", sc, "DeleteEnforcedGuardrailConfiguration", configId=cid)
            if app_arn:
                self.call("cleanup", sc, "DeleteInferenceProfile", inferenceProfileIdentifier=app_arn)
            if gid:
                self.call("cleanup", sc, "DeleteGuardrail", guardrailIdentifier=gid)

    def probe_bedrock_agent(self, account: str) -> None:
        # Reads over the seeded demo (whatever is there), every page followed.
        for region in DEMO_REGIONS:
            ba = self.client("bedrock-agent", region)
            for a in self._pages(region, ba, "ListAgents", "agentSummaries"):
                aid = a["agentId"]
                self.call(a["agentName"], ba, "GetAgent", agentId=aid)
                for al in self._pages(a["agentName"], ba, "ListAgentAliases", "agentAliasSummaries", agentId=aid):
                    self.call(al["agentAliasName"], ba, "GetAgentAlias", agentId=aid, agentAliasId=al["agentAliasId"])
                for v in self._pages(a["agentName"], ba, "ListAgentVersions", "agentVersionSummaries", agentId=aid):
                    if v["agentVersion"] != "DRAFT":
                        self.call(f"{a['agentName']} v{v['agentVersion']}", ba, "GetAgentVersion", agentId=aid,
                                  agentVersion=v["agentVersion"])
                self.call(a["agentName"], ba, "ListTagsForResource",
                          resourceArn=f"arn:aws:bedrock:{region}:{account}:agent/{aid}")
            for kb in self._pages(region, ba, "ListKnowledgeBases", "knowledgeBaseSummaries"):
                kid = kb["knowledgeBaseId"]
                self.call(kb["name"], ba, "GetKnowledgeBase", knowledgeBaseId=kid)
                for ds in self._pages(kb["name"], ba, "ListDataSources", "dataSourceSummaries", knowledgeBaseId=kid):
                    self.call(ds["name"], ba, "GetDataSource", knowledgeBaseId=kid, dataSourceId=ds["dataSourceId"])
            for f in self._pages(region, ba, "ListFlows", "flowSummaries"):
                self.call(f["name"], ba, "GetFlow", flowIdentifier=f["id"])
                for al in self._pages(f["name"], ba, "ListFlowAliases", "flowAliasSummaries", flowIdentifier=f["id"]):
                    self.call(al["name"], ba, "GetFlowAlias", flowIdentifier=f["id"], aliasIdentifier=al["arn"])
                for v in self._pages(f["name"], ba, "ListFlowVersions", "flowVersionSummaries",
                                     flowIdentifier=f["arn"]):
                    self.call(f"{f['name']} v{v['version']}", ba, "GetFlowVersion", flowIdentifier=f["id"],
                              flowVersion=v["version"])
            for p in self._pages(region, ba, "ListPrompts", "promptSummaries"):
                self.call(p["name"], ba, "GetPrompt", promptIdentifier=p["arn"])

        # Writes, in the scratch Region only; removed at the end.
        region, sc = self.scratch, self.client("bedrock-agent", self.scratch)
        role = f"arn:aws:iam::{account}:role/{PROBE}-role"
        key = f"arn:aws:kms:{region}:{account}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
        nope = "ZZZZZZZZZZ"
        ids: dict[str, str] = {}
        try:
            a = self.call("full", sc, "CreateAgent", **_full_agent(role, key)).get("agent", {})
            ids["agent"] = aid = a.get("agentId", nope)
            self.call("duplicate name", sc, "CreateAgent", expect="ConflictException", agentName=f"{PROBE}-agent",
                      agentResourceRoleArn=role)
            self.call("minimal", sc, "CreateAgent", agentName=f"{PROBE}-agent2", agentResourceRoleArn=role)
            self.call("not prepared", sc, "GetAgent", agentId=aid)
            self.call("draft", sc, "PrepareAgent", agentId=aid)
            self.call("prepared", sc, "GetAgent", agentId=aid)
            al = self.call("new version", sc, "CreateAgentAlias", agentId=aid, agentAliasName="live",
                           description="cuts version 1", tags={"a": "1"}).get("agentAlias", {})
            self.call("to version 1", sc, "CreateAgentAlias", agentId=aid, agentAliasName="canary",
                      routingConfiguration=[{"agentVersion": "1"}])
            self.call("unknown version", sc, "CreateAgentAlias", expect="ResourceNotFoundException", agentId=aid,
                      agentAliasName="bad", routingConfiguration=[{"agentVersion": "42"}])
            self.call("duplicate name", sc, "CreateAgentAlias", expect="ConflictException", agentId=aid,
                      agentAliasName="live")
            self.call("live", sc, "GetAgentAlias", agentId=aid, agentAliasId=al.get("agentAliasId", nope))
            self.call("test alias", sc, "GetAgentAlias", agentId=aid, agentAliasId="TSTALIASID")
            self.call("page 1", sc, "ListAgentAliases", agentId=aid, maxResults=1)
            self.call("all", sc, "ListAgentAliases", agentId=aid)
            self.call("v1", sc, "GetAgentVersion", agentId=aid, agentVersion="1")
            self.call("all", sc, "ListAgentVersions", agentId=aid)
            first = self.call("page 1", sc, "ListAgents", maxResults=1)
            self.call("page 2", sc, "ListAgents", maxResults=1, nextToken=first.get("nextToken", "1"))
            self.call("bad token", sc, "ListAgents", expect="ValidationException", nextToken="not-a-token")
            self.call("live", sc, "DeleteAgentAlias", agentId=aid, agentAliasId=al.get("agentAliasId", nope))
            for op, extra in (("GetAgent", {}), ("PrepareAgent", {}), ("DeleteAgent", {}),
                              ("ListAgentAliases", {}), ("ListAgentVersions", {}),
                              ("GetAgentVersion", {"agentVersion": "1"}),
                              ("GetAgentAlias", {"agentAliasId": nope}),
                              ("DeleteAgentAlias", {"agentAliasId": nope}),
                              ("CreateAgentAlias", {"agentAliasName": "x"})):
                self.call("unknown agent", sc, op, expect="ResourceNotFoundException", agentId=nope, **extra)
            self.call("unknown alias", sc, "GetAgentAlias", expect="ResourceNotFoundException", agentId=aid,
                      agentAliasId=nope)
            self.call("unknown version", sc, "GetAgentVersion", expect="ResourceNotFoundException", agentId=aid,
                      agentVersion="42")

            kb = self.call("vector", sc, "CreateKnowledgeBase", **_full_kb(account, region, role)).get(
                "knowledgeBase", {})
            ids["kb"] = kid = kb.get("knowledgeBaseId", nope)
            self.call("duplicate name", sc, "CreateKnowledgeBase", expect="ConflictException",
                      **_full_kb(account, region, role))
            self.call("vector", sc, "GetKnowledgeBase", knowledgeBaseId=kid)
            upd = {k: v for k, v in _full_kb(account, region, role).items() if k != "tags"}
            upd["storageConfiguration"] = {"type": "S3_VECTORS", "s3VectorsConfiguration": {
                "vectorBucketArn": f"arn:aws:s3vectors:{region}:{account}:bucket/{PROBE}",
                "indexArn": f"arn:aws:s3vectors:{region}:{account}:bucket/{PROBE}/index/probe"}}
            self.call("S3 vectors", sc, "UpdateKnowledgeBase", knowledgeBaseId=kid, **upd)
            self.call("S3 vectors", sc, "GetKnowledgeBase", knowledgeBaseId=kid)
            self.call("unknown knowledge base", sc, "UpdateKnowledgeBase", expect="ResourceNotFoundException",
                      knowledgeBaseId=nope, **upd)
            self.call("all", sc, "ListKnowledgeBases")
            ds = self.call("s3 + CMK", sc, "CreateDataSource", knowledgeBaseId=kid, name="docs",
                           description="probe", dataSourceConfiguration={"type": "S3", "s3Configuration": {
                               "bucketArn": f"arn:aws:s3:::{PROBE}-{account}", "inclusionPrefixes": ["docs/"]}},
                           serverSideEncryptionConfiguration={"kmsKeyArn": key},
                           vectorIngestionConfiguration={"chunkingConfiguration": {"chunkingStrategy": "FIXED_SIZE",
                               "fixedSizeChunkingConfiguration": {"maxTokens": 300, "overlapPercentage": 20}}},
                           dataDeletionPolicy="RETAIN").get("dataSource", {})
            self.call("duplicate name", sc, "CreateDataSource", expect="ConflictException", knowledgeBaseId=kid,
                      name="docs", dataSourceConfiguration={"type": "S3", "s3Configuration": {
                          "bucketArn": f"arn:aws:s3:::{PROBE}-{account}"}})
            self.call("s3 + CMK", sc, "GetDataSource", knowledgeBaseId=kid, dataSourceId=ds.get("dataSourceId", nope))
            self.call("all", sc, "ListDataSources", knowledgeBaseId=kid, maxResults=5)
            self.call("s3 + CMK", sc, "DeleteDataSource", knowledgeBaseId=kid,
                      dataSourceId=ds.get("dataSourceId", nope))
            for op, extra in (("GetKnowledgeBase", {}), ("DeleteKnowledgeBase", {}), ("ListDataSources", {}),
                              ("GetDataSource", {"dataSourceId": nope}), ("DeleteDataSource", {"dataSourceId": nope}),
                              ("CreateDataSource", {"name": "x", "dataSourceConfiguration": {"type": "S3"}})):
                self.call("unknown knowledge base", sc, op, expect="ResourceNotFoundException", knowledgeBaseId=nope,
                          **extra)
            self.call("unknown data source", sc, "GetDataSource", expect="ResourceNotFoundException",
                      knowledgeBaseId=kid, dataSourceId=nope)

            f = self.call("full", sc, "CreateFlow", **_full_flow(account, region, role, key))
            ids["flow"] = fid = f.get("id", nope)
            farn = f.get("arn", nope)
            self.call("duplicate name", sc, "CreateFlow", expect="ConflictException", name=f"{PROBE}-flow",
                      executionRoleArn=role)
            self.call("draft", sc, "PrepareFlow", flowIdentifier=fid)
            self.call("draft", sc, "GetFlow", flowIdentifier=farn)
            self.call("v1", sc, "CreateFlowVersion", flowIdentifier=fid, description="first")
            self.call("v1", sc, "GetFlowVersion", flowIdentifier=farn, flowVersion="1")
            self.call("all", sc, "ListFlowVersions", flowIdentifier=fid)
            fa = self.call("live", sc, "CreateFlowAlias", flowIdentifier=fid, name="live", description="v1",
                           routingConfiguration=[{"flowVersion": "1"}],
                           concurrencyConfiguration={"type": "Manual", "maxConcurrency": 5}, tags={"a": "1"})
            self.call("duplicate name", sc, "CreateFlowAlias", expect="ConflictException", flowIdentifier=fid,
                      name="live", routingConfiguration=[{"flowVersion": "DRAFT"}])
            self.call("unknown version", sc, "CreateFlowAlias", expect="ResourceNotFoundException",
                      flowIdentifier=fid, name="bad", routingConfiguration=[{"flowVersion": "42"}])
            self.call("live", sc, "GetFlowAlias", flowIdentifier=fid, aliasIdentifier=fa.get("id", nope))
            self.call("all", sc, "ListFlowAliases", flowIdentifier=fid)
            self.call("all", sc, "ListFlows", maxResults=5)
            self.call("live", sc, "DeleteFlowAlias", flowIdentifier=fid, aliasIdentifier=fa.get("arn", nope))
            for op, extra in (("GetFlow", {}), ("PrepareFlow", {}), ("DeleteFlow", {}), ("ListFlowAliases", {}),
                              ("ListFlowVersions", {}), ("CreateFlowVersion", {}),
                              ("GetFlowVersion", {"flowVersion": "1"}), ("GetFlowAlias", {"aliasIdentifier": nope}),
                              ("DeleteFlowAlias", {"aliasIdentifier": nope}),
                              ("CreateFlowAlias", {"name": "x", "routingConfiguration": [{"flowVersion": "1"}]})):
                self.call("unknown flow", sc, op, expect="ResourceNotFoundException", flowIdentifier=nope, **extra)
            self.call("unknown version", sc, "GetFlowVersion", expect="ResourceNotFoundException", flowIdentifier=fid,
                      flowVersion="42")

            p = self.call("full", sc, "CreatePrompt", **_full_prompt(key))
            ids["prompt"] = pid = p.get("id", nope)
            self.call("duplicate name", sc, "CreatePrompt", expect="ConflictException", name=f"{PROBE}-prompt")
            self.call("v1", sc, "CreatePromptVersion", promptIdentifier=pid, description="first", tags={"a": "1"})
            self.call("draft", sc, "GetPrompt", promptIdentifier=pid)
            self.call("v1", sc, "GetPrompt", promptIdentifier=p.get("arn", nope), promptVersion="1")
            self.call("versions", sc, "ListPrompts", promptIdentifier=pid)
            self.call("all", sc, "ListPrompts", maxResults=5)
            self.call("v1", sc, "DeletePrompt", promptIdentifier=pid, promptVersion="1")
            for op, extra in (("GetPrompt", {}), ("DeletePrompt", {}), ("CreatePromptVersion", {}),
                              ("ListPrompts", {})):
                self.call("unknown prompt", sc, op, expect="ResourceNotFoundException", promptIdentifier=nope,
                          **extra)
            self.call("unknown version", sc, "GetPrompt", expect="ResourceNotFoundException", promptIdentifier=pid,
                      promptVersion="42")

            arn = f"arn:aws:bedrock:{region}:{account}:agent/{aid}"
            self.call("agent", sc, "TagResource", resourceArn=arn, tags={"b": "2"})
            self.call("agent", sc, "UntagResource", resourceArn=arn, tagKeys=["a", "b"])
            self.call("agent", sc, "ListTagsForResource", resourceArn=arn)
            self.call("flow", sc, "ListTagsForResource", resourceArn=farn)
        finally:
            for name in (f"{PROBE}-agent2",):
                for a in sc.list_agents(maxResults=10)["agentSummaries"]:
                    if a["agentName"] == name:
                        self.call("cleanup", sc, "DeleteAgent", agentId=a["agentId"])
            if "agent" in ids:
                self.call("cleanup", sc, "DeleteAgent", agentId=ids["agent"])
            if "kb" in ids:
                self.call("cleanup", sc, "DeleteKnowledgeBase", knowledgeBaseId=ids["kb"])
            if "flow" in ids:
                self.call("cleanup", sc, "DeleteFlow", flowIdentifier=ids["flow"])
            if "prompt" in ids:
                self.call("cleanup", sc, "DeletePrompt", promptIdentifier=ids["prompt"])

    def probe_agentcore(self, account: str) -> None:
        # Reads over the seeded demo, every page followed; each runtime's and gateway's policy.
        for region in DEMO_REGIONS:
            ac = self.client("bedrock-agentcore-control", region)
            for r in self._pages(region, ac, "ListAgentRuntimes", "agentRuntimes"):
                self.call(r["agentRuntimeName"], ac, "GetAgentRuntime", agentRuntimeId=r["agentRuntimeId"])
                self._resource_policy(r["agentRuntimeName"], ac, r["agentRuntimeArn"])
                self.call(r["agentRuntimeName"], ac, "ListTagsForResource", resourceArn=r["agentRuntimeArn"])
            for g in self._pages(region, ac, "ListGateways", "items"):
                got = self.call(g["name"], ac, "GetGateway", gatewayIdentifier=g["gatewayId"])
                self._resource_policy(g["name"], ac, got.get("gatewayArn", ""))
            for m in self._pages(region, ac, "ListMemories", "memories"):
                self.call(m.get("id", ""), ac, "GetMemory", memoryId=m.get("id", ""))

        region, sc = self.scratch, self.client("bedrock-agentcore-control", self.scratch)
        role = f"arn:aws:iam::{account}:role/{PROBE}-role"
        key = f"arn:aws:kms:{region}:{account}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
        made: list[tuple[str, str, str]] = []  # (delete operation, id parameter, id)
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Action": "bedrock-agentcore:InvokeAgentRuntime", "Resource": "*"}]})
        try:
            r = self.call("vpc", sc, "CreateAgentRuntime", **_full_runtime(account, region, role))
            made.append(("DeleteAgentRuntime", "agentRuntimeId", r.get("agentRuntimeId", "x-0000000000")))
            self.call("minimal", sc, "CreateAgentRuntime", agentRuntimeName=f"{PROBE.replace('-', '_')}_min",
                      roleArn=role, agentRuntimeArtifact={"containerConfiguration": {
                          "containerUri": f"{account}.dkr.ecr.{region}.amazonaws.com/probe:latest"}})
            made.append(("DeleteAgentRuntime", "agentRuntimeId", sc.list_agent_runtimes()["agentRuntimes"][-1][
                "agentRuntimeId"]))
            self.call("duplicate name", sc, "CreateAgentRuntime", expect="ConflictException",
                      **_full_runtime(account, region, role))
            rid = r.get("agentRuntimeId", "x-0000000000")
            rarn = r.get("agentRuntimeArn", "")
            self.call("vpc", sc, "GetAgentRuntime", agentRuntimeId=rid)
            self.call("version 1", sc, "GetAgentRuntime", agentRuntimeId=rid, agentRuntimeVersion="1")
            first = self.call("page 1", sc, "ListAgentRuntimes", maxResults=1)
            self.call("page 2", sc, "ListAgentRuntimes", maxResults=1, nextToken=first.get("nextToken", "1"))
            self.call("runtime", sc, "PutResourcePolicy", resourceArn=rarn, policy=policy)
            self.call("runtime", sc, "GetResourcePolicy", resourceArn=rarn)
            self.call("runtime", sc, "DeleteResourcePolicy", resourceArn=rarn)
            self.call("runtime, none", sc, "GetResourcePolicy", expect="ResourceNotFoundException", resourceArn=rarn)
            self.call("runtime, none", sc, "DeleteResourcePolicy", expect="ResourceNotFoundException",
                      resourceArn=rarn)
            self.call("runtime", sc, "TagResource", resourceArn=rarn, tags={"b": "2"})
            self.call("runtime", sc, "UntagResource", resourceArn=rarn, tagKeys=["a"])
            self.call("runtime", sc, "ListTagsForResource", resourceArn=rarn)

            g = self.call("jwt", sc, "CreateGateway", **_full_gateway(account, region, role, key))
            made.append(("DeleteGateway", "gatewayIdentifier", g.get("gatewayId", "x-0000000000")))
            g2 = self.call("open", sc, "CreateGateway", name=f"{PROBE}-open", roleArn=role, authorizerType="NONE",
                           exceptionLevel="DEBUG")
            made.append(("DeleteGateway", "gatewayIdentifier", g2.get("gatewayId", "x-0000000000")))
            self.call("duplicate name", sc, "CreateGateway", expect="ConflictException", name=f"{PROBE}-open",
                      roleArn=role, authorizerType="NONE")
            self.call("jwt", sc, "GetGateway", gatewayIdentifier=g.get("gatewayId", "x-0000000000"))
            self.call("page", sc, "ListGateways", maxResults=1)
            self.call("gateway", sc, "PutResourcePolicy", resourceArn=g.get("gatewayArn", ""), policy=policy)
            self.call("gateway", sc, "GetResourcePolicy", resourceArn=g.get("gatewayArn", ""))

            m = self.call("cmk", sc, "CreateMemory", name=f"{PROBE.replace('-', '_')}_memory", description="probe",
                          encryptionKeyArn=key, memoryExecutionRoleArn=role, eventExpiryDuration=30,
                          memoryStrategies=[{"semanticMemoryStrategy": {"name": "facts"}},
                                            {"summaryMemoryStrategy": {"name": "summary",
                                                                       "namespaces": ["/summaries/{actorId}"]}}],
                          tags={"a": "1"}).get("memory", {})
            made.append(("DeleteMemory", "memoryId", m.get("id", "x-0000000000")))
            self.call("duplicate name", sc, "CreateMemory", expect="ConflictException",
                      name=f"{PROBE.replace('-', '_')}_memory", eventExpiryDuration=30)
            self.call("cmk", sc, "GetMemory", memoryId=m.get("id", "x-0000000000"))
            self.call("all", sc, "ListMemories", maxResults=5)
            self.call("memory", sc, "PutResourcePolicy", resourceArn=m.get("arn", ""), policy=policy)

            nope = "nope_runtime-ZZZZZZZZZZ"
            for op, params in (("GetAgentRuntime", {"agentRuntimeId": nope}),
                               ("DeleteAgentRuntime", {"agentRuntimeId": nope}),
                               ("GetAgentRuntime", {"agentRuntimeId": rid, "agentRuntimeVersion": "42"}),
                               ("GetGateway", {"gatewayIdentifier": "nope-zzzzzzzzzz"}),
                               ("DeleteGateway", {"gatewayIdentifier": "nope-zzzzzzzzzz"}),
                               ("GetMemory", {"memoryId": nope}), ("DeleteMemory", {"memoryId": nope})):
                self.call("unknown", sc, op, expect="ResourceNotFoundException", **params)
            unknown = f"arn:aws:bedrock-agentcore:{region}:{account}:runtime/{nope}"
            self.call("unknown resource", sc, "PutResourcePolicy", expect="ResourceNotFoundException",
                      resourceArn=unknown, policy=policy)
            self.call("unknown resource", sc, "GetResourcePolicy", expect="ResourceNotFoundException",
                      resourceArn=unknown)
        finally:
            for op, param, ident in reversed(made):
                self.call("cleanup", sc, op, **{param: ident})

    def _pages(self, label: str, client: BaseClient, op: str, key: str, **params: object) -> list[Doc]:
        """Every item of a paginated list, one validated call per page (page size 1 when
        the first page says there is more, so pagination itself is exercised)."""
        out: list[Doc] = []
        got = self.call(label, client, op, **params)
        out += got.get(key, [])
        n = 0
        while got.get("nextToken") and n < 100:
            got = self.call(f"{label} page {n + 2}", client, op, nextToken=got["nextToken"], **params)
            out += got.get(key, [])
            n += 1
        return out

    def _resource_policy(self, label: str, client: BaseClient, arn: str) -> None:
        """GetResourcePolicy: a policy, or ResourceNotFoundException when there is none."""
        try:
            client.get_resource_policy(resourceArn=arn)
            self.call(label, client, "GetResourcePolicy", resourceArn=arn)
        except ClientError:
            self.call(f"{label} (none)", client, "GetResourcePolicy", expect="ResourceNotFoundException",
                      resourceArn=arn)

    def _bedrock_policy(self, label: str, client: BaseClient, arn: str) -> None:
        """bedrock GetResourcePolicy: a policy, or ResourceNotFoundException when there is none."""
        try:
            client.get_resource_policy(resourceArn=arn)
            self.call(label, client, "GetResourcePolicy", resourceArn=arn)
        except ClientError:
            self.call(f"{label} (none)", client, "GetResourcePolicy", expect="ResourceNotFoundException",
                      resourceArn=arn)

    def probe_organizations(self, account: str) -> None:
        """BEDROCK_POLICY over the demo organisation (created here when there is none);
        a scratch policy attached to a scratch OU, removed at the end. Other policy types:
        moto's answers through the same routes."""
        org = self.client("organizations")
        made_org = False
        try:
            org.describe_organization()
        except ClientError:
            org.create_organization(FeatureSet="ALL")
            made_org = True
        root = self.call("all", org, "ListRoots").get("Roots", [{}])[0]
        rid_ = root.get("Id", "r-0000")
        enabled = any(t.get("Type") == "BEDROCK_POLICY" for t in root.get("PolicyTypes", []))
        ou = org.create_organizational_unit(ParentId=rid_, Name=f"{PROBE}-ou")["OrganizationalUnit"]["Id"]
        pid = ""
        try:
            if not enabled:
                self.call("BEDROCK_POLICY", org, "EnablePolicyType", RootId=rid_, PolicyType="BEDROCK_POLICY")
            self.call("BEDROCK_POLICY again", org, "EnablePolicyType", expect="PolicyTypeAlreadyEnabledException",
                      RootId=rid_, PolicyType="BEDROCK_POLICY")
            self.call("unknown root", org, "EnablePolicyType", expect="RootNotFoundException",
                      RootId="r-zzzz", PolicyType="BEDROCK_POLICY")
            self.call("SCP (moto), already on", org, "EnablePolicyType", expect="PolicyTypeAlreadyEnabledException",
                      RootId=rid_, PolicyType="SERVICE_CONTROL_POLICY")
            self.call("with BEDROCK_POLICY", org, "ListRoots")
            for p in self.call("BEDROCK_POLICY", org, "ListPolicies", Filter="BEDROCK_POLICY").get("Policies", []):
                self.call(p["Name"], org, "DescribePolicy", PolicyId=p["Id"])
                for t in self.call(p["Name"], org, "ListTargetsForPolicy", PolicyId=p["Id"]).get("Targets", []):
                    self.call(f"{p['Name']} -> {t['Name']}", org, "ListPoliciesForTarget", TargetId=t["TargetId"],
                              Filter="BEDROCK_POLICY")
            # (ListPolicies for another type is moto's answer, unchanged: not checked here, moto's
            # 8-character SCP ids do not fit PolicyArn's pattern and it writes "NextToken": null.)
            for a in org.list_accounts()["Accounts"]:
                try:
                    org.describe_effective_policy(PolicyType="BEDROCK_POLICY", TargetId=a["Id"])
                    self.call(a["Name"], org, "DescribeEffectivePolicy", PolicyType="BEDROCK_POLICY", TargetId=a["Id"])
                except ClientError:
                    self.call(f"{a['Name']} (none)", org, "DescribeEffectivePolicy",
                              expect="EffectivePolicyNotFoundException", PolicyType="BEDROCK_POLICY", TargetId=a["Id"])
            content = {"bedrock": {"guardrail_inference": {"us-east-1": {"config_1": {
                "identifier": {"@@assign": f"arn:aws:bedrock:us-east-1:{account}:guardrail/zzzzzzzzzzzz:1"},
                "input_tags": {"@@assign": "honor"}}}}}}
            pid = self.call("BEDROCK_POLICY", org, "CreatePolicy", Name=f"{PROBE}-bedrock", Description="probe",
                            Type="BEDROCK_POLICY", Content=json.dumps(content)).get("Policy", {}).get(
                                "PolicySummary", {}).get("Id", "")
            self.call("duplicate name", org, "CreatePolicy", expect="DuplicatePolicyException", Name=f"{PROBE}-bedrock",
                      Description="probe", Type="BEDROCK_POLICY", Content=json.dumps(content))
            self.call("not a Bedrock policy", org, "CreatePolicy", expect="MalformedPolicyDocumentException",
                      Name=f"{PROBE}-bad", Description="probe", Type="BEDROCK_POLICY", Content="{}")
            self.call("scratch OU", org, "AttachPolicy", PolicyId=pid, TargetId=ou)
            self.call("again", org, "AttachPolicy", expect="DuplicatePolicyAttachmentException", PolicyId=pid,
                      TargetId=ou)
            self.call("unknown target", org, "AttachPolicy", expect="TargetNotFoundException", PolicyId=pid,
                      TargetId="ou-zzzz-zzzzzzzz")
            self.call("scratch", org, "DescribePolicy", PolicyId=pid)
            self.call("scratch", org, "ListTargetsForPolicy", PolicyId=pid)
            self.call("scratch OU", org, "ListPoliciesForTarget", TargetId=ou, Filter="BEDROCK_POLICY")
            self.call("root", org, "ListPoliciesForTarget", TargetId=rid_, Filter="BEDROCK_POLICY")
            self.call("attached", org, "DeletePolicy", expect="PolicyInUseException", PolicyId=pid)
            self.call("scratch OU", org, "DetachPolicy", PolicyId=pid, TargetId=ou)
            self.call("not attached", org, "DetachPolicy", expect="PolicyNotAttachedException", PolicyId=pid,
                      TargetId=ou)
            self.call("scratch", org, "DeletePolicy", PolicyId=pid)
            pid = ""
            self.call("unknown target", org, "DescribeEffectivePolicy", expect="TargetNotFoundException",
                      PolicyType="BEDROCK_POLICY", TargetId="999999999999")
            self.call("unknown target", org, "ListPoliciesForTarget", expect="TargetNotFoundException",
                      TargetId="999999999999", Filter="BEDROCK_POLICY")
            self.call("unknown (moto)", org, "DescribePolicy", expect="PolicyNotFoundException",
                      PolicyId="p-zzzzzzzzzz")
            self.call("unknown (moto)", org, "ListTargetsForPolicy", expect="PolicyNotFoundException",
                      PolicyId="p-zzzzzzzzzz")
            self.call("unknown (moto)", org, "AttachPolicy", expect="PolicyNotFoundException", PolicyId="p-zzzzzzzzzz",
                      TargetId=ou)
            self.call("unknown (moto)", org, "DetachPolicy", expect="PolicyNotFoundException", PolicyId="p-zzzzzzzzzz",
                      TargetId=ou)
            self.call("unknown (moto)", org, "DeletePolicy", expect="PolicyNotFoundException", PolicyId="p-zzzzzzzzzz")
            if not enabled:
                self.call("BEDROCK_POLICY", org, "DisablePolicyType", RootId=rid_, PolicyType="BEDROCK_POLICY")
                self.call("off", org, "DescribeEffectivePolicy", expect="EffectivePolicyNotFoundException",
                          PolicyType="BEDROCK_POLICY", TargetId=account)
            else:
                self.call("BEDROCK_POLICY, unknown root", org, "DisablePolicyType", expect="RootNotFoundException",
                          RootId="r-zzzz", PolicyType="BEDROCK_POLICY")
        finally:
            if pid:
                with suppress(ClientError):
                    org.detach_policy(PolicyId=pid, TargetId=ou)
                org.delete_policy(PolicyId=pid)
            org.delete_organizational_unit(OrganizationalUnitId=ou)
            if made_org:
                with suppress(ClientError):
                    org.disable_policy_type(RootId=rid_, PolicyType="BEDROCK_POLICY")
                org.delete_organization()

    def probe_aoss(self, account: str) -> None:
        """ListCollections over the demo, then a CMK and an AWS-owned-key collection in the
        scratch Region, deleted at the end (their encryption policies stay: moto has no
        DeleteSecurityPolicy; a later run reuses them)."""
        for region in DEMO_REGIONS:
            self.call(region, self.client("opensearchserverless", region), "ListCollections")
        aoss = self.client("opensearchserverless", self.scratch)
        key = f"arn:aws:kms:{self.scratch}:{account}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
        made: list[str] = []
        try:
            for name, enc in (("probecmk", {"AWSOwnedKey": False, "KmsARN": key}),
                              ("probeowned", {"AWSOwnedKey": True})):
                with suppress(ClientError):
                    aoss.create_security_policy(name=f"{name}-enc", type="encryption", policy=json.dumps(
                        {"Rules": [{"ResourceType": "collection", "Resource": [f"collection/{name}"]}], **enc}))
                made.append(aoss.create_collection(name=name, type="VECTORSEARCH")["createCollectionDetail"]["id"])
            self.call("scratch", aoss, "ListCollections")
            self.call("by name", aoss, "ListCollections", collectionFilters={"name": "probeowned"})
        finally:
            for cid in made:
                aoss.delete_collection(id=cid)

    def probe_cloudtrail(self, account: str) -> None:
        for region in DEMO_REGIONS:
            ct = self.client("cloudtrail", region)
            for e in self.call(region, ct, "LookupEvents").get("Events", []):
                self._cloudtrail_event(f"cloudtrail:LookupEvents [{region}]", e)
        region, ct = self.scratch, self.client("cloudtrail", self.scratch)
        now = datetime.now(timezone.utc)
        self.shim("/_shim/cloudtrail/events", {"accountId": account, "region": region, "events": [
            {"eventName": "InvokeModel", "daysAgo": 1, "username": "probe-user",
             "requestParameters": {"modelId": "amazon.nova-pro-v1:0"},
             "resources": [{"ResourceType": "AWS::Bedrock::Model", "ResourceName": "amazon.nova-pro-v1:0"}]},
            {"eventName": "Converse", "eventTime": (now - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ"),
             "username": "probe-user", "readOnly": True, "additionalEventData": {"inputTokens": 3}},
            {"eventName": "CreateGuardrail", "daysAgo": 5, "eventSource": "bedrock.amazonaws.com",
             "accessKeyId": "AKIAPROBE"},
            {"eventName": "GetCallerIdentity", "daysAgo": 7, "eventSource": "sts.amazonaws.com"},
            {"eventName": "ListFoundationModels", "minutesAgo": 30, "userType": "IAMUser", "username": "probe-alice",
             "accessKeyId": "AKIAPROBEALICE", "readOnly": True},
            {"eventName": "Subscribe", "daysAgo": 2, "eventSource": "aws-marketplace.amazonaws.com",
             "userIdentity": {"type": "AssumedRole", "arn": f"arn:aws:sts::{account}:assumed-role/probe-curator/s",
                              "accessKeyId": "ASIAPROBE"}},
            {"eventName": "InvokeModel", "daysAgo": 2, "userType": "IAMUser", "username": "probe-alice",
             "requestParameters": {"modelId": "arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.x"},
             "additionalEventData": {"inferenceRegion": "us-east-2"}},
        ]})
        try:
            for e in self.call("all", ct, "LookupEvents").get("Events", []):
                self._cloudtrail_event(f"cloudtrail:LookupEvents [{region}]", e)
            for k, v in (("EventSource", "bedrock.amazonaws.com"), ("EventName", "Converse"),
                         ("Username", "probe-user"), ("ReadOnly", "true"), ("AccessKeyId", "AKIAPROBE"),
                         ("ResourceType", "AWS::Bedrock::Model"), ("ResourceName", "amazon.nova-pro-v1:0"),
                         ("EventSource", "aws-marketplace.amazonaws.com"), ("Username", "probe-alice")):
                self.call(k, ct, "LookupEvents", LookupAttributes=[{"AttributeKey": k, "AttributeValue": v}])
            self.call("time window", ct, "LookupEvents",
                      StartTime=now - timedelta(days=4), EndTime=now - timedelta(days=2))
            first = self.call("page 1", ct, "LookupEvents", MaxResults=2)
            self.call("page 2", ct, "LookupEvents", MaxResults=2, NextToken=first.get("NextToken", "2"))
            self.call("bad token", ct, "LookupEvents", expect="InvalidNextTokenException", NextToken="not-a-token")
            # The Rust (Smithy) SDKs send X-Amz-Target as <service shape>.<operation>,
            # not botocore's full targetPrefix: the extension must answer both.
            smithy = ct.meta.service_model.metadata["targetPrefix"].rsplit(".", 1)[-1]

            def short_target(request: AWSRequest, **_: object) -> None:
                request.headers.replace_header("X-Amz-Target", f"{smithy}.LookupEvents")

            ct.meta.events.register("before-sign.cloudtrail.LookupEvents", short_target)
            try:
                got = self.call(f"X-Amz-Target {smithy}.LookupEvents", ct, "LookupEvents")
                if not got.get("Events"):
                    self.report("cloudtrail:LookupEvents", f"no events when called as {smithy}.LookupEvents")
            finally:
                ct.meta.events.unregister("before-sign.cloudtrail.LookupEvents", short_target)
        finally:
            self.shim("/_shim/cloudtrail/clear", {"accountId": account, "region": region})

    def probe_usage(self, account: str) -> None:
        """budgets, ce (global: called in the scratch Region, which keys their extension state
        apart from the seeded us-east-1) and service-quotas (bedrock)."""
        region = self.scratch
        b = self.client("budgets", region)
        name = f"{PROBE}-budget"
        note = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80.0,
                "ThresholdType": "PERCENTAGE"}
        b.create_budget(AccountId=account, Budget={"BudgetName": name, "BudgetLimit": {"Amount": "10", "Unit": "USD"},
                                                   "TimeUnit": "MONTHLY", "BudgetType": "COST"},
                        NotificationsWithSubscribers=[{"Notification": note, "Subscribers": [
                            {"SubscriptionType": "EMAIL", "Address": "probe@example.com"},
                            {"SubscriptionType": "SNS", "Address": f"arn:aws:sns:us-east-1:{account}:probe"}]}])
        try:
            self.call("subscribers", b, "DescribeSubscribersForNotification", AccountId=account, BudgetName=name,
                      Notification=note)
            first = self.call("page 1", b, "DescribeSubscribersForNotification", AccountId=account, BudgetName=name,
                              Notification=note, MaxResults=1)
            self.call("page 2", b, "DescribeSubscribersForNotification", AccountId=account, BudgetName=name,
                      Notification=note, MaxResults=1, NextToken=first.get("NextToken", "1"))
            self.call("unknown notification", b, "DescribeSubscribersForNotification", expect="NotFoundException",
                      AccountId=account, BudgetName=name, Notification={**note, "Threshold": 99.0})
            self.call("unknown budget", b, "DescribeSubscribersForNotification", expect="NotFoundException",
                      AccountId=account, BudgetName=f"{PROBE}-nope", Notification=note)
            self.call("none", b, "DescribeBudgetActionsForBudget", AccountId=account, BudgetName=name)
            act = self.call("scp action", b, "CreateBudgetAction", AccountId=account, BudgetName=name,
                            NotificationType="ACTUAL", ActionType="APPLY_SCP_POLICY",
                            ActionThreshold={"ActionThresholdValue": 100.0, "ActionThresholdType": "PERCENTAGE"},
                            Definition={"ScpActionDefinition": {"PolicyId": "p-examplepol", "TargetIds": [account]}},
                            ExecutionRoleArn=f"arn:aws:iam::{account}:role/{PROBE}-budgets",
                            ApprovalModel="AUTOMATIC",
                            Subscribers=[{"SubscriptionType": "EMAIL", "Address": "probe@example.com"}])
            self.call("one", b, "DescribeBudgetActionsForBudget", AccountId=account, BudgetName=name)
            self.call("unknown budget", b, "DescribeBudgetActionsForBudget", expect="NotFoundException",
                      AccountId=account, BudgetName=f"{PROBE}-nope")
            self.call("bad token", b, "DescribeBudgetActionsForBudget", expect="InvalidNextTokenException",
                      AccountId=account, BudgetName=name, NextToken="not-a-token")
            self.call("cleanup", b, "DeleteBudgetAction", AccountId=account, BudgetName=name,
                      ActionId=act.get("ActionId", "x"))
            self.call("unknown action", b, "DeleteBudgetAction", expect="NotFoundException", AccountId=account,
                      BudgetName=name, ActionId="00000000-0000-0000-0000-000000000000")
            self.call("unknown budget", b, "CreateBudgetAction", expect="NotFoundException", AccountId=account,
                      BudgetName=f"{PROBE}-nope", NotificationType="ACTUAL", ActionType="APPLY_IAM_POLICY",
                      ActionThreshold={"ActionThresholdValue": 1.0, "ActionThresholdType": "PERCENTAGE"},
                      Definition={"IamActionDefinition": {"PolicyArn": "arn:aws:iam::aws:policy/AWSDenyAll",
                                                          "Roles": ["r"]}},
                      ExecutionRoleArn=f"arn:aws:iam::{account}:role/r", ApprovalModel="MANUAL",
                      Subscribers=[{"SubscriptionType": "EMAIL", "Address": "probe@example.com"}])
        finally:
            b.delete_budget(AccountId=account, BudgetName=name)

        ce = self.client("ce", region)
        self.call("none", ce, "GetAnomalyMonitors")
        mon = self.call("dimensional", ce, "CreateAnomalyMonitor", AnomalyMonitor={
            "MonitorName": f"{PROBE}-services", "MonitorType": "DIMENSIONAL", "MonitorDimension": "SERVICE"},
            ResourceTags=[{"Key": "a", "Value": "1"}]).get("MonitorArn", "")
        custom = self.call("custom", ce, "CreateAnomalyMonitor", AnomalyMonitor={
            "MonitorName": f"{PROBE}-custom", "MonitorType": "CUSTOM", "MonitorSpecification": {
                "Dimensions": {"Key": "LINKED_ACCOUNT", "Values": [account]}}}).get("MonitorArn", "")
        self.call("all", ce, "GetAnomalyMonitors")
        first = self.call("page 1", ce, "GetAnomalyMonitors", MaxResults=1)
        self.call("page 2", ce, "GetAnomalyMonitors", MaxResults=1, NextPageToken=first.get("NextPageToken", "1"))
        self.call("by ARN", ce, "GetAnomalyMonitors", MonitorArnList=[custom])
        self.call("unknown", ce, "GetAnomalyMonitors", expect="UnknownMonitorException",
                  MonitorArnList=[f"arn:aws:ce::{account}:anomalymonitor/00000000-0000-0000-0000-000000000000"])
        self.call("bad token", ce, "GetAnomalyMonitors", expect="InvalidNextTokenException", NextPageToken="x")
        created = self.call("confirmed", ce, "CreateAnomalySubscription", AnomalySubscription={
            "SubscriptionName": f"{PROBE}-sub", "MonitorArnList": [mon, custom], "Frequency": "DAILY",
            "Subscribers": [{"Address": "probe@example.com", "Type": "EMAIL", "Status": "CONFIRMED"},
                            {"Address": f"arn:aws:sns:us-east-1:{account}:probe", "Type": "SNS"}],
            "ThresholdExpression": {"Dimensions": {"Key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE", "Values": ["100"],
                                                   "MatchOptions": ["GREATER_THAN_OR_EQUAL"]}}})
        sub = str(created.get("SubscriptionArn", ""))
        self.call("unknown monitor", ce, "CreateAnomalySubscription", expect="UnknownMonitorException",
                  AnomalySubscription={"SubscriptionName": "x", "Frequency": "DAILY", "Subscribers": [],
                                       "MonitorArnList": [f"arn:aws:ce::{account}:anomalymonitor/nope"]})
        self.call("all", ce, "GetAnomalySubscriptions")
        self.call("by monitor", ce, "GetAnomalySubscriptions", MonitorArn=custom)
        self.call("by ARN", ce, "GetAnomalySubscriptions", SubscriptionArnList=[sub])
        self.call("unknown", ce, "GetAnomalySubscriptions", expect="UnknownSubscriptionException",
                  SubscriptionArnList=[f"arn:aws:ce::{account}:anomalysubscription/nope"])
        self.call("none", ce, "ListCostAllocationTags")
        self.call("activate", ce, "UpdateCostAllocationTagsStatus", CostAllocationTagsStatus=[
            {"TagKey": f"{PROBE}-a", "Status": "Active"}, {"TagKey": f"{PROBE}-b", "Status": "Inactive"}])
        self.call("all", ce, "ListCostAllocationTags")
        self.call("Status", ce, "ListCostAllocationTags", Status="Inactive", Type="UserDefined")
        first = self.call("page 1", ce, "ListCostAllocationTags", MaxResults=1, TagKeys=[f"{PROBE}-a", f"{PROBE}-b"])
        self.call("page 2", ce, "ListCostAllocationTags", MaxResults=1, NextToken=first.get("NextToken", "1"))
        self.call("bad token", ce, "ListCostAllocationTags", expect="InvalidNextTokenException", NextToken="x")

        sq = self.client("service-quotas", region)
        self.call("bedrock", sq, "ListAWSDefaultServiceQuotas", ServiceCode="bedrock")
        self.call("vpc (moto)", sq, "ListAWSDefaultServiceQuotas", ServiceCode="vpc")
        self.shim("/_shim/service-quotas/applied", {"accountId": account, "region": region, "serviceCode": "bedrock",
                                                    "quotaCode": "L-A50569E5", "value": 1234567.0})
        self.call("bedrock", sq, "ListServiceQuotas", ServiceCode="bedrock")
        first = self.call("page 1", sq, "ListServiceQuotas", ServiceCode="bedrock", MaxResults=2)
        self.call("page 2", sq, "ListServiceQuotas", ServiceCode="bedrock", MaxResults=2,
                  NextToken=first.get("NextToken", "2"))
        self.call("QuotaCode", sq, "ListServiceQuotas", ServiceCode="bedrock", QuotaCode="L-A50569E5")
        self.call("RESOURCE level", sq, "ListServiceQuotas", ServiceCode="bedrock", QuotaAppliedAtLevel="RESOURCE")
        self.call("unknown quota", sq, "ListServiceQuotas", expect="NoSuchResourceException", ServiceCode="bedrock",
                  QuotaCode="L-00000000")
        self.call("unknown service", sq, "ListServiceQuotas", expect="NoSuchResourceException", ServiceCode="nope")
        self.call("bad token", sq, "ListServiceQuotas", expect="InvalidPaginationTokenException",
                  ServiceCode="bedrock", NextToken="x")
        self.call("bad token", sq, "ListAWSDefaultServiceQuotas", expect="InvalidPaginationTokenException",
                  ServiceCode="bedrock", NextToken="x")

    def _cloudtrail_event(self, where: str, e: Doc) -> None:
        """CloudTrailEvent is a JSON string: a parse keeps it opaque, so check it here."""
        try:
            d = json.loads(e["CloudTrailEvent"])
        except (KeyError, ValueError) as err:
            self.report(where, f"CloudTrailEvent is not JSON: {err}")
            return
        for k, want in (("eventID", e.get("EventId")), ("eventName", e.get("EventName")),
                        ("eventSource", e.get("EventSource"))):
            if d.get(k) != want:
                self.report(where, f"CloudTrailEvent.{k} {d.get(k)!r} differs from the event's {want!r}")
        t = e.get("EventTime")
        if isinstance(t, datetime) and d.get("eventTime") != t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"):
            self.report(where, f"CloudTrailEvent.eventTime {d.get('eventTime')!r} differs from EventTime {t}")

    def probe_cloudwatch(self) -> None:
        """CloudWatch over Smithy RPC v2 CBOR (what the Rust SDK speaks), through botocore's
        own rpc-v2-cbor client and as raw requests built like the Rust SDK's; the data comes
        from moto's CloudWatch (the seed's put_metric_data, alarms put here over awsJson)."""
        for region in DEMO_REGIONS:
            cw = self.cbor_client("cloudwatch", region)
            self.call(region, cw, "GetMetricData", **delivery_failures_query())
            self.call(region, cw, "DescribeAlarms")
        region = self.scratch
        cw, plain = self.cbor_client("cloudwatch", region), self.client("cloudwatch", region)
        now = datetime.now(timezone.utc)
        dims = [{"Name": "ModelId", "Value": "amazon.nova-pro-v1:0"}]
        # metric data cannot be deleted (in AWS either): a metric of this run's own (its name,
        # too: moto 5.2.5 ignores the namespace of a query with dimensions)
        ns, name = f"{PROBE}/ns", f"Invocations-{now.strftime('%Y%m%dT%H%M%S%f')}"
        plain.put_metric_data(Namespace=ns, MetricData=[
            {"MetricName": name, "Dimensions": dims, "Value": v, "Unit": "Count",
             "Timestamp": now - timedelta(hours=h)} for h, v in ((1, 2.0), (2, 5.0), (30, 1.5))])
        alarm = f"{PROBE}-alarm"
        plain.put_metric_alarm(
            AlarmName=alarm, Namespace=ns, MetricName=name, Dimensions=dims, Statistic="Sum",
            Period=300, EvaluationPeriods=1, Threshold=10.0, ComparisonOperator="GreaterThanThreshold",
            AlarmActions=[f"arn:aws:sns:{region}:123456789012:{PROBE}"], AlarmDescription="probe")
        try:
            query = {"Id": "inv", "MetricStat": {"Metric": {"Namespace": ns, "MetricName": name,
                                                            "Dimensions": dims}, "Period": 3600, "Stat": "Sum"}}
            window = {"StartTime": now - timedelta(days=2), "EndTime": now}
            got = self.call("scratch, dimensions", cw, "GetMetricData", MetricDataQueries=[query], **window)
            if metric_sum(got, "inv") != 8.5:
                self.report("cloudwatch:GetMetricData", f"scratch sum {metric_sum(got, 'inv')}, want 8.5")
            self.call("ascending, label, two queries", cw, "GetMetricData", ScanBy="TimestampAscending",
                      MetricDataQueries=[{**query, "Label": "probe"}, {**query, "Id": "hidden", "ReturnData": False}],
                      **window)
            self.call("StartTime after EndTime", cw, "GetMetricData", expect="ValidationError",
                      MetricDataQueries=[query], StartTime=now, EndTime=now - timedelta(days=1))
            got = self.call("scratch", cw, "DescribeAlarms")
            if [a.get("AlarmName") for a in got.get("MetricAlarms", [])] != [alarm]:
                self.report("cloudwatch:DescribeAlarms", f"scratch alarms {got.get('MetricAlarms')}, want {alarm}")
            self.call("by name", cw, "DescribeAlarms", AlarmNames=[alarm])
            self.call("by prefix, none", cw, "DescribeAlarms", AlarmNamePrefix=f"{PROBE}-nope")
            self.probe_cloudwatch_raw(region, query, window)
        finally:
            plain.delete_alarms(AlarmNames=[alarm])

    def probe_cloudwatch_raw(self, region: str, query: Doc, window: Doc) -> None:
        """Requests as the Rust SDK writes them (indefinite-length maps), then with every
        indefinite form RFC 8949 allows, a malformed body and an unknown operation."""
        op = boto3.client("cloudwatch", region_name=region).meta.service_model.operation_model("GetMetricData")
        answers = []
        for label, wild in (("Rust SDK body", False), ("indefinite arrays/strings, half floats", True)):
            where = f"cloudwatch:GetMetricData [raw, {label}]"
            body = rust_cbor({"MetricDataQueries": [query], **window, "MaxDatapoints": 100800}, wild=wild)
            status, headers, data = rpcv2_request(self.endpoint, region, "GetMetricData", body)
            self.check_raw_headers(where, headers)
            if status != 200:
                self.report(where, f"HTTP {status}: {data[:300]!r}")
                continue
            answers.append(metric_sum(self.check_cbor_body(where, op, data), "inv"))
        if answers != [8.5, 8.5]:
            self.report("cloudwatch:GetMetricData [raw]", f"sums {answers}, want 8.5 for both bodies")
        for label, operation, body, want in (
                ("truncated body", "GetMetricData", b"\xbf\x69StartTime\xc1", (400, "SerializationException")),
                ("not a map", "GetMetricData", b"\x83\x01\x02\x03", (400, "SerializationException")),
                ("trailing bytes", "DescribeAlarms", b"\xa0\xa0", (400, "SerializationException")),
                ("unknown operation", "GetNothing", b"\xa0", (404, "UnknownOperationException")),
                ("unrouted operation", "PutMetricData", rust_cbor({"Namespace": "x"}),
                 (404, "UnknownOperationException"))):
            where = f"cloudwatch:{operation} [raw, {label}]"
            status, headers, data = rpcv2_request(self.endpoint, region, operation, body)
            self.check_raw_headers(where, headers)
            try:
                doc = cbor_wire(data)
            except ValueError as e:
                self.report(where, f"HTTP {status}, the error body is not CBOR ({e}): {data[:200]!r}")
                continue
            code = str(doc.get("__type", "")).rsplit("#", 1)[-1] if isinstance(doc, dict) else ""
            if (status, code) != want:
                self.report(where, f"HTTP {status} {code!r}, want {want}")
            if not isinstance(doc, dict) or not doc.get("message"):
                self.report(where, f"the error has no message: {doc!r}")

    def check_raw_headers(self, where: str, headers: dict[str, str]) -> None:
        for name, want in (("content-type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")):
            if headers.get(name) != want:
                self.report(where, f"{name} {headers.get(name)!r}, want {want}")
        if not headers.get("x-amzn-requestid"):
            self.report(where, "no x-amzn-RequestId header")

    def probe_iam(self) -> None:
        iam = self.client("iam")
        user = f"{PROBE}-user"
        iam.create_user(UserName=user)
        ids: list[str] = []
        try:
            c = self.call("bedrock key", iam, "CreateServiceSpecificCredential", UserName=user,
                          ServiceName="bedrock.amazonaws.com", CredentialAgeDays=30)
            ids.append(c.get("ServiceSpecificCredential", {}).get("ServiceSpecificCredentialId", ""))
            c = self.call("codecommit", iam, "CreateServiceSpecificCredential", UserName=user,
                          ServiceName="codecommit.amazonaws.com")
            ids.append(c.get("ServiceSpecificCredential", {}).get("ServiceSpecificCredentialId", ""))
            self.call("user", iam, "ListServiceSpecificCredentials", UserName=user)
            self.call("service", iam, "ListServiceSpecificCredentials", UserName=user,
                      ServiceName="bedrock.amazonaws.com")
            self.call("all users", iam, "ListServiceSpecificCredentials", AllUsers=True)
            self.call("unknown user", iam, "ListServiceSpecificCredentials", expect="NoSuchEntity",
                      UserName=f"{PROBE}-nobody")
            self.call("unknown user", iam, "CreateServiceSpecificCredential", expect="NoSuchEntity",
                      UserName=f"{PROBE}-nobody", ServiceName="bedrock.amazonaws.com")
        finally:
            for i in ids:
                self.call("cleanup", iam, "DeleteServiceSpecificCredential", UserName=user,
                          ServiceSpecificCredentialId=i)
            self.call("unknown user", iam, "DeleteServiceSpecificCredential", expect="NoSuchEntity",
                      UserName=f"{PROBE}-nobody", ServiceSpecificCredentialId="ACCAEXAMPLEEXAMPLE0000")
            iam.delete_user(UserName=user)

    def probe_sts(self, account: str) -> None:
        iam, sts = self.client("iam"), self.client("sts")
        role = f"{PROBE}-role"
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                         "Principal": {"AWS": f"arn:aws:iam::{account}:root"}}]}
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))
        try:
            self.call("existing role (moto answers)", sts, "AssumeRole",
                      RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="probe")
            self.call("unknown role", sts, "AssumeRole", expect="AccessDenied",
                      RoleArn=f"arn:aws:iam::{account}:role/{PROBE}-nope", RoleSessionName="probe")
            self.call("unknown account", sts, "AssumeRole", expect="AccessDenied",
                      RoleArn="arn:aws:iam::999999999999:role/Nope", RoleSessionName="probe")
        finally:
            iam.delete_role(RoleName=role)

    def check_coverage(self, routes: list[Doc]) -> None:
        done = {(x.service, x.operation) for x in self.exchanges}
        for r in routes:
            if (r["service"], r["operation"]) not in done:
                self.report(f"{r['service']}:{r['operation']}", "served by the extension but not exercised here")

    def check_reset(self, account: str) -> None:
        """Fill every State field, reset, expect it empty; both reset endpoints."""
        for endpoint in ("/moto-api/reset", "/_shim/reset"):
            self._clients.clear()  # moto's reset drops assumed-role credentials
            self._fill_state(account)
            before = self.shim("/_shim/state", method="GET")
            for name, entries in before.items():
                if not entries:
                    self.report("reset", f"the probe did not fill State.{name}: extend check_reset")
            self.shim(endpoint)
            after = self.shim("/_shim/state", method="GET")
            for name, entries in after.items():
                if entries:
                    self.report("reset", f"POST {endpoint} left State.{name} = {entries}")
            left = self.client("bedrock", self.scratch).list_guardrails()["guardrails"]
            if left:
                self.report("reset", f"POST {endpoint} left guardrails {left}")

    def _fill_state(self, account: str) -> None:
        region, br, iam = self.scratch, self.client("bedrock", self.scratch), self.client("iam")
        g = br.create_guardrail(name=f"{PROBE}-reset", blockedInputMessaging="n", blockedOutputsMessaging="n",
                                tags=[{"key": "a", "value": "1"}])
        br.put_enforced_guardrail_configuration(guardrailInferenceConfig={
            "guardrailIdentifier": g["guardrailId"], "guardrailVersion": "1"})
        br.create_inference_profile(inferenceProfileName=f"{PROBE}-reset", modelSource={
            "copyFrom": f"arn:aws:bedrock:{region}::foundation-model/amazon.nova-pro-v1:0"})
        self.shim("/_shim/cloudtrail/events", {"accountId": account, "region": region,
                                               "events": [{"eventName": "InvokeModel"}]})
        with suppress(ClientError):
            iam.create_user(UserName=f"{PROBE}-reset")
        iam.create_service_specific_credential(UserName=f"{PROBE}-reset", ServiceName="bedrock.amazonaws.com")
        ba, ac = self.client("bedrock-agent", region), self.client("bedrock-agentcore-control", region)
        role = f"arn:aws:iam::{account}:role/{PROBE}-role"
        key = f"arn:aws:kms:{region}:{account}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
        ba.create_agent(**_full_agent(role, key))
        ba.create_knowledge_base(**_full_kb(account, region, role))
        ba.create_flow(**_full_flow(account, region, role, key))
        ba.create_prompt(**_full_prompt(key))
        arn = ac.create_agent_runtime(**_full_runtime(account, region, role))["agentRuntimeArn"]
        ac.put_resource_policy(resourceArn=arn, policy=json.dumps({"Version": "2012-10-17", "Statement": []}))
        ac.create_gateway(**_full_gateway(account, region, role, key))
        ac.create_memory(name="probe_reset", eventExpiryDuration=30)
        br.create_model_invocation_job(
            jobName=f"{PROBE}-reset", roleArn=role, modelId="amazon.nova-pro-v1:0",
            inputDataConfig={"s3InputDataConfig": {"s3Uri": f"s3://{PROBE}-{account}/in.jsonl"}},
            outputDataConfig={"s3OutputDataConfig": {"s3Uri": f"s3://{PROBE}-{account}/out/"}})
        budgets, ce = self.client("budgets", region), self.client("ce", region)
        with suppress(ClientError):
            budgets.create_budget(AccountId=account, Budget={
                "BudgetName": f"{PROBE}-reset", "BudgetLimit": {"Amount": "1", "Unit": "USD"}, "TimeUnit": "MONTHLY",
                "BudgetType": "COST"})
        budgets.create_budget_action(
            AccountId=account, BudgetName=f"{PROBE}-reset", NotificationType="ACTUAL", ActionType="APPLY_IAM_POLICY",
            ActionThreshold={"ActionThresholdValue": 1.0, "ActionThresholdType": "PERCENTAGE"},
            Definition={"IamActionDefinition": {"PolicyArn": "arn:aws:iam::aws:policy/AWSDenyAll", "Roles": ["r"]}},
            ExecutionRoleArn=f"arn:aws:iam::{account}:role/r", ApprovalModel="MANUAL",
            Subscribers=[{"SubscriptionType": "EMAIL", "Address": "probe@example.com"}])
        mon = ce.create_anomaly_monitor(AnomalyMonitor={"MonitorName": "m", "MonitorType": "DIMENSIONAL",
                                                        "MonitorDimension": "SERVICE"})["MonitorArn"]
        ce.create_anomaly_subscription(AnomalySubscription={"SubscriptionName": "s", "MonitorArnList": [mon],
                                                            "Frequency": "DAILY", "Subscribers": []})
        ce.update_cost_allocation_tags_status(CostAllocationTagsStatus=[{"TagKey": "k", "Status": "Active"}])
        self.shim("/_shim/service-quotas/applied", {"accountId": account, "region": region,
                                                    "quotaCode": "L-A50569E5", "value": 1.0})
        org = self.client("organizations")
        with suppress(ClientError):
            org.create_organization(FeatureSet="ALL")
        root = org.list_roots()["Roots"][0]["Id"]
        with suppress(ClientError):
            org.enable_policy_type(RootId=root, PolicyType="BEDROCK_POLICY")
        org.create_policy(Name=f"{PROBE}-reset", Description="probe", Type="BEDROCK_POLICY",
                          Content=json.dumps({"bedrock": {}}))


def _full_guardrail(account: str, region: str, key_id: str) -> Doc:
    """A CreateGuardrail request using every policy the API has."""
    return {
        "name": f"{PROBE}-guardrail", "description": "every policy",
        "blockedInputMessaging": "Sorry.", "blockedOutputsMessaging": "Sorry!",
        "topicPolicyConfig": {"topicsConfig": [
            {"name": "Investment advice", "definition": "Advice on investments.", "examples": ["Buy this stock?"],
             "type": "DENY"},
            {"name": "Medical", "definition": "Medical advice.", "type": "DENY", "inputAction": "NONE",
             "outputAction": "BLOCK", "inputEnabled": False, "outputEnabled": True}],
            "tierConfig": {"tierName": "STANDARD"}},
        "contentPolicyConfig": {"filtersConfig": [
            {"type": "PROMPT_ATTACK", "inputStrength": "HIGH", "outputStrength": "NONE"},
            {"type": "HATE", "inputStrength": "MEDIUM", "outputStrength": "MEDIUM",
             "inputModalities": ["TEXT", "IMAGE"], "outputModalities": ["TEXT"], "inputAction": "BLOCK",
             "outputAction": "NONE", "inputEnabled": True, "outputEnabled": False}]},
        "wordPolicyConfig": {"wordsConfig": [{"text": "confidential"}],
                             "managedWordListsConfig": [{"type": "PROFANITY"}]},
        "sensitiveInformationPolicyConfig": {
            "piiEntitiesConfig": [{"type": "EMAIL", "action": "ANONYMIZE"},
                                  {"type": "US_SOCIAL_SECURITY_NUMBER", "action": "BLOCK", "inputAction": "BLOCK",
                                   "outputAction": "ANONYMIZE", "inputEnabled": True, "outputEnabled": True}],
            "regexesConfig": [{"name": "ticket", "description": "ticket ids", "pattern": "TCK-[0-9]+",
                               "action": "ANONYMIZE"}]},
        "contextualGroundingPolicyConfig": {"filtersConfig": [
            {"type": "GROUNDING", "threshold": 0.8}, {"type": "RELEVANCE", "threshold": 0.5, "action": "NONE"}]},
        "crossRegionConfig": {"guardrailProfileIdentifier": "us.guardrail.v1:0"},
        "kmsKeyId": key_id,
        "tags": [{"key": "a", "value": "1"}],
    }


def _full_agent(role: str, key: str) -> Doc:
    """A CreateAgent request with the members perimeter reads (and a few more)."""
    return {
        "agentName": f"{PROBE}-agent", "description": "probe agent", "agentResourceRoleArn": role,
        "instruction": "You are a probe. Answer every question with the word probe, and nothing else.",
        "foundationModel": "anthropic.claude-3-haiku-20240307-v1:0", "idleSessionTTLInSeconds": 900,
        "customerEncryptionKeyArn": key, "orchestrationType": "DEFAULT", "agentCollaboration": "DISABLED",
        "guardrailConfiguration": {"guardrailIdentifier": "abcdefghijkl", "guardrailVersion": "1"},
        "memoryConfiguration": {"enabledMemoryTypes": ["SESSION_SUMMARY"], "storageDays": 30},
        "tags": {"a": "1"},
    }


def _full_kb(account: str, region: str, role: str) -> Doc:
    return {
        "name": f"{PROBE}-kb", "description": "probe knowledge base", "roleArn": role, "tags": {"a": "1"},
        "knowledgeBaseConfiguration": {"type": "VECTOR", "vectorKnowledgeBaseConfiguration": {
            "embeddingModelArn": f"arn:aws:bedrock:{region}::foundation-model/amazon.titan-embed-text-v2:0"}},
        "storageConfiguration": {"type": "OPENSEARCH_SERVERLESS", "opensearchServerlessConfiguration": {
            "collectionArn": f"arn:aws:aoss:{region}:{account}:collection/probecoll1", "vectorIndexName": "probe",
            "fieldMapping": {"vectorField": "v", "textField": "t", "metadataField": "m"}}},
    }


def _flow_definition(model: str, guardrail: Doc | None, kb_id: str | None = None) -> Doc:
    """Input -> Prompt (inline, with `guardrail` if given) -> Output; with `kb_id`, a
    KnowledgeBase node with a model (no guardrail) feeds a second Output."""
    prompt_cfg: Doc = {"sourceConfiguration": {"inline": {
        "templateType": "TEXT", "modelId": model,
        "templateConfiguration": {"text": {"text": "Triage: {{ticket}}", "inputVariables": [{"name": "ticket"}]}},
        "inferenceConfiguration": {"text": {"temperature": 0.2, "maxTokens": 512}}}}}
    if guardrail:
        prompt_cfg["guardrailConfiguration"] = guardrail
    nodes: list[Doc] = [
        {"name": "Start", "type": "Input", "configuration": {"input": {}},
         "outputs": [{"name": "document", "type": "String"}]},
        {"name": "Triage", "type": "Prompt", "configuration": {"prompt": prompt_cfg},
         "inputs": [{"name": "ticket", "type": "String", "expression": "$.data"}],
         "outputs": [{"name": "modelCompletion", "type": "String"}]},
        {"name": "End", "type": "Output", "configuration": {"output": {}},
         "inputs": [{"name": "document", "type": "String", "expression": "$.data"}]},
    ]
    conns: list[Doc] = [
        {"type": "Data", "name": "StartToTriage", "source": "Start", "target": "Triage",
         "configuration": {"data": {"sourceOutput": "document", "targetInput": "ticket"}}},
        {"type": "Data", "name": "TriageToEnd", "source": "Triage", "target": "End",
         "configuration": {"data": {"sourceOutput": "modelCompletion", "targetInput": "document"}}},
    ]
    if kb_id:
        nodes += [
            {"name": "Lookup", "type": "KnowledgeBase",
             "configuration": {"knowledgeBase": {"knowledgeBaseId": kb_id, "modelId": model, "numberOfResults": 5}},
             "inputs": [{"name": "retrievalQuery", "type": "String", "expression": "$.data"}],
             "outputs": [{"name": "outputText", "type": "String"}]},
            {"name": "Answer", "type": "Output", "configuration": {"output": {}},
             "inputs": [{"name": "document", "type": "String", "expression": "$.data"}]},
        ]
        conns += [
            {"type": "Data", "name": "StartToLookup", "source": "Start", "target": "Lookup",
             "configuration": {"data": {"sourceOutput": "document", "targetInput": "retrievalQuery"}}},
            {"type": "Data", "name": "LookupToAnswer", "source": "Lookup", "target": "Answer",
             "configuration": {"data": {"sourceOutput": "outputText", "targetInput": "document"}}},
        ]
    return {"nodes": nodes, "connections": conns}


def _full_flow(account: str, region: str, role: str, key: str) -> Doc:
    return {"name": f"{PROBE}-flow", "description": "probe flow", "executionRoleArn": role,
            "customerEncryptionKeyArn": key, "tags": {"a": "1"},
            "definition": _flow_definition("anthropic.claude-3-haiku-20240307-v1:0",
                                           {"guardrailIdentifier": "abcdefghijkl", "guardrailVersion": "1"},
                                           kb_id="ABCDEFGHIJ")}


def _full_prompt(key: str) -> Doc:
    return {"name": f"{PROBE}-prompt", "description": "probe prompt", "customerEncryptionKeyArn": key,
            "defaultVariant": "v1", "tags": {"a": "1"},
            "variants": [{"name": "v1", "templateType": "TEXT", "modelId": "anthropic.claude-3-haiku-20240307-v1:0",
                          "templateConfiguration": {"text": {"text": "Hello {{name}}",
                                                             "inputVariables": [{"name": "name"}]}},
                          "inferenceConfiguration": {"text": {"temperature": 0.5, "maxTokens": 200}},
                          "metadata": [{"key": "team", "value": "probe"}]}]}


def _full_runtime(account: str, region: str, role: str) -> Doc:
    return {"agentRuntimeName": f"{PROBE.replace('-', '_')}_runtime", "description": "probe runtime",
            "roleArn": role, "agentRuntimeArtifact": {"containerConfiguration": {
                "containerUri": f"{account}.dkr.ecr.{region}.amazonaws.com/probe:latest"}},
            "networkConfiguration": {"networkMode": "VPC", "networkModeConfig": {
                "subnets": ["subnet-0123456789abcdef0"], "securityGroups": ["sg-0123456789abcdef0"]}},
            "protocolConfiguration": {"serverProtocol": "MCP"},
            "lifecycleConfiguration": {"idleRuntimeSessionTimeout": 600, "maxLifetime": 3600},
            "environmentVariables": {"MODE": "probe"}, "tags": {"a": "1"}}


def _full_gateway(account: str, region: str, role: str, key: str) -> Doc:
    return {"name": f"{PROBE}-gateway", "description": "probe gateway", "roleArn": role, "protocolType": "MCP",
            "protocolConfiguration": {"mcp": {"supportedVersions": ["2025-03-26"], "searchType": "SEMANTIC"}},
            "authorizerType": "CUSTOM_JWT", "authorizerConfiguration": {"customJWTAuthorizer": {
                "discoveryUrl": "https://idp.example.com/.well-known/openid-configuration",
                "allowedClients": ["probe-client"]}},
            "kmsKeyArn": key, "tags": {"a": "1"},
            "policyEngineConfiguration": {
                "arn": f"arn:aws:bedrock-agentcore:{region}:{account}:policy-engine/probe_engine-abcdefghij",
                "mode": "ENFORCE"}}


def _snake(client: BaseClient, op: str) -> str:
    for name, api in client.meta.method_to_api_mapping.items():
        if api == op:
            return str(name)
    raise KeyError(op)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _body_required(shape: Shape) -> bool:
    return isinstance(shape, StructureShape) and any(
        shape.members[n].serialization.get("location") in BODY_LOCATIONS for n in shape.required_members)


@contextmanager
def _section(v: Validator, name: str) -> Iterator[None]:
    try:
        yield
    except Exception as e:  # a probe that crashes is a violation, not a traceback
        v.report(name, f"probe aborted: {e!r}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--endpoint", required=True, help="the emulator, e.g. http://127.0.0.1:5000")
    ap.add_argument("--scratch-region", default="ca-central-1",
                    help="where the probe creates (and removes) its own resources")
    ap.add_argument("--check-reset", action="store_true",
                    help="also check that both reset endpoints clear all extension state (destructive)")
    args = ap.parse_args()
    v = Validator(args.endpoint, args.scratch_region)
    routes = v.shim("/_shim/routes", method="GET")["routes"]
    account = v.client("sts").get_caller_identity()["Account"]
    probes: list[tuple[str, Callable[[], None]]] = [
        ("bedrock", lambda: v.probe_bedrock(account)), ("bedrock-agent", lambda: v.probe_bedrock_agent(account)),
        ("bedrock-agentcore-control", lambda: v.probe_agentcore(account)),
        ("cloudtrail", lambda: v.probe_cloudtrail(account)),
        ("organizations", lambda: v.probe_organizations(account)),
        ("opensearchserverless", lambda: v.probe_aoss(account)),
        ("cloudwatch", v.probe_cloudwatch), ("budgets, ce, service-quotas", lambda: v.probe_usage(account)),
        ("iam", v.probe_iam), ("sts", lambda: v.probe_sts(account))]
    for name, probe in probes:
        with _section(v, name):
            probe()
    v.check_coverage(routes)
    if args.check_reset:
        with _section(v, "reset"):
            v.check_reset(account)
    notes: dict[str, int] = {}
    failures = []
    for line in v.violations:
        why = next((why for rx, why in MODEL_STALER_THAN_AWS if re.search(rx, line)), None)
        if why is None:
            failures.append(line)
        else:
            notes[why] = notes.get(why, 0) + 1
    for line in failures:
        print(line)
    for why, n in notes.items():
        print(f"validate_shapes: note: {n} answer(s) follow AWS, not the pinned model: {why}", file=sys.stderr)
    ops = {(x.service, x.operation) for x in v.exchanges}
    print(f"validate_shapes: {len(v.exchanges)} responses of {len(ops)} operations "
          f"({len(routes)} extension routes) checked against botocore {botocore.__version__}: "
          f"{len(failures)} violation(s)", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
