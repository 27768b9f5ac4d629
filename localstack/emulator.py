#!/usr/bin/env python3
"""
TEST INFRASTRUCTURE -- NOT A COMPONENT OF THE perimeter PRODUCT.

A small extension of the moto AWS emulator (moto[server], pinned in requirements.txt)
used only by perimeter's tests and demo. It wraps moto's own WSGI app
(moto.server.DomainDispatcherApplication) and answers, itself, the few APIs that
moto 5.2.5 lacks or answers unlike AWS; every other request goes to moto unchanged.

What it answers (state is per account -- from the SigV4 access key through moto's own
access-key -> account mapping -- and per Region -- from the SigV4 credential scope):

  bedrock     guardrails (Create/Get/List/Update/Delete, CreateGuardrailVersion),
              inference profiles (List/Get; SYSTEM_DEFINED ones seeded from the table
              below; Create/Delete APPLICATION ones), foundation models (List/Get),
              enforced guardrail configuration (Put/List/Delete),
              tags (List/Tag/UntagResource) for ARNs it owns -- others fall through.
  cloudtrail  LookupEvents (moto: HTTP 500), from events seeded through the shim.
  sts         AssumeRole: AccessDenied (403) when the target role does not exist in the
              target account, as AWS answers; moto would hand out credentials.
  iam         Create/List/DeleteServiceSpecificCredential (moto: not implemented).
  bedrock     GetModelInvocationLoggingConfiguration: {} when unset (moto: {"loggingConfig": {}}).
  speed       AWS-managed IAM policies are built once per account, not once per partition,
              and not for backends that a reset drops (see patch_moto_for_speed).
  shim        test-only endpoints under /_shim/ (intercepted before moto, which would
              route an unsigned request to S3):
                POST /_shim/reset                 clear extension state + moto state
                POST /_shim/cloudtrail/events     {"accountId","region","events":[...]}
                POST /_shim/kms/set-key-manager   {"accountId","region","keyId","keyManager"}
              POST /moto-api/reset also clears the extension state.

Run:  python emulator.py --host 127.0.0.1 --port 5000   (see start.sh)
"""
import argparse
import copy
import io
import json
import os
import re
import threading
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, unquote
from xml.sax.saxutils import escape

from moto.iam.models import get_account_id_from, iam_backends
from moto.moto_api._internal import mock_random
from moto.moto_server.werkzeug_app import MotoRequestHandler
from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

DEFAULT_ACCOUNT = "123456789012"
LOCK = threading.RLock()

# ---------------------------------------------------------------------------------------
# TEST DATA: system-defined cross-Region inference profiles (real ids; destination Regions
# as published by AWS at the time of writing; the real `models` list is capped, this one
# lists every destination). A profile is offered in each of its destination Regions.
# Global profiles are offered in every Region below and list the source-Region and the
# Region-less foundation-model ARN.
# ---------------------------------------------------------------------------------------
US3 = ["us-east-1", "us-east-2", "us-west-2"]
EU3 = ["eu-central-1", "eu-west-1", "eu-west-3"]
EU4 = ["eu-central-1", "eu-north-1", "eu-west-1", "eu-west-3"]
EU6 = EU4 + ["eu-south-1", "eu-south-2"]
APAC = ["ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
        "ap-southeast-1", "ap-southeast-2"]
SYSTEM_PROFILES = [
    ("us.anthropic.claude-3-5-sonnet-20241022-v2:0", "US Anthropic Claude 3.5 Sonnet v2", US3),
    ("us.anthropic.claude-3-7-sonnet-20250219-v1:0", "US Anthropic Claude 3.7 Sonnet", US3),
    ("us.anthropic.claude-3-5-haiku-20241022-v1:0", "US Anthropic Claude 3.5 Haiku", US3),
    ("us.anthropic.claude-sonnet-4-20250514-v1:0", "US Claude Sonnet 4", US3),
    ("us.amazon.nova-pro-v1:0", "US Nova Pro", US3),
    ("us.amazon.nova-lite-v1:0", "US Nova Lite", US3),
    ("us.meta.llama3-3-70b-instruct-v1:0", "US Meta Llama 3.3 70B Instruct", US3),
    ("eu.anthropic.claude-3-5-sonnet-20240620-v1:0", "EU Anthropic Claude 3.5 Sonnet", EU3),
    ("eu.anthropic.claude-3-7-sonnet-20250219-v1:0", "EU Anthropic Claude 3.7 Sonnet", EU4),
    ("eu.anthropic.claude-sonnet-4-20250514-v1:0", "EU Claude Sonnet 4", EU6),
    ("eu.amazon.nova-pro-v1:0", "EU Nova Pro", EU4),
    ("apac.anthropic.claude-3-5-sonnet-20241022-v2:0", "APAC Anthropic Claude 3.5 Sonnet v2", APAC),
    ("apac.anthropic.claude-sonnet-4-20250514-v1:0", "APAC Claude Sonnet 4", APAC + ["ap-southeast-4"]),
    ("apac.amazon.nova-pro-v1:0", "APAC Nova Pro", APAC),
    ("jp.anthropic.claude-sonnet-4-5-20250929-v1:0", "JP Anthropic Claude Sonnet 4.5", ["ap-northeast-1", "ap-northeast-3"]),
    ("au.anthropic.claude-sonnet-4-5-20250929-v1:0", "AU Anthropic Claude Sonnet 4.5", ["ap-southeast-2", "ap-southeast-4"]),
    ("global.anthropic.claude-sonnet-4-5-20250929-v1:0", "Global Anthropic Claude Sonnet 4.5", None),
]
GLOBAL_REGIONS = sorted(set(US3 + EU6 + APAC + ["ap-southeast-4", "us-west-1", "ca-central-1", "sa-east-1"]))
# TEST DATA: foundation models (id, name, provider, output modality, inference types)
FOUNDATION_MODELS = [
    ("anthropic.claude-3-5-sonnet-20241022-v2:0", "Claude 3.5 Sonnet v2", "Anthropic", "TEXT", ["ON_DEMAND", "INFERENCE_PROFILE"]),
    ("anthropic.claude-3-7-sonnet-20250219-v1:0", "Claude 3.7 Sonnet", "Anthropic", "TEXT", ["INFERENCE_PROFILE"]),
    ("anthropic.claude-sonnet-4-5-20250929-v1:0", "Claude Sonnet 4.5", "Anthropic", "TEXT", ["INFERENCE_PROFILE"]),
    ("anthropic.claude-3-haiku-20240307-v1:0", "Claude 3 Haiku", "Anthropic", "TEXT", ["ON_DEMAND"]),
    ("amazon.nova-pro-v1:0", "Nova Pro", "Amazon", "TEXT", ["ON_DEMAND", "INFERENCE_PROFILE"]),
    ("amazon.nova-lite-v1:0", "Nova Lite", "Amazon", "TEXT", ["ON_DEMAND", "INFERENCE_PROFILE"]),
    ("amazon.titan-embed-text-v2:0", "Titan Text Embeddings V2", "Amazon", "EMBEDDING", ["ON_DEMAND"]),
    ("meta.llama3-3-70b-instruct-v1:0", "Llama 3.3 70B Instruct", "Meta", "TEXT", ["INFERENCE_PROFILE"]),
]
PROFILE_CREATED = "2024-08-27T00:00:00Z"

# ---------------------------------------------------------------- extension state
GUARDRAILS = {}   # (account, region) -> {guardrail id: {"draft": {...}, "versions": {n: {...}}}}
APP_PROFILES = {}  # (account, region) -> {profile id: summary dict}
ENFORCED = {}     # (account, region) -> {config id: dict}
EVENTS = {}       # (account, region) -> [lookup-events entries]
TAGS = {}         # arn -> {key: value}
SSC = {}          # account -> [service-specific credential dicts]


def reset_state():
    with LOCK:
        for d in (GUARDRAILS, APP_PROFILES, ENFORCED, EVENTS, TAGS, SSC):
            d.clear()


def now_iso(dt=None):
    return (dt or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def rid(n=12):
    return mock_random.get_random_string(length=n, lower_case=True)


# ---------------------------------------------------------------- request helpers
AUTH_RE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")


def scope(environ):
    """(access key, region, service) from the SigV4 Authorization header, or Nones."""
    m = AUTH_RE.search(environ.get("HTTP_AUTHORIZATION", ""))
    return (m.group(1), m.group(2), m.group(3)) if m else (None, None, None)


def account_of(environ, access_key):
    if os.environ.get("MOTO_ACCOUNT_ID"):
        return os.environ["MOTO_ACCOUNT_ID"]
    if environ.get("HTTP_X_MOTO_ACCOUNT_ID"):
        return environ["HTTP_X_MOTO_ACCOUNT_ID"]
    return get_account_id_from(access_key or "AKIAEXAMPLE")


def read_body(environ):
    """Read the body once and put it back so moto can still read it."""
    if "emu.body" in environ:
        return environ["emu.body"]
    stream = environ["wsgi.input"]
    try:
        n = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        n = 0
    data = stream.read(n) if n > 0 else (stream.read() if environ.get("wsgi.input_terminated") else b"")
    environ["wsgi.input"] = io.BytesIO(data)
    environ["CONTENT_LENGTH"] = str(len(data))
    environ["emu.body"] = data
    return data


def json_body(environ):
    raw = read_body(environ)
    return json.loads(raw) if raw.strip() else {}


def raw_segments(environ):
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "/")
    path = raw.split("?", 1)[0]
    if "://" in path:  # absolute-form request line
        path = "/" + path.split("://", 1)[1].split("/", 1)[-1]
    return [unquote(s) for s in path.split("/")[1:] if s != ""]


def query(environ):
    return {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}


def respond(start_response, status, body, headers=None, ctype="application/json"):
    if not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode()
    reason = {200: "OK", 201: "Created", 202: "Accepted", 400: "Bad Request", 403: "Forbidden",
              404: "Not Found", 409: "Conflict", 500: "Internal Server Error"}.get(status, "")
    hdrs = [("Content-Type", ctype), ("Content-Length", str(len(body))),
            ("x-amzn-RequestId", str(uuid.uuid4()))] + list(headers or [])
    start_response(f"{status} {reason}", hdrs)
    return [body]


class ApiError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def rest_json_error(start_response, e):
    return respond(start_response, e.status, {"message": e.message},
                   [("x-amzn-ErrorType", e.code)])


def query_error(start_response, status, code, message, ns):
    xml = (f'<ErrorResponse xmlns="{ns}"><Error><Type>Sender</Type><Code>{code}</Code>'
           f"<Message>{escape(message)}</Message></Error>"
           f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>")
    return respond(start_response, status, xml, ctype="text/xml")


# ---------------------------------------------------------------- bedrock
def fm_arn(region, model_id):
    return f"arn:aws:bedrock:{region}::foundation-model/{model_id}"


def system_profiles(account, region):
    out = []
    for pid, name, dests in SYSTEM_PROFILES:
        model = pid.split(".", 1)[1]
        if dests is None:
            if region not in GLOBAL_REGIONS:
                continue
            models = [fm_arn(region, model), f"arn:aws:bedrock:::foundation-model/{model}"]
            desc = f"Routes requests to {name[7:]} in all commercial AWS Regions."
        else:
            if region not in dests:
                continue
            models = [fm_arn(r, model) for r in dests]
            desc = f"Routes requests to {name.split(' ', 1)[1]} in {', '.join(dests)}."
        out.append({
            "inferenceProfileName": name, "description": desc,
            "createdAt": PROFILE_CREATED, "updatedAt": PROFILE_CREATED,
            "inferenceProfileArn": f"arn:aws:bedrock:{region}:{account}:inference-profile/{pid}",
            "models": [{"modelArn": a} for a in models],
            "inferenceProfileId": pid, "status": "ACTIVE", "type": "SYSTEM_DEFINED",
        })
    return out


def all_profiles(account, region):
    return system_profiles(account, region) + list(APP_PROFILES.get((account, region), {}).values())


def find_profile(account, region, ident):
    for p in all_profiles(account, region):
        if ident in (p["inferenceProfileId"], p["inferenceProfileArn"]):
            return p
    raise ApiError(404, "ResourceNotFoundException", f"Inference profile {ident} not found.")


def kms_arn(account, region, key_id):
    if not key_id or key_id.startswith("arn:"):
        return key_id
    try:  # resolve alias / key id through moto's KMS backend
        from moto.kms.models import kms_backends
        return kms_backends[account][region].describe_key(key_id).arn
    except Exception:
        return f"arn:aws:kms:{region}:{account}:key/{key_id}"


def _filters(items, defaults):
    out = []
    for it in items or []:
        d = dict(defaults)
        d.update(it)
        out.append(d)
    return out


def guardrail_from_request(account, region, gid, body, created_at, version="DRAFT"):
    """Translate a Create/UpdateGuardrail request into the GetGuardrail response shape."""
    g = {
        "name": body["name"], "guardrailId": gid,
        "guardrailArn": f"arn:aws:bedrock:{region}:{account}:guardrail/{gid}",
        "version": version, "status": "READY",
        "createdAt": created_at, "updatedAt": now_iso(),
        "blockedInputMessaging": body.get("blockedInputMessaging", ""),
        "blockedOutputsMessaging": body.get("blockedOutputsMessaging", ""),
    }
    if body.get("description"):
        g["description"] = body["description"]
    if "topicPolicyConfig" in body:
        tp = body["topicPolicyConfig"]
        g["topicPolicy"] = {"topics": _filters(tp.get("topicsConfig"), {
            "type": "DENY", "inputAction": "BLOCK", "outputAction": "BLOCK",
            "inputEnabled": True, "outputEnabled": True})}
        g["topicPolicy"]["tier"] = tp.get("tierConfig") or {"tierName": "CLASSIC"}
    if "contentPolicyConfig" in body:
        cp = body["contentPolicyConfig"]
        g["contentPolicy"] = {"filters": _filters(cp.get("filtersConfig"), {
            "inputModalities": ["TEXT"], "outputModalities": ["TEXT"],
            "inputAction": "BLOCK", "outputAction": "BLOCK",
            "inputEnabled": True, "outputEnabled": True})}
        g["contentPolicy"]["tier"] = cp.get("tierConfig") or {"tierName": "CLASSIC"}
    if "wordPolicyConfig" in body:
        wp = body["wordPolicyConfig"]
        dflt = {"inputAction": "BLOCK", "outputAction": "BLOCK", "inputEnabled": True, "outputEnabled": True}
        g["wordPolicy"] = {"words": _filters(wp.get("wordsConfig"), dflt),
                           "managedWordLists": _filters(wp.get("managedWordListsConfig"), dflt)}
    if "sensitiveInformationPolicyConfig" in body:
        sp = body["sensitiveInformationPolicyConfig"]
        pii = []
        for e in sp.get("piiEntitiesConfig") or []:
            d = {"inputAction": e["action"], "outputAction": e["action"],
                 "inputEnabled": True, "outputEnabled": True}
            d.update(e)
            pii.append(d)
        rx = []
        for e in sp.get("regexesConfig") or []:
            d = {"inputAction": e["action"], "outputAction": e["action"],
                 "inputEnabled": True, "outputEnabled": True}
            d.update(e)
            rx.append(d)
        g["sensitiveInformationPolicy"] = {"piiEntities": pii, "regexes": rx}
    if "contextualGroundingPolicyConfig" in body:
        gp = body["contextualGroundingPolicyConfig"]
        g["contextualGroundingPolicy"] = {"filters": _filters(gp.get("filtersConfig"), {
            "action": "BLOCK", "enabled": True})}
    if "automatedReasoningPolicyConfig" in body:
        g["automatedReasoningPolicy"] = body["automatedReasoningPolicyConfig"]
    if body.get("crossRegionConfig"):
        pid = body["crossRegionConfig"]["guardrailProfileIdentifier"]
        if pid.startswith("arn:"):
            parn, pid = pid, pid.rsplit("/", 1)[1]
        else:
            parn = f"arn:aws:bedrock:{region}:{account}:guardrail-profile/{pid}"
        g["crossRegionDetails"] = {"guardrailProfileId": pid, "guardrailProfileArn": parn}
    if body.get("kmsKeyId"):
        g["kmsKeyArn"] = kms_arn(account, region, body["kmsKeyId"])
    return g


def find_guardrail(store, ident, account, region):
    gid = ident.rsplit("/", 1)[1] if ident.startswith("arn:") else ident
    if gid not in store:
        raise ApiError(404, "ResourceNotFoundException", f"Guardrail {ident} not found.")
    return gid, store[gid]


def summary(g):
    s = {k: g[k] for k in ("name", "status", "version", "createdAt", "updatedAt")}
    s.update(id=g["guardrailId"], arn=g["guardrailArn"])
    if g.get("description"):
        s["description"] = g["description"]
    if g.get("crossRegionDetails"):
        s["crossRegionDetails"] = g["crossRegionDetails"]
    return s


def page(items, q, key, default=50):
    start = int(q.get("nextToken") or 0)
    n = int(q.get("maxResults") or default)
    out = {key: items[start:start + n]}
    if start + n < len(items):
        out["nextToken"] = str(start + n)
    return out


def tag_list(body):
    return {t["key"]: t["value"] for t in body.get("tags") or []}


def bedrock(environ, account, region):
    """Return (status, body) or None to pass the request through to moto."""
    method, seg, q = environ["REQUEST_METHOD"], raw_segments(environ), query(environ)
    key = (account, region)
    if not seg:
        return None
    head = seg[0]
    if head == "guardrails":
        store = GUARDRAILS.setdefault(key, {})
        if len(seg) == 1 and method == "POST":
            body = json_body(environ)
            if any(e["draft"]["name"] == body.get("name") for e in store.values()):
                raise ApiError(409, "ConflictException", f"Guardrail {body.get('name')} already exists.")
            gid = rid()
            g = guardrail_from_request(account, region, gid, body, now_iso())
            store[gid] = {"draft": g, "versions": {}, "request": body}
            TAGS[g["guardrailArn"]] = tag_list(body)
            return 202, {"guardrailId": gid, "guardrailArn": g["guardrailArn"],
                         "version": "DRAFT", "createdAt": g["createdAt"]}
        if len(seg) == 1 and method == "GET":
            if q.get("guardrailIdentifier"):
                _, e = find_guardrail(store, q["guardrailIdentifier"], account, region)
                items = [summary(e["draft"])] + [summary(v) for _, v in sorted(e["versions"].items())]
            else:
                items = [summary(e["draft"]) for e in store.values()]
            return 200, page(items, q, "guardrails", 20)
        if len(seg) == 2:
            gid, e = find_guardrail(store, seg[1], account, region)
            if method == "GET":
                v = q.get("guardrailVersion") or "DRAFT"
                if v == "DRAFT":
                    return 200, e["draft"]
                if int(v) not in e["versions"]:
                    raise ApiError(404, "ResourceNotFoundException", f"Guardrail version {v} not found.")
                return 200, e["versions"][int(v)]
            if method == "POST":  # CreateGuardrailVersion
                n = max(e["versions"], default=0) + 1
                snap = copy.deepcopy(e["draft"])
                snap.update(version=str(n), createdAt=now_iso(), updatedAt=now_iso())
                body = json_body(environ)
                if body.get("description"):
                    snap["description"] = body["description"]
                e["versions"][n] = snap
                return 202, {"guardrailId": gid, "version": str(n)}
            if method == "PUT":  # UpdateGuardrail
                body = json_body(environ)
                e["draft"] = guardrail_from_request(account, region, gid, body, e["draft"]["createdAt"])
                return 202, {"guardrailId": gid, "guardrailArn": e["draft"]["guardrailArn"],
                             "version": "DRAFT", "updatedAt": e["draft"]["updatedAt"]}
            if method == "DELETE":
                v = q.get("guardrailVersion")
                if v and v != "DRAFT":
                    e["versions"].pop(int(v), None)
                else:
                    TAGS.pop(e["draft"]["guardrailArn"], None)
                    del store[gid]
                return 202, {}
    if head == "inference-profiles":
        if len(seg) == 1 and method == "GET":
            items = all_profiles(account, region)
            if q.get("type"):
                items = [p for p in items if p["type"] == q["type"]]
            return 200, page(items, q, "inferenceProfileSummaries", 1000)
        if len(seg) == 1 and method == "POST":
            body = json_body(environ)
            src = body["modelSource"]["copyFrom"]
            if ":inference-profile/" in src or not src.startswith("arn:"):
                models = find_profile(account, region, src.rsplit("/", 1)[-1])["models"]
            else:
                models = [{"modelArn": src}]
            pid = rid()
            arn = f"arn:aws:bedrock:{region}:{account}:application-inference-profile/{pid}"
            ts = now_iso()
            p = {"inferenceProfileName": body["inferenceProfileName"], "createdAt": ts, "updatedAt": ts,
                 "inferenceProfileArn": arn, "models": models, "inferenceProfileId": pid,
                 "status": "ACTIVE", "type": "APPLICATION"}
            if body.get("description"):
                p["description"] = body["description"]
            APP_PROFILES.setdefault(key, {})[pid] = p
            TAGS[arn] = tag_list(body)
            return 201, {"inferenceProfileArn": arn, "status": "ACTIVE"}
        if len(seg) == 2 and method == "GET":
            return 200, find_profile(account, region, seg[1])
        if len(seg) == 2 and method == "DELETE":
            p = find_profile(account, region, seg[1])
            if p["type"] != "APPLICATION":
                raise ApiError(400, "ValidationException", "Only application inference profiles can be deleted.")
            APP_PROFILES[key].pop(p["inferenceProfileId"])
            return 200, {}
    if head == "foundation-models" and method == "GET":
        models = [{
            "modelArn": fm_arn(region, mid), "modelId": mid, "modelName": name, "providerName": prov,
            "inputModalities": ["TEXT"], "outputModalities": [out],
            "responseStreamingSupported": out == "TEXT", "customizationsSupported": [],
            "inferenceTypesSupported": types, "modelLifecycle": {"status": "ACTIVE"},
        } for mid, name, prov, out, types in FOUNDATION_MODELS]
        if len(seg) == 1:
            if q.get("byProvider"):
                models = [m for m in models if m["providerName"].lower() == q["byProvider"].lower()]
            if q.get("byOutputModality"):
                models = [m for m in models if q["byOutputModality"] in m["outputModalities"]]
            if q.get("byInferenceType"):
                models = [m for m in models if q["byInferenceType"] in m["inferenceTypesSupported"]]
            return 200, {"modelSummaries": models}
        for m in models:
            if seg[1] in (m["modelId"], m["modelArn"]):
                return 200, {"modelDetails": m}
        raise ApiError(404, "ResourceNotFoundException", f"Model {seg[1]} not found.")
    if head == "enforcedGuardrailsConfiguration":
        store = ENFORCED.setdefault(key, {})
        if len(seg) == 1 and method == "PUT":
            body = json_body(environ)
            cfg = body["guardrailInferenceConfig"]
            gid = cfg["guardrailIdentifier"]
            gid = gid.rsplit("/", 1)[1] if gid.startswith("arn:") else gid
            cid = body.get("configId") or rid(10)
            caller = f"arn:aws:iam::{account}:root"
            ts = now_iso()
            prev = store.get(cid, {})
            entry = {"configId": cid, "guardrailId": gid,
                     "guardrailArn": f"arn:aws:bedrock:{region}:{account}:guardrail/{gid}",
                     "guardrailVersion": cfg["guardrailVersion"], "inputTags": "IGNORE",
                     "createdAt": prev.get("createdAt", ts), "createdBy": prev.get("createdBy", caller),
                     "updatedAt": ts, "updatedBy": caller, "owner": "ACCOUNT"}
            for k in ("selectiveContentGuarding", "modelEnforcement"):
                if cfg.get(k):
                    entry[k] = cfg[k]
            store[cid] = entry
            return 200, {"configId": cid, "updatedAt": ts, "updatedBy": caller}
        if len(seg) == 1 and method == "GET":
            return 200, page(list(store.values()), q, "guardrailsConfig", 100)
        if len(seg) == 2 and method == "DELETE":
            if store.pop(seg[1], None) is None:
                raise ApiError(404, "ResourceNotFoundException", f"Configuration {seg[1]} not found.")
            return 200, {}
    if head in ("listTagsForResource", "tagResource", "untagResource") and method == "POST":
        body = json_body(environ)
        arn = body.get("resourceARN", "")
        if arn not in TAGS and ":inference-profile/" not in arn:
            return None  # not ours: moto's own Bedrock resources (custom models, jobs)
        tags = TAGS.setdefault(arn, {})
        if head == "listTagsForResource":
            return 200, {"tags": [{"key": k, "value": v} for k, v in tags.items()]}
        if head == "tagResource":
            tags.update(tag_list(body))
        else:
            for k in body.get("tagKeys") or []:
                tags.pop(k, None)
        return 200, {}
    return None


# ---------------------------------------------------------------- cloudtrail
def add_events(body):
    account = body.get("accountId", DEFAULT_ACCOUNT)
    region = body.get("region", "us-east-1")
    out = EVENTS.setdefault((account, region), [])
    now = datetime.now(timezone.utc)
    for ev in body.get("events", []):
        if "eventTime" in ev:
            t = datetime.fromisoformat(ev["eventTime"].replace("Z", "+00:00"))
        else:
            t = now - timedelta(days=float(ev.get("daysAgo", 1)))
        eid = ev.get("eventId") or str(mock_random.uuid4())
        user = ev.get("username", "chat-inference")
        src = ev.get("eventSource", "bedrock.amazonaws.com")
        arn = ev.get("principalArn", f"arn:aws:sts::{account}:assumed-role/{user}/session")
        detail = {
            "eventVersion": "1.09",
            "userIdentity": {"type": "AssumedRole", "arn": arn, "accountId": account,
                             "accessKeyId": ev.get("accessKeyId", "ASIAEXAMPLE")},
            "eventTime": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "eventSource": src,
            "eventName": ev["eventName"], "awsRegion": region,
            "sourceIPAddress": ev.get("sourceIPAddress", "10.0.1.23"),
            "userAgent": "aws-sdk-python", "requestParameters": ev.get("requestParameters"),
            "responseElements": None, "additionalEventData": ev.get("additionalEventData"),
            "requestID": str(mock_random.uuid4()), "eventID": eid,
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


ATTR_FIELD = {"EventId": "EventId", "EventName": "EventName", "ReadOnly": "ReadOnly",
              "Username": "Username", "EventSource": "EventSource", "AccessKeyId": "AccessKeyId"}


def _ts(v):
    if isinstance(v, (int, float)):
        return float(v)
    return datetime.fromisoformat(str(v).replace("Z", "+00:00")).timestamp()


def lookup_events(environ, account, region):
    body = json_body(environ)
    events = EVENTS.get((account, region), [])
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
    start = int(body.get("NextToken") or 0)
    n = min(int(body.get("MaxResults") or 50), 50)
    out = {"Events": events[start:start + n]}
    if start + n < len(events):
        out["NextToken"] = str(start + n)
    return out


# ---------------------------------------------------------------- sts / iam
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"


def caller_arn(account, access_key):
    try:
        key = iam_backends[account]["global"].access_keys[access_key]
        if getattr(key, "role_arn", None):
            role = key.role_arn.split("/")[-1]
            return f"arn:aws:sts::{account}:assumed-role/{role}/{getattr(key, 'session_name', None) or 'session'}"
    except Exception:
        pass
    return f"arn:aws:iam::{account}:user/moto"


def assume_role_denied(environ, caller_account, access_key=None):
    """Return an error message if AssumeRole must be denied, else None (moto answers)."""
    params = {k: v[0] for k, v in parse_qs(read_body(environ).decode()).items()}
    if params.get("Action") != "AssumeRole":
        return None
    arn = params.get("RoleArn", "")
    parts = arn.split(":")
    deny = f"User: {caller_arn(caller_account, access_key)} is not authorized to perform: sts:AssumeRole on resource: {arn}"
    if len(parts) < 6 or not parts[5].startswith("role/"):
        return None  # malformed: let moto validate
    target, name = parts[4], parts[5].rsplit("/", 1)[1]
    if target not in iam_backends.keys():
        return deny
    try:
        iam_backends[target]["global"].get_role(name)
    except Exception:
        return deny
    return None


def iam_ssc(environ, account, start_response):
    params = {k: v[0] for k, v in parse_qs(read_body(environ).decode()).items()}
    action = params.get("Action")
    if action not in ("CreateServiceSpecificCredential", "ListServiceSpecificCredentials",
                      "DeleteServiceSpecificCredential"):
        return None
    creds = SSC.setdefault(account, [])
    user = params.get("UserName")
    if user:
        try:
            iam_backends[account]["global"].get_user(user)
        except Exception:
            return query_error(start_response, 404, "NoSuchEntity",
                               f"The user with name {user} cannot be found.", IAM_NS)

    def member(c, secret=False):
        fields = ["UserName", "Status", "ServiceUserName", "ServiceCredentialAlias", "CreateDate",
                  "ExpirationDate", "ServiceSpecificCredentialId", "ServiceName"]
        if secret:
            fields += ["ServicePassword", "ServiceCredentialSecret"]
        return "".join(f"<{f}>{escape(str(c[f]))}</{f}>" for f in fields if c.get(f) is not None)

    if action == "CreateServiceSpecificCredential":
        created = datetime.now(timezone.utc)
        c = {"UserName": user, "Status": "Active", "ServiceName": params["ServiceName"],
             "ServiceSpecificCredentialId": "ACCA" + mock_random.get_random_string(17).upper(),
             "CreateDate": created.strftime("%Y-%m-%dT%H:%M:%SZ")}
        if params["ServiceName"] == "bedrock.amazonaws.com":
            c["ServiceCredentialAlias"] = f"{user}-at-{account}"
            c["ServiceCredentialSecret"] = "ABSK" + mock_random.get_random_string(40)
        else:
            c["ServiceUserName"] = f"{user}-at-{account}"
            c["ServicePassword"] = mock_random.get_random_string(40)
        if params.get("CredentialAgeDays"):
            c["ExpirationDate"] = (created + timedelta(days=int(params["CredentialAgeDays"]))).strftime("%Y-%m-%dT%H:%M:%SZ")
        creds.append(c)
        inner = f"<ServiceSpecificCredential>{member(c, True)}</ServiceSpecificCredential>"
    elif action == "DeleteServiceSpecificCredential":
        creds[:] = [c for c in creds if c["ServiceSpecificCredentialId"] != params.get("ServiceSpecificCredentialId")]
        inner = ""
    else:
        sel = creds if params.get("AllUsers") == "true" else [c for c in creds if c["UserName"] == user]
        if params.get("ServiceName"):
            sel = [c for c in sel if c["ServiceName"] == params["ServiceName"]]
        inner = ("<ServiceSpecificCredentials>"
                 + "".join(f"<member>{member(c)}</member>" for c in sel)
                 + "</ServiceSpecificCredentials><IsTruncated>false</IsTruncated>")
    xml = (f'<{action}Response xmlns="{IAM_NS}"><{action}Result>{inner}</{action}Result>'
           f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata></{action}Response>")
    return respond(start_response, 200, xml, ctype="text/xml")


# ---------------------------------------------------------------- shim
def shim(environ, start_response, seg):
    body = json_body(environ) if environ["REQUEST_METHOD"] in ("POST", "PUT") else {}
    if seg == ["reset"]:
        fast_moto_reset()
        return respond(start_response, 200, {"status": "ok"})
    if seg == ["cloudtrail", "events"]:
        with LOCK:
            n = add_events(body)
        return respond(start_response, 200, {"status": "ok", "events": n})
    if seg == ["kms", "set-key-manager"]:
        from moto.kms.models import kms_backends
        backend = kms_backends[body.get("accountId", DEFAULT_ACCOUNT)][body.get("region", "us-east-1")]
        key = backend.describe_key(body["keyId"])
        key.key_manager = body.get("keyManager", "AWS")
        return respond(start_response, 200, {"status": "ok", "keyId": key.id, "keyManager": key.key_manager})
    if seg == ["state"]:  # debugging aid
        with LOCK:
            return respond(start_response, 200, {
                "guardrails": {f"{a}/{r}": sorted(v) for (a, r), v in GUARDRAILS.items()},
                "events": {f"{a}/{r}": len(v) for (a, r), v in EVENTS.items()}})
    return respond(start_response, 404, {"message": f"unknown shim endpoint /_shim/{'/'.join(seg)}"})


# ---------------------------------------------------------------- moto speed-ups
def patch_moto_for_speed():
    """Make account creation and reset cheap with MOTO_IAM_LOAD_MANAGED_POLICIES=true.

    moto builds the 1,582 AWS-managed policies (a 4.7 MB JSON document, parsed again each
    time) for every account *and every partition* (aws, aws-cn, aws-us-gov, ...), because
    its access-key lookup touches all partitions of every account; and its reset re-creates
    every backend before dropping it. Here: parse the data once, build the policies only
    for the `aws` partition (the only one perimeter's tests use), and skip them for the
    backends built during a reset (moto re-creates each backend, then drops it).
    Observable behaviour in the `aws` partition is unchanged.
    """
    import gc
    from moto.iam import models as iam_models
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    cache = []

    def _init_aws_policies(self):
        if (not iam_models.load_iam_aws_managed_policies() or self.region_name != "aws"
                or RESETTING.is_set()):
            return []
        if not cache:
            for name, d in json.loads(aws_managed_policies_data).items():
                cache.append((name, d.get("DefaultVersionId"), d.get("Path"), json.dumps(d.get("Document")),
                              datetime.fromisoformat(d["CreateDate"]), datetime.fromisoformat(d["UpdateDate"])))
        return [iam_models.AWSManagedPolicy(name, account_id=self.account_id, region=self.region_name,
                                            default_version_id=v, path=path, document=doc,
                                            create_date=cd, update_date=ud)
                for name, v, path, doc, cd, ud in cache]

    iam_models.IAMBackend._init_aws_policies = _init_aws_policies
    gc.set_threshold(50000, 20, 50)


RESETTING = threading.Event()


def fast_moto_reset():
    """moto's own reset, minus building managed policies for IAM backends it then drops."""
    from moto.moto_api._internal.models import moto_api_backend
    RESETTING.set()
    try:
        moto_api_backend.reset()
    finally:
        RESETTING.clear()
    reset_state()


# ---------------------------------------------------------------- WSGI entry point
class Emulator:
    def __init__(self):
        self.moto = DomainDispatcherApplication(create_backend_app)

    def logging_config(self, environ, start_response):
        """moto answers {"loggingConfig": {}} when nothing is configured; AWS answers {}."""
        captured = {}

        def capture(status, headers, exc_info=None):
            captured.update(status=status, headers=headers)

        body = b"".join(self.moto(environ, capture))
        if captured["status"].startswith("200") and json.loads(body or b"{}") == {"loggingConfig": {}}:
            return respond(start_response, 200, {})
        start_response(captured["status"], captured["headers"])
        return [body]

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_shim/"):
            return shim(environ, start_response, [s for s in path.split("/")[2:] if s])
        if path.rstrip("/") == "/moto-api/reset" and environ["REQUEST_METHOD"] == "POST":
            fast_moto_reset()
            return respond(start_response, 200, {"status": "ok"})
        access_key, region, service = scope(environ)
        try:
            if service == "bedrock":
                account = account_of(environ, access_key)
                with LOCK:
                    result = bedrock(environ, account, region)
                if result is not None:
                    return respond(start_response, result[0], result[1])
                if environ["REQUEST_METHOD"] == "GET" and raw_segments(environ) == ["logging", "modelinvocations"]:
                    return self.logging_config(environ, start_response)
            elif service == "cloudtrail" and environ.get("HTTP_X_AMZ_TARGET", "").endswith(".LookupEvents"):
                account = account_of(environ, access_key)
                with LOCK:
                    out = lookup_events(environ, account, region)
                return respond(start_response, 200, out, ctype="application/x-amz-json-1.1")
            elif service == "sts" and environ["REQUEST_METHOD"] == "POST":
                caller = account_of(environ, access_key)
                msg = assume_role_denied(environ, caller, access_key)
                if msg:
                    return query_error(start_response, 403, "AccessDenied", msg, STS_NS)
            elif service == "iam" and environ["REQUEST_METHOD"] == "POST":
                account = account_of(environ, access_key)
                with LOCK:
                    out = iam_ssc(environ, account, start_response)
                if out is not None:
                    return out
        except ApiError as e:
            if service == "cloudtrail":
                return respond(start_response, e.status, {"__type": e.code, "message": e.message},
                               ctype="application/x-amz-json-1.1")
            return rest_json_error(start_response, e)
        except (KeyError, ValueError, TypeError) as e:
            err = ApiError(400, "ValidationException", f"Invalid request: {e!r}")
            if service == "cloudtrail":
                return respond(start_response, 400, {"__type": err.code, "message": err.message},
                               ctype="application/x-amz-json-1.1")
            return rest_json_error(start_response, err)
        return self.moto(environ, start_response)


def main():
    ap = argparse.ArgumentParser(description="moto + perimeter's test extension (test infrastructure)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=int(os.environ.get("MOTO_PORT", 5000)))
    args = ap.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))
    patch_moto_for_speed()
    run_simple(args.host, args.port, Emulator(), threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
