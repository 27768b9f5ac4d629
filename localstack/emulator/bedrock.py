"""Amazon Bedrock (control plane, REST-JSON): guardrails (and their resource policies),
inference profiles, foundation models, enforced guardrail configuration, batch inference
jobs (model invocation jobs), tags on the ARNs it owns, and the invocation logging
configuration's "not configured" answer. moto 5.2.5 answers HTTP 500 for most of these;
everything else Bedrock goes to moto."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from typing import Any

from . import kms
from .catalog import FOUNDATION_MODELS, GLOBAL_REGIONS, PROFILE_CREATED, SYSTEM_PROFILES
from .rest import conform, output_member
from .router import Call, Forwarded, Route
from .state import Doc, Guardrail
from .util import last_arn_part, now_iso, rid
from .wsgi import ApiError, Response, reply

SERVICE = "bedrock"
MAX_PROFILE_MODELS = 5


def fm_arn(region: str, model_id: str) -> str:
    return f"arn:aws:bedrock:{region}::foundation-model/{model_id}"


# ---------------------------------------------------------------- guardrails
def _filters(items: list[Doc] | None, defaults: Doc) -> list[Doc]:
    return [{**defaults, **it} for it in items or []]


def _non_empty(**lists: list[Doc]) -> Doc:
    """The lists that have entries: AWS leaves out an optional list it has nothing for."""
    return {k: v for k, v in lists.items() if v}


def guardrail_from_request(call: Call, gid: str, body: Doc, created_at: str, version: str = "DRAFT") -> Doc:
    """Translate a Create/UpdateGuardrail request into the GetGuardrail response shape."""
    account, region = call.account, call.region
    g: Doc = {
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
        g["wordPolicy"] = _non_empty(words=_filters(wp.get("wordsConfig"), dflt),
                                     managedWordLists=_filters(wp.get("managedWordListsConfig"), dflt))
    if "sensitiveInformationPolicyConfig" in body:
        sp = body["sensitiveInformationPolicyConfig"]

        def entity(e: Doc) -> Doc:
            return {"inputAction": e["action"], "outputAction": e["action"],
                    "inputEnabled": True, "outputEnabled": True, **e}

        g["sensitiveInformationPolicy"] = _non_empty(
            piiEntities=[entity(e) for e in sp.get("piiEntitiesConfig") or []],
            regexes=[entity(e) for e in sp.get("regexesConfig") or []])
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
        g["kmsKeyArn"] = kms.key_arn(account, region, body["kmsKeyId"])
    return g


def _store(call: Call) -> dict[str, Guardrail]:
    return call.state.guardrails.setdefault((call.account, call.region), {})


def _find_guardrail(call: Call, ident: str) -> tuple[str, Guardrail]:
    store = _store(call)
    gid = last_arn_part(ident)
    if gid not in store:
        raise ApiError(404, "ResourceNotFoundException", f"Guardrail {ident} not found.")
    return gid, store[gid]


def _summary(g: Doc) -> Doc:
    s = {k: g[k] for k in ("name", "status", "version", "createdAt", "updatedAt")}
    s.update(id=g["guardrailId"], arn=g["guardrailArn"])
    if g.get("description"):
        s["description"] = g["description"]
    if g.get("crossRegionDetails"):
        s["crossRegionDetails"] = g["crossRegionDetails"]
    return s


def _page(items: list[Doc], q: dict[str, str], key: str, default: int = 50) -> Doc:
    start = int(q.get("nextToken") or 0)
    n = int(q.get("maxResults") or default)
    out: Doc = {key: items[start:start + n]}
    if start + n < len(items):
        out["nextToken"] = str(start + n)
    return out


def _tag_map(body: Doc) -> dict[str, str]:
    return {t["key"]: t["value"] for t in body.get("tags") or []}


def create_guardrail(call: Call) -> Response:
    store = _store(call)
    body = call.request.json()
    if any(e.draft["name"] == body.get("name") for e in store.values()):
        raise ApiError(400, "ConflictException", f"Guardrail {body.get('name')} already exists.")
    gid = rid()
    g = guardrail_from_request(call, gid, body, now_iso())
    store[gid] = Guardrail(draft=g)
    call.state.tags[g["guardrailArn"]] = _tag_map(body)
    return reply(202, {"guardrailId": gid, "guardrailArn": g["guardrailArn"],
                       "version": "DRAFT", "createdAt": g["createdAt"]})


def list_guardrails(call: Call) -> Response:
    if call.query.get("guardrailIdentifier"):
        _, e = _find_guardrail(call, call.query["guardrailIdentifier"])
        items = [_summary(e.draft)] + [_summary(v) for _, v in sorted(e.versions.items())]
    else:
        items = [_summary(e.draft) for e in _store(call).values()]
    return reply(200, _page(items, call.query, "guardrails", 20))


def get_guardrail(call: Call) -> Response:
    _, e = _find_guardrail(call, call.params["guardrailIdentifier"])
    v = call.query.get("guardrailVersion") or "DRAFT"
    if v == "DRAFT":
        return reply(200, e.draft)
    if int(v) not in e.versions:
        raise ApiError(404, "ResourceNotFoundException", f"Guardrail version {v} not found.")
    return reply(200, e.versions[int(v)])


def create_guardrail_version(call: Call) -> Response:
    gid, e = _find_guardrail(call, call.params["guardrailIdentifier"])
    n = max(e.versions, default=0) + 1
    snap = copy.deepcopy(e.draft)
    snap.update(version=str(n), createdAt=now_iso(), updatedAt=now_iso())
    body = call.request.json()
    if body.get("description"):
        snap["description"] = body["description"]
    e.versions[n] = snap
    return reply(202, {"guardrailId": gid, "version": str(n)})


def update_guardrail(call: Call) -> Response:
    gid, e = _find_guardrail(call, call.params["guardrailIdentifier"])
    body = call.request.json()
    e.draft = guardrail_from_request(call, gid, body, e.draft["createdAt"])
    return reply(202, {"guardrailId": gid, "guardrailArn": e.draft["guardrailArn"],
                       "version": "DRAFT", "updatedAt": e.draft["updatedAt"]})


def delete_guardrail(call: Call) -> Response:
    gid, e = _find_guardrail(call, call.params["guardrailIdentifier"])
    v = call.query.get("guardrailVersion")
    if v and v != "DRAFT":
        e.versions.pop(int(v), None)
    else:
        call.state.tags.pop(e.draft["guardrailArn"], None)
        call.state.resource_policies.get((call.account, call.region), {}).pop(e.draft["guardrailArn"], None)
        del _store(call)[gid]
    return reply(202, {})


# ---------------------------------------------------------------- resource policies (guardrails)
def _policy_target(call: Call, arn: str) -> str | None:
    """The guardrail ARN (version suffix dropped) if `arn` names a guardrail of the caller."""
    base = arn.split(":guardrail/", 1)
    if len(base) != 2 or not arn.startswith(f"arn:aws:bedrock:{call.region}:{call.account}:guardrail/"):
        return None
    gid = base[1].split(":", 1)[0]
    if gid not in _store(call):
        return None
    return f"arn:aws:bedrock:{call.region}:{call.account}:guardrail/{gid}"


def _resource_policies(call: Call) -> dict[str, str]:
    return call.state.resource_policies.setdefault((call.account, call.region), {})


def put_resource_policy(call: Call) -> Response:
    body = call.request.json()
    arn = _policy_target(call, body["resourceArn"])
    if arn is None:  # PutResourcePolicy has no ResourceNotFoundException in the model
        raise ApiError(400, "ValidationException", f"Resource {body['resourceArn']} does not exist.")
    json.loads(body["resourcePolicy"])  # not JSON: ValueError -> ValidationException
    _resource_policies(call)[arn] = body["resourcePolicy"]
    return reply(201, {"resourceArn": body["resourceArn"]})


def get_resource_policy(call: Call) -> Response:
    """ResourceNotFoundException for an unknown guardrail, and for one without a policy."""
    ident = call.params["resourceArn"]
    arn = _policy_target(call, ident)
    policy = _resource_policies(call).get(arn) if arn else None
    if policy is None:
        raise ApiError(404, "ResourceNotFoundException", f"No resource policy found for {ident}.")
    return reply(200, {"resourcePolicy": policy})


def delete_resource_policy(call: Call) -> Response:
    ident = call.params["resourceArn"]
    arn = _policy_target(call, ident)
    if arn is None or _resource_policies(call).pop(arn, None) is None:
        raise ApiError(404, "ResourceNotFoundException", f"No resource policy found for {ident}.")
    return reply(200, {})


# ---------------------------------------------------------------- batch inference (model invocation jobs)
def _jobs(call: Call) -> dict[str, Doc]:
    return call.state.invocation_jobs.setdefault((call.account, call.region), {})


def _job(call: Call, ident: str) -> Doc:
    job = _jobs(call).get(last_arn_part(ident))
    if job is None:
        raise ApiError(404, "ResourceNotFoundException", f"Model invocation job {ident} not found.")
    return job


def _when(raw: str) -> datetime:
    return datetime.fromisoformat(raw.replace("Z", "+00:00"))


def create_model_invocation_job(call: Call) -> Response:
    body = call.request.json()
    store = _jobs(call)
    if any(j["jobName"] == body["jobName"] for j in store.values()):
        raise ApiError(400, "ConflictException", f"Model invocation job {body['jobName']} already exists.")
    jid, ts = rid(), now_iso()
    arn = f"arn:aws:bedrock:{call.region}:{call.account}:model-invocation-job/{jid}"
    doc = conform({"timeoutDurationInHours": 24, **body}, output_member(SERVICE, "GetModelInvocationJob"))
    doc.update(jobArn=arn, status="Submitted", submitTime=ts, lastModifiedTime=ts)
    store[jid] = doc
    call.state.tags[arn] = _tag_map(body)
    return reply(200, {"jobArn": arn})


def get_model_invocation_job(call: Call) -> Response:
    return reply(200, _job(call, call.params["jobIdentifier"]))


def list_model_invocation_jobs(call: Call) -> Response:
    q = call.query
    items = list(_jobs(call).values())
    if q.get("submitTimeAfter"):
        items = [j for j in items if _when(j["submitTime"]) > _when(q["submitTimeAfter"])]
    if q.get("submitTimeBefore"):
        items = [j for j in items if _when(j["submitTime"]) < _when(q["submitTimeBefore"])]
    if q.get("statusEquals"):
        items = [j for j in items if j["status"] == q["statusEquals"]]
    if q.get("nameContains"):
        items = [j for j in items if q["nameContains"] in j["jobName"]]
    items.sort(key=lambda j: _when(j["submitTime"]), reverse=q.get("sortOrder", "Descending") == "Descending")
    summary = output_member(SERVICE, "ListModelInvocationJobs", "invocationJobSummaries")
    return reply(200, _page([conform(j, summary) for j in items], q, "invocationJobSummaries", 1000))


# ---------------------------------------------------------------- inference profiles
def _system_profiles(account: str, region: str) -> list[Doc]:
    out = []
    for p in SYSTEM_PROFILES:
        model = p.id.split(".", 1)[1]
        if p.regions is None:
            if region not in GLOBAL_REGIONS:
                continue
            models = [fm_arn(region, model), f"arn:aws:bedrock:::foundation-model/{model}"]
            desc = f"Routes requests to {p.name[7:]} in all commercial AWS Regions."
        else:
            if region not in p.regions:
                continue
            # AWS lists at most 5 (InferenceProfileModels); the source Region first.
            ordered = [region, *(r for r in p.regions if r != region)]
            models = [fm_arn(r, model) for r in ordered[:MAX_PROFILE_MODELS]]
            desc = f"Routes requests to {p.name.split(' ', 1)[1]} in {', '.join(p.regions)}."
        out.append({
            "inferenceProfileName": p.name, "description": desc,
            "createdAt": PROFILE_CREATED, "updatedAt": PROFILE_CREATED,
            "inferenceProfileArn": f"arn:aws:bedrock:{region}:{account}:inference-profile/{p.id}",
            "models": [{"modelArn": a} for a in models],
            "inferenceProfileId": p.id, "status": "ACTIVE", "type": "SYSTEM_DEFINED",
        })
    return out


def _all_profiles(call: Call) -> list[Doc]:
    app = call.state.app_profiles.get((call.account, call.region), {})
    return _system_profiles(call.account, call.region) + list(app.values())


def _find_profile(call: Call, ident: str) -> Doc:
    for p in _all_profiles(call):
        if ident in (p["inferenceProfileId"], p["inferenceProfileArn"]):
            return p
    raise ApiError(404, "ResourceNotFoundException", f"Inference profile {ident} not found.")


def list_inference_profiles(call: Call) -> Response:
    items = _all_profiles(call)
    if call.query.get("type"):  # typeEquals
        items = [p for p in items if p["type"] == call.query["type"]]
    return reply(200, _page(items, call.query, "inferenceProfileSummaries", 1000))


def create_inference_profile(call: Call) -> Response:
    body = call.request.json()
    src = body["modelSource"]["copyFrom"]
    if ":inference-profile/" in src or not src.startswith("arn:"):
        models = _find_profile(call, src.rsplit("/", 1)[-1])["models"]
    else:
        models = [{"modelArn": src}]
    pid = rid()
    arn = f"arn:aws:bedrock:{call.region}:{call.account}:application-inference-profile/{pid}"
    ts = now_iso()
    p: Doc = {"inferenceProfileName": body["inferenceProfileName"], "createdAt": ts, "updatedAt": ts,
              "inferenceProfileArn": arn, "models": models, "inferenceProfileId": pid,
              "status": "ACTIVE", "type": "APPLICATION"}
    if body.get("description"):
        p["description"] = body["description"]
    call.state.app_profiles.setdefault((call.account, call.region), {})[pid] = p
    call.state.tags[arn] = _tag_map(body)
    return reply(201, {"inferenceProfileArn": arn, "status": "ACTIVE"})


def get_inference_profile(call: Call) -> Response:
    return reply(200, _find_profile(call, call.params["inferenceProfileIdentifier"]))


def delete_inference_profile(call: Call) -> Response:
    p = _find_profile(call, call.params["inferenceProfileIdentifier"])
    if p["type"] != "APPLICATION":
        raise ApiError(400, "ValidationException", "Only application inference profiles can be deleted.")
    call.state.app_profiles[(call.account, call.region)].pop(p["inferenceProfileId"])
    return reply(200, {})


# ---------------------------------------------------------------- foundation models
def _models(region: str) -> list[Doc]:
    return [{
        "modelArn": fm_arn(region, m.id), "modelId": m.id, "modelName": m.name, "providerName": m.provider,
        "inputModalities": ["TEXT"], "outputModalities": [m.output_modality],
        "responseStreamingSupported": m.output_modality == "TEXT", "customizationsSupported": [],
        "inferenceTypesSupported": list(m.inference_types), "modelLifecycle": {"status": "ACTIVE"},
    } for m in FOUNDATION_MODELS]


def list_foundation_models(call: Call) -> Response:
    models, q = _models(call.region), call.query
    if q.get("byProvider"):
        models = [m for m in models if m["providerName"].lower() == q["byProvider"].lower()]
    if q.get("byOutputModality"):
        models = [m for m in models if q["byOutputModality"] in m["outputModalities"]]
    if q.get("byInferenceType"):
        models = [m for m in models if q["byInferenceType"] in m["inferenceTypesSupported"]]
    return reply(200, {"modelSummaries": models})


def get_foundation_model(call: Call) -> Response:
    ident = call.params["modelIdentifier"]
    for m in _models(call.region):
        if ident in (m["modelId"], m["modelArn"]):
            return reply(200, {"modelDetails": m})
    raise ApiError(404, "ResourceNotFoundException", f"Model {ident} not found.")


# ---------------------------------------------------------------- enforced guardrail configuration
def _enforced(call: Call) -> dict[str, Doc]:
    return call.state.enforced.setdefault((call.account, call.region), {})


def put_enforced_guardrail_configuration(call: Call) -> Response:
    store = _enforced(call)
    body = call.request.json()
    cfg = body["guardrailInferenceConfig"]
    gid = last_arn_part(cfg["guardrailIdentifier"])
    cid = body.get("configId") or rid(10)
    caller = f"arn:aws:iam::{call.account}:root"
    ts = now_iso()
    prev = store.get(cid, {})
    entry: Doc = {"configId": cid, "guardrailId": gid,
                  "guardrailArn": f"arn:aws:bedrock:{call.region}:{call.account}:guardrail/{gid}",
                  "guardrailVersion": cfg["guardrailVersion"], "inputTags": "IGNORE",
                  "createdAt": prev.get("createdAt", ts), "createdBy": prev.get("createdBy", caller),
                  "updatedAt": ts, "updatedBy": caller, "owner": "ACCOUNT"}
    for k in ("selectiveContentGuarding", "modelEnforcement"):
        if cfg.get(k):
            entry[k] = cfg[k]
    store[cid] = entry
    return reply(200, {"configId": cid, "updatedAt": ts, "updatedBy": caller})


def list_enforced_guardrails_configuration(call: Call) -> Response:
    return reply(200, _page(list(_enforced(call).values()), call.query, "guardrailsConfig", 100))


def delete_enforced_guardrail_configuration(call: Call) -> Response:
    cid = call.params["configId"]
    if _enforced(call).pop(cid, None) is None:
        raise ApiError(404, "ResourceNotFoundException", f"Configuration {cid} not found.")
    return reply(200, {})


# ---------------------------------------------------------------- tags
def _own_tags(call: Call) -> tuple[Doc, dict[str, str]] | None:
    """The request body and the tags of its ARN, or None when the ARN is moto's."""
    body = call.request.json()
    arn = body.get("resourceARN", "")
    if arn not in call.state.tags and ":inference-profile/" not in arn:
        return None  # not ours: moto's own Bedrock resources (custom models, jobs)
    return body, call.state.tags.setdefault(arn, {})


def list_tags_for_resource(call: Call) -> Response | None:
    own = _own_tags(call)
    if own is None:
        return None
    return reply(200, {"tags": [{"key": k, "value": v} for k, v in own[1].items()]})


def tag_resource(call: Call) -> Response | None:
    own = _own_tags(call)
    if own is None:
        return None
    own[1].update(_tag_map(own[0]))
    return reply(200, {})


def untag_resource(call: Call) -> Response | None:
    own = _own_tags(call)
    if own is None:
        return None
    for k in own[0].get("tagKeys") or []:
        own[1].pop(k, None)
    return reply(200, {})


# ---------------------------------------------------------------- invocation logging
def get_model_invocation_logging_configuration(call: Call) -> Response | Forwarded:
    """moto answers {"loggingConfig": {}} when nothing is configured; AWS answers {}."""
    moto = call.forward()
    body: Any = None
    if moto.status.startswith("200"):
        body = json.loads(moto.body or b"{}")
    if body == {"loggingConfig": {}}:
        return reply(200, {})
    return moto  # configured: moto's own answer (the router conforms it)


ROUTES = (
    Route(SERVICE, "CreateGuardrail", create_guardrail),
    Route(SERVICE, "ListGuardrails", list_guardrails),
    Route(SERVICE, "GetGuardrail", get_guardrail),
    Route(SERVICE, "CreateGuardrailVersion", create_guardrail_version),
    Route(SERVICE, "UpdateGuardrail", update_guardrail),
    Route(SERVICE, "DeleteGuardrail", delete_guardrail),
    Route(SERVICE, "PutResourcePolicy", put_resource_policy),
    Route(SERVICE, "GetResourcePolicy", get_resource_policy),
    Route(SERVICE, "DeleteResourcePolicy", delete_resource_policy),
    Route(SERVICE, "CreateModelInvocationJob", create_model_invocation_job),
    Route(SERVICE, "GetModelInvocationJob", get_model_invocation_job),
    Route(SERVICE, "ListModelInvocationJobs", list_model_invocation_jobs),
    Route(SERVICE, "ListInferenceProfiles", list_inference_profiles),
    Route(SERVICE, "CreateInferenceProfile", create_inference_profile),
    Route(SERVICE, "GetInferenceProfile", get_inference_profile),
    Route(SERVICE, "DeleteInferenceProfile", delete_inference_profile),
    Route(SERVICE, "ListFoundationModels", list_foundation_models),
    Route(SERVICE, "GetFoundationModel", get_foundation_model),
    Route(SERVICE, "PutEnforcedGuardrailConfiguration", put_enforced_guardrail_configuration),
    Route(SERVICE, "ListEnforcedGuardrailsConfiguration", list_enforced_guardrails_configuration),
    Route(SERVICE, "DeleteEnforcedGuardrailConfiguration", delete_enforced_guardrail_configuration),
    Route(SERVICE, "ListTagsForResource", list_tags_for_resource),
    Route(SERVICE, "TagResource", tag_resource),
    Route(SERVICE, "UntagResource", untag_resource),
    Route(SERVICE, "GetModelInvocationLoggingConfiguration", get_model_invocation_logging_configuration),
)
