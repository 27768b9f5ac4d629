"""AWS CloudTrail (JSON 1.1): LookupEvents (moto: HTTP 500), from events seeded through
the shim (POST /_shim/cloudtrail/events).

An event spec: eventName; eventTime (ISO 8601) or minutesAgo or daysAgo (default 1);
eventSource (default bedrock.amazonaws.com; any, e.g. aws-marketplace.amazonaws.com);
userIdentity (as given) or userType (AssumedRole | IAMUser) + username + principalArn +
accessKeyId; requestParameters; additionalEventData (e.g. {"inferenceRegion": ...}, the Region
that served a cross-Region inference call); readOnly; resources; eventId. awsRegion is the
Region the events are seeded in. LookupEvents: one LookupAttribute filter, StartTime/EndTime,
MaxResults (<= 50) / NextToken, newest first."""

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
        elif "minutesAgo" in ev:
            t = now - timedelta(minutes=float(ev["minutesAgo"]))
        else:
            t = now - timedelta(days=float(ev.get("daysAgo", 1)))
        eid = ev.get("eventId") or uuid4()
        src = ev.get("eventSource", "bedrock.amazonaws.com")
        ident = _identity(account, ev)
        user = ev.get("username") or ident.get("userName") or _name_of(str(ident.get("arn", "")))
        detail = {
            "eventVersion": "1.09",
            "userIdentity": ident,
            "eventTime": iso_seconds(t), "eventSource": src,
            "eventName": ev["eventName"], "awsRegion": region,
            "sourceIPAddress": ev.get("sourceIPAddress", "10.0.1.23"),
            "userAgent": "aws-sdk-python", "requestParameters": ev.get("requestParameters"),
            "responseElements": None, "additionalEventData": ev.get("additionalEventData"),
            "requestID": uuid4(), "eventID": eid,
            "readOnly": bool(ev.get("readOnly", False)), "eventType": "AwsApiCall",
            "managementEvent": True, "recipientAccountId": account, "eventCategory": "Management",
        }
        entry = {
            "EventId": eid, "EventName": ev["eventName"], "ReadOnly": str(detail["readOnly"]).lower(),
            "AccessKeyId": ident.get("accessKeyId"), "EventTime": t.timestamp(),
            "EventSource": src, "Username": user,
            "Resources": ev.get("resources", []), "CloudTrailEvent": json.dumps(detail),
        }
        out.append({k: v for k, v in entry.items() if v is not None})
    out.sort(key=lambda e: -e["EventTime"])
    return len(out)


def _identity(account: str, ev: Doc) -> Doc:
    """The event's userIdentity: `userIdentity` as given (accountId filled in), or one built
    from `userType` (AssumedRole, the default, or IAMUser), `username`, `principalArn` and
    `accessKeyId` (ASIA... for a role session, AKIA... for a user's long-term key)."""
    if isinstance(ev.get("userIdentity"), dict):
        return {"accountId": account, **ev["userIdentity"]}
    user = ev.get("username", "chat-inference")
    if ev.get("userType") == "IAMUser":
        return {"type": "IAMUser", "principalId": ev.get("principalId", "AIDAEXAMPLEUSER"),
                "arn": ev.get("principalArn", f"arn:aws:iam::{account}:user/{user}"), "accountId": account,
                "accessKeyId": ev.get("accessKeyId", "AKIAEXAMPLE"), "userName": user}
    return {"type": "AssumedRole", "arn": ev.get("principalArn", f"arn:aws:sts::{account}:assumed-role/{user}/session"),
            "accountId": account, "accessKeyId": ev.get("accessKeyId", "ASIAEXAMPLE")}


def _name_of(arn: str) -> str:
    """The user or role name in an IAM user or assumed-role ARN."""
    parts = arn.split("/")
    return parts[1] if ":assumed-role/" in arn and len(parts) > 2 else parts[-1]


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
            events = [e for e in events if e.get(ATTR_FIELD[k]) == v]
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
