"""Amazon CloudWatch over Smithy RPC v2 CBOR (moto 5.2.5: 404 HTML on that protocol).

The AWS SDK for Rust (aws-sdk-cloudwatch 1.118) sends POST
/service/GraniteServiceVersion20100801/operation/<Operation> with `smithy-protocol:
rpc-v2-cbor` and a CBOR body; boto3 1.44.5 speaks awsJson 1.0 to the same service, which moto
answers. So each routed operation is translated: the CBOR input is decoded (cbor.py; tag-1
timestamps become epoch seconds, byte strings base64, as awsJson writes them), sent to moto
as the awsJson request boto3 would make (same SigV4 credentials: same account and Region,
so the same `cloudwatch_backends[account][region]`, e.g. what the seed put with
put_metric_data), and moto's JSON answer is re-encoded as CBOR along botocore's output shape
(timestamps tag 1 + double, doubles as floats, integers as integers, members the shape
lacks and nulls dropped). moto's errors keep their code (`__type`
com.amazonaws.cloudwatch#Code, `message`) and the awsQueryCompatible `x-amzn-query-error`
header. Operations without a route on that path: 404 UnknownOperationException (router.py).
"""

from __future__ import annotations

import base64
import io
import json
from datetime import datetime
from typing import Any

import botocore.session
from botocore.model import Shape, StructureShape

from . import cbor
from .router import Call, Handler, Route
from .wsgi import ApiError, Response

SERVICE = "cloudwatch"
OPERATIONS = ("GetMetricData", "DescribeAlarms")
CBOR_TYPE = "application/cbor"
_MODEL = botocore.session.get_session().get_service_model(SERVICE)
TARGET_PREFIX = str(_MODEL.metadata["targetPrefix"])  # GraniteServiceVersion20100801
SHAPE_NAMESPACE = f"com.amazonaws.{SERVICE}"


def request_to_json(value: object) -> object:
    """A decoded CBOR input as the awsJson document moto reads."""
    if isinstance(value, cbor.Tag):
        return request_to_json(value.value)  # tag 1: epoch seconds, as awsJson writes them
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode()
    if value is cbor.UNDEFINED:
        return None
    if isinstance(value, list):
        return [request_to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): request_to_json(v) for k, v in value.items() if v is not None and v is not cbor.UNDEFINED}
    return value


def decode_input(body: bytes) -> dict[str, Any]:
    """The request body (CBOR) as an input document; SerializationException if malformed."""
    if not body:
        return {}  # an operation whose input members are all absent may send no body
    try:
        doc = cbor.decode(body)
    except cbor.CborError as e:
        raise ApiError(400, "SerializationException", f"Malformed CBOR request body: {e}") from None
    if not isinstance(doc, dict) or not all(isinstance(k, str) for k in doc):
        raise ApiError(400, "SerializationException",
                       f"The request body must be a CBOR map with text keys, got {type(doc).__name__}")
    out = request_to_json(doc)
    assert isinstance(out, dict)
    return out


def _epoch(value: object) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()


def to_cbor_value(value: object, shape: Shape) -> object:
    """A JSON value of moto's answer, typed as `shape` says (None: leave it out)."""
    if value is None:
        return None
    t = shape.type_name
    if t == "structure":
        assert isinstance(shape, StructureShape)
        if not isinstance(value, dict):
            return None
        out = {}
        for name, member in shape.members.items():
            if name in value:
                v = to_cbor_value(value[name], member)
                if v is not None:
                    out[name] = v
        return out
    if t == "list":
        return [x for x in (to_cbor_value(v, shape.member) for v in value) if x is not None] \
            if isinstance(value, list) else None
    if t == "map":
        return {str(k): to_cbor_value(v, shape.value) for k, v in value.items() if v is not None} \
            if isinstance(value, dict) else None
    if t == "timestamp":
        return cbor.epoch(_epoch(value))
    if t in ("double", "float"):
        return float(value)  # type: ignore[arg-type]
    if t in ("integer", "long", "short", "byte"):
        return int(value)  # type: ignore[call-overload]
    if t == "boolean":
        return bool(value)
    if t == "blob":
        return base64.b64decode(value) if isinstance(value, str) else bytes(value)  # type: ignore[arg-type]
    return str(value)


def cbor_reply(status: str, doc: object, headers: list[tuple[str, str]]) -> Response:
    body = b"" if doc is None else cbor.encode(doc)
    hdrs = [("Content-Type", CBOR_TYPE), ("smithy-protocol", "rpc-v2-cbor"), ("Content-Length", str(len(body))),
            *headers]
    return Response(status, body, hdrs)


def _handler(operation: str) -> Handler:
    op = _MODEL.operation_model(operation)

    def handle(call: Call) -> Response:
        doc = decode_input(call.request.body())
        data = json.dumps(doc).encode()
        env = dict(call.request.environ)
        for k in ("HTTP_SMITHY_PROTOCOL", "HTTP_X_AMZN_QUERY_MODE", "emu.body"):
            env.pop(k, None)
        env.update({
            "PATH_INFO": "/", "RAW_URI": "/", "REQUEST_URI": "/", "QUERY_STRING": "",
            "HTTP_X_AMZ_TARGET": f"{TARGET_PREFIX}.{operation}",
            "CONTENT_TYPE": "application/x-amz-json-1.0", "HTTP_ACCEPT": "application/json",
            "CONTENT_LENGTH": str(len(data)), "wsgi.input": io.BytesIO(data),
        })
        moto = call.forward_environ(env)
        code = int(moto.status.split(" ", 1)[0])
        rid = [(k, v) for k, v in moto.headers if k.lower() in ("x-amzn-requestid", "x-amzn-query-error")]
        try:
            answer = json.loads(moto.body) if moto.body.strip() else {}
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise ApiError(500, "InternalFailure", f"moto answered {moto.status} without JSON")
        if code >= 400:
            err = str(answer.get("__type") or "InternalFailure").rsplit("#", 1)[-1].split(":", 1)[0]
            message = str(answer.get("message") or answer.get("Message") or err)
            return cbor_reply(moto.status, {"__type": f"{SHAPE_NAMESPACE}#{err}", "message": message}, rid)
        out = to_cbor_value(answer, op.output_shape) if op.output_shape is not None else None
        return cbor_reply(moto.status, out, rid)

    return handle


ROUTES = tuple(Route(SERVICE, name, _handler(name)) for name in OPERATIONS)
