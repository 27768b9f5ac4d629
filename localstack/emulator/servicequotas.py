"""Service Quotas (JSON 1.1, signs as `servicequotas`, per Region): ServiceCode `bedrock`.
moto 5.2.5 knows only `vpc` (ListAWSDefaultServiceQuotas: NoSuchResourceException for
anything else; ListServiceQuotas: HTTP 500).

  ListAWSDefaultServiceQuotas(bedrock)  the defaults in BEDROCK_QUOTAS (other service codes: moto)
  ListServiceQuotas(bedrock)            the same quotas at their applied values: the default
                  unless the shim set one (POST /_shim/service-quotas/applied). AWS lists the
                  quotas that have an applied value; every quota here has one. QuotaCode and
                  QuotaAppliedAtLevel (ACCOUNT) filters; other service codes: NoSuchResourceException.

The quota codes and values are illustrative (shaped like AWS's L-XXXXXXXX codes, names as
the Bedrock console shows them); they are not AWS's real codes (unverified).
"""

from __future__ import annotations

from .router import Call, Route
from .state import Doc, State
from .util import json_page
from .wsgi import ApiError, Response, reply

SERVICE = "service-quotas"
CONTENT_TYPE = "application/x-amz-json-1.1"
BAD_TOKEN = ("InvalidPaginationTokenException", "Invalid pagination token.")
SERVICE_NAME = "Amazon Bedrock"
# (QuotaCode, QuotaName, default value, unit, adjustable)
BEDROCK_QUOTAS: tuple[tuple[str, str, float, str, bool], ...] = (
    ("L-A50569E5", "On-demand InvokeModel tokens per minute for Anthropic Claude 3.5 Sonnet",
     400000.0, "None", True),
    ("L-254CACF4", "On-demand InvokeModel requests per minute for Anthropic Claude 3.5 Sonnet",
     250.0, "None", True),
    ("L-59759B4A", "Cross-region model inference tokens per minute for Anthropic Claude 3.7 Sonnet V1",
     200000.0, "None", True),
    ("L-F4DDD3EB", "Cross-region model inference requests per minute for Anthropic Claude 3.7 Sonnet V1",
     250.0, "None", True),
    ("L-70423BF8", "On-demand InvokeModel tokens per minute for Amazon Nova Pro", 800000.0, "None", True),
    ("L-0CF6A8D8", "Model invocation max tokens per day for Anthropic Claude 3 Haiku (doubled for "
     "cross-region calls)", 1440000000.0, "None", False),
)
DEFAULTS = {code: value for code, _, value, _, _ in BEDROCK_QUOTAS}


def set_applied(state: State, body: Doc) -> float:
    """Shim: {"accountId","region","serviceCode":"bedrock","quotaCode","value"}."""
    code = body["quotaCode"]
    if body.get("serviceCode", "bedrock") != "bedrock" or code not in DEFAULTS:
        raise KeyError(f"unknown bedrock quota {code}")
    key = (body.get("accountId", "123456789012"), body.get("region", "us-east-1"))
    state.quota_values.setdefault(key, {})[f"bedrock/{code}"] = float(body["value"])
    return float(body["value"])


def _quota(call: Call, code: str, name: str, value: float, unit: str, adjustable: bool) -> Doc:
    return {"ServiceCode": "bedrock", "ServiceName": SERVICE_NAME,
            "QuotaArn": f"arn:aws:servicequotas:{call.region}:{call.account}:bedrock/{code}",
            "QuotaCode": code, "QuotaName": name, "Value": value, "Unit": unit, "Adjustable": adjustable,
            "GlobalQuota": False, "QuotaAppliedAtLevel": "ACCOUNT",
            "Period": {"PeriodValue": 1, "PeriodUnit": "MINUTE" if "per minute" in name else "DAY"}}


def _paged(call: Call, quotas: list[Doc], body: Doc) -> Response:
    page, token = json_page(quotas, body, "NextToken", 100, 100, BAD_TOKEN)
    out: Doc = {"Quotas": page}
    if token:
        out["NextToken"] = token
    return reply(200, out, content_type=CONTENT_TYPE)


def list_defaults(call: Call) -> Response | None:
    body = call.request.json()
    if body.get("ServiceCode") != "bedrock":
        return None  # moto: vpc, else NoSuchResourceException
    return _paged(call, [_quota(call, *q) for q in BEDROCK_QUOTAS], body)


def list_applied(call: Call) -> Response:
    body = call.request.json()
    if body.get("ServiceCode") != "bedrock":
        raise ApiError(400, "NoSuchResourceException",
                       f"The request failed because the specified service {body.get('ServiceCode')!r} "
                       "does not exist here (only bedrock is emulated).")
    if body.get("QuotaAppliedAtLevel") not in (None, "ACCOUNT", "ALL"):
        return _paged(call, [], body)
    applied = call.state.quota_values.get((call.account, call.region), {})
    quotas = [_quota(call, code, name, applied.get(f"bedrock/{code}", value), unit, adj)
              for code, name, value, unit, adj in BEDROCK_QUOTAS]
    if body.get("QuotaCode"):
        quotas = [q for q in quotas if q["QuotaCode"] == body["QuotaCode"]]
        if not quotas:
            raise ApiError(400, "NoSuchResourceException", f"The quota {body['QuotaCode']} does not exist.")
    return _paged(call, quotas, body)


ROUTES = (Route(SERVICE, "ListAWSDefaultServiceQuotas", list_defaults),
          Route(SERVICE, "ListServiceQuotas", list_applied))
