"""AWS Cost Explorer (JSON 1.1; global, signs as `ce` in us-east-1): Cost Anomaly Detection
monitors and subscriptions, and cost allocation tags -- moto 5.2.5 has none of them (HTTP 500).
All in State, per account.

  CreateAnomalyMonitor / GetAnomalyMonitors        arn:aws:ce::ACCOUNT:anomalymonitor/UUID; the
                  monitor kept as given (MonitorType, MonitorDimension, MonitorSpecification),
                  CreationDate / LastUpdatedDate yyyy-mm-dd as AWS writes them.
  CreateAnomalySubscription / GetAnomalySubscriptions  arn:aws:ce::ACCOUNT:anomalysubscription/UUID;
                  subscribers kept as given (Status CONFIRMED / DECLINED when given);
                  UnknownMonitorException for a monitor ARN the account does not hold.
  UpdateCostAllocationTagsStatus / ListCostAllocationTags  user-defined tag keys and their
                  Status (AWS only lists keys it has seen in billing data; here the update
                  creates the key), filters Status, TagKeys, Type.
"""

from __future__ import annotations

from datetime import datetime, timezone

from .router import Call, Route
from .state import Doc
from .util import json_page, uuid4
from .wsgi import ApiError, Response, reply

SERVICE = "ce"
CONTENT_TYPE = "application/x-amz-json-1.1"
BAD_TOKEN = ("InvalidNextTokenException", "The pagination token is invalid.")
MONITOR_KEYS = ("MonitorName", "MonitorType", "MonitorDimension", "MonitorSpecification")
SUBSCRIPTION_KEYS = ("MonitorArnList", "Subscribers", "Threshold", "Frequency", "SubscriptionName",
                     "ThresholdExpression")


def _today() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d")


def _paged(items: list[Doc], body: Doc, key: str, token_key: str, limit: int = 100) -> Response:
    page, token = json_page(items, body, token_key, limit, limit, BAD_TOKEN)
    out: Doc = {key: page}
    if token:
        out[token_key] = token
    return reply(200, out, content_type=CONTENT_TYPE)


def create_monitor(call: Call) -> Response:
    body = call.request.json()
    given = body["AnomalyMonitor"]
    arn = f"arn:aws:ce::{call.account}:anomalymonitor/{uuid4()}"
    monitor = {"MonitorArn": arn, **{k: given[k] for k in MONITOR_KEYS if k in given},
               "CreationDate": _today(), "LastUpdatedDate": _today()}
    call.state.anomaly_monitors.setdefault((call.account, call.region), {})[arn] = monitor
    if body.get("ResourceTags"):
        call.state.tags[arn] = {t["Key"]: t["Value"] for t in body["ResourceTags"]}
    return reply(200, {"MonitorArn": arn}, content_type=CONTENT_TYPE)


def get_monitors(call: Call) -> Response:
    body = call.request.json()
    held = call.state.anomaly_monitors.get((call.account, call.region), {})
    wanted = body.get("MonitorArnList") or []
    for arn in wanted:
        if arn not in held:
            raise ApiError(400, "UnknownMonitorException", f"No anomaly monitor with ARN {arn}.")
    items = [held[a] for a in wanted] if wanted else list(held.values())
    return _paged(items, body, "AnomalyMonitors", "NextPageToken")


def create_subscription(call: Call) -> Response:
    body = call.request.json()
    given = body["AnomalySubscription"]
    held = call.state.anomaly_monitors.get((call.account, call.region), {})
    for arn in given["MonitorArnList"]:
        if arn not in held:
            raise ApiError(400, "UnknownMonitorException", f"No anomaly monitor with ARN {arn}.")
    arn = f"arn:aws:ce::{call.account}:anomalysubscription/{uuid4()}"
    sub = {"SubscriptionArn": arn, "AccountId": call.account,
           **{k: given[k] for k in SUBSCRIPTION_KEYS if k in given}}
    call.state.anomaly_subscriptions.setdefault((call.account, call.region), {})[arn] = sub
    if body.get("ResourceTags"):
        call.state.tags[arn] = {t["Key"]: t["Value"] for t in body["ResourceTags"]}
    return reply(200, {"SubscriptionArn": arn}, content_type=CONTENT_TYPE)


def get_subscriptions(call: Call) -> Response:
    body = call.request.json()
    held = call.state.anomaly_subscriptions.get((call.account, call.region), {})
    wanted = body.get("SubscriptionArnList") or []
    for arn in wanted:
        if arn not in held:
            raise ApiError(400, "UnknownSubscriptionException", f"No anomaly subscription with ARN {arn}.")
    items = [held[a] for a in wanted] if wanted else list(held.values())
    if body.get("MonitorArn"):
        items = [s for s in items if body["MonitorArn"] in s.get("MonitorArnList", [])]
    return _paged(items, body, "AnomalySubscriptions", "NextPageToken")


def update_tags_status(call: Call) -> Response:
    body = call.request.json()
    tags = call.state.cost_allocation_tags.setdefault((call.account, call.region), {})
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    for entry in body["CostAllocationTagsStatus"]:
        if entry["Status"] not in ("Active", "Inactive"):
            raise ApiError(400, "ValidationException", f"Invalid Status {entry['Status']!r}.")
        tags[entry["TagKey"]] = {"TagKey": entry["TagKey"], "Type": "UserDefined", "Status": entry["Status"],
                                 "LastUpdatedDate": now, "LastUsedDate": now}
    return reply(200, {"Errors": []}, content_type=CONTENT_TYPE)


def list_tags(call: Call) -> Response:
    body = call.request.json()
    items = list(call.state.cost_allocation_tags.get((call.account, call.region), {}).values())
    if body.get("Status"):
        items = [t for t in items if t["Status"] == body["Status"]]
    if body.get("Type"):
        items = [t for t in items if t["Type"] == body["Type"]]
    if body.get("TagKeys"):
        items = [t for t in items if t["TagKey"] in body["TagKeys"]]
    return _paged(items, body, "CostAllocationTags", "NextToken", 1000)


ROUTES = (Route(SERVICE, "CreateAnomalyMonitor", create_monitor),
          Route(SERVICE, "GetAnomalyMonitors", get_monitors),
          Route(SERVICE, "CreateAnomalySubscription", create_subscription),
          Route(SERVICE, "GetAnomalySubscriptions", get_subscriptions),
          Route(SERVICE, "UpdateCostAllocationTagsStatus", update_tags_status),
          Route(SERVICE, "ListCostAllocationTags", list_tags))
