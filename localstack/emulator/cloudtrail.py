"""AWS CloudTrail (JSON 1.1): LookupEvents (moto: HTTP 500), from events seeded through
the shim (POST /_shim/cloudtrail/events)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from .router import Call, Route
from .state import Doc, State
from .util import iso_seconds, uuid4
from .wsgi import ApiError, Response, reply

SERVICE = "cloudtrail"
DEFAULT_ACCOUNT = "123456789012"
CONTENT_TYPE = "application/x-amz-json-1.1"
ATTR_FIELD = {"EventId": "EventId", "EventName": "EventName", "ReadOnly": "ReadOnly",
              "Username": "Username", "EventSource": "EventSource", "AccessKeyId": "AccessKeyId"}


def add_events(state: State, body: Doc) -> int:
    """Seed events: {"accountId","region","events":[{"eventName","daysAgo"|"eventTime",...}]}.
    Returns how many events that account and Region now hold."""
    account = body.get("accountId", DEFAULT_ACCOUNT)
    region = body.get("region", "us-east-1")
    out = state.events.setdefault((account, region), [])
    now = datetime.now(timezone.utc)
    for ev in body.get("events", []):
        if "eventTime" in ev:
            t = datetime.fromisoformat(ev["eventTime"].replace("Z", "+00:00"))
        else:
            t = now - timedelta(days=float(ev.get("daysAgo", 1)))
        eid = ev.get("eventId") or uuid4()
        user = ev.get("username", "chat-inference")
        src = ev.get("eventSource", "bedrock.amazonaws.com")
        arn = ev.get("principalArn", f"arn:aws:sts::{account}:assumed-role/{user}/session")
        detail = {
            "eventVersion": "1.09",
            "userIdentity": {"type": "AssumedRole", "arn": arn, "accountId": account,
                             "accessKeyId": ev.get("accessKeyId", "ASIAEXAMPLE")},
            "eventTime": iso_seconds(t), "eventSource": src,
            "eventName": ev["eventName"], "awsRegion": region,
            "sourceIPAddress": ev.get("sourceIPAddress", "10.0.1.23"),
            "userAgent": "aws-sdk-python", "requestParameters": ev.get("requestParameters"),
            "responseElements": None, "additionalEventData": ev.get("additionalEventData"),
            "requestID": uuid4(), "eventID": eid,
            "readOnly": bool(ev.get("readOnly", False)), "eventType": "AwsApiCall",
            "managementEvent": True, "recipientAccountId": account, "eventCategory": "Management",
        }
        out.append({
            "EventId": eid, "EventName": ev["eventName"], "ReadOnly": str(detail["readOnly"]).lower(),
            "AccessKeyId": detail["userIdentity"]["accessKeyId"], "EventTime": t.timestamp(),
            "EventSource": src, "Username": user,
            "Resources": ev.get("resources", []), "CloudTrailEvent": json.dumps(detail),
        })
    out.sort(key=lambda e: -e["EventTime"])
    return len(out)


def _ts(v: object) -> float:
    if isinstance(v, (int, float)):
        return float(v)
    return datetime.fromisoformat(str(v).replace("Z", "+00:00")).timestamp()


def lookup_events(call: Call) -> Response:
    body = call.request.json()
    events = call.state.events.get((call.account, call.region), [])
    for attr in body.get("LookupAttributes") or []:
        k, v = attr["AttributeKey"], attr["AttributeValue"]
        if k in ATTR_FIELD:
            events = [e for e in events if e[ATTR_FIELD[k]] == v]
        elif k in ("ResourceType", "ResourceName"):
            events = [e for e in events if any(r.get(k) == v for r in e["Resources"])]
    if body.get("StartTime") is not None:
        events = [e for e in events if e["EventTime"] >= _ts(body["StartTime"])]
    if body.get("EndTime") is not None:
        events = [e for e in events if e["EventTime"] <= _ts(body["EndTime"])]
    token = body.get("NextToken") or "0"
    if not str(token).isdigit():
        raise ApiError(400, "InvalidNextTokenException", "Invalid NextToken.")
    start = int(token)
    n = min(int(body.get("MaxResults") or 50), 50)
    out: Doc = {"Events": events[start:start + n]}
    if start + n < len(events):
        out["NextToken"] = str(start + n)
    return reply(200, out, content_type=CONTENT_TYPE)


ROUTES = (Route(SERVICE, "LookupEvents", lookup_events),)
