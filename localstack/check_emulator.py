#!/usr/bin/env python3
"""
Smoke check of the seeded emulator (test infrastructure): calls, with boto3, every read
API perimeter's collectors use, from the management account and from an assumed member
role, and asserts on the state seed_demo.py created. Exit 0 when all pass.

    localstack/.venv/bin/python localstack/check_emulator.py --endpoint URL [--manifest .run/demo.json]
"""
import argparse
import json
import os
import sys
import time
from datetime import datetime, timedelta, timezone

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from validate_shapes import cbor_wire, delivery_failures_query, metric_sum, rpcv2_request, rust_cbor

FAILS = []


def check(label, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + label + (f"  [{detail}]" if detail and not cond else ""))
    if not cond:
        FAILS.append(label)


def err_code(fn):
    try:
        fn()
        return None
    except ClientError as e:
        return e.response["Error"]["Code"]


def lookup_all(ct, **kw):
    """Every page of LookupEvents (<= 50 events a page)."""
    out, token = [], None
    while True:
        page = ct.lookup_events(**kw, **({"NextToken": token} if token else {}))
        out += page["Events"]
        token = page.get("NextToken")
        if not token:
            return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--manifest", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".run", "demo.json"))
    args = ap.parse_args()
    man = json.load(open(args.manifest))
    cfg = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1})
    base = {"endpoint_url": args.endpoint, "config": cfg}
    mg = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}

    def c(svc, region="us-east-1", creds=mg):
        return boto3.client(svc, region_name=region, **base, **creds)

    mgmt = man["management_account_id"]
    res = man["resources"][mgmt]
    acct = {a["name"]: a for a in man["accounts"]}

    # sts
    sts = c("sts")
    check("sts GetCallerIdentity", sts.get_caller_identity()["Account"] == mgmt)
    pay = acct["payments-prod"]["id"]
    cr = sts.assume_role(RoleArn=acct["payments-prod"]["access_role_arn"], RoleSessionName="perimeter-check")["Credentials"]
    member = {"aws_access_key_id": cr["AccessKeyId"], "aws_secret_access_key": cr["SecretAccessKey"],
              "aws_session_token": cr["SessionToken"]}
    check("sts AssumeRole member -> member identity", c("sts", creds=member).get_caller_identity()["Account"] == pay)
    code = err_code(lambda: sts.assume_role(RoleArn=acct["legacy"]["access_role_arn"], RoleSessionName="check"))
    check("sts AssumeRole legacy -> AccessDenied", code == "AccessDenied", code)
    code = err_code(lambda: sts.assume_role(RoleArn="arn:aws:iam::999999999999:role/Nope", RoleSessionName="check"))
    check("sts AssumeRole unknown account -> AccessDenied", code == "AccessDenied", code)

    # organizations
    org = c("organizations")
    check("organizations DescribeOrganization", org.describe_organization()["Organization"]["Id"] == man["organization"]["id"])
    accts = org.list_accounts()["Accounts"]
    check("organizations ListAccounts", len(accts) == len(man["accounts"]), len(accts))
    root = org.list_roots()["Roots"][0]
    check("organizations ListRoots SCP enabled", any(p["Type"] == "SERVICE_CONTROL_POLICY" for p in root["PolicyTypes"]))
    ous = org.list_organizational_units_for_parent(ParentId=root["Id"])["OrganizationalUnits"]
    check("organizations ListOrganizationalUnitsForParent", len(ous) >= 3)
    pols = org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]
    check("organizations ListPolicies", {p["Name"] for p in pols} >= {s["name"] for s in man["scps"]})
    wl = next(o for o in man["ous"] if o["name"] == "Workloads")
    t = org.list_policies_for_target(TargetId=wl["id"], Filter="SERVICE_CONTROL_POLICY")["Policies"]
    check("organizations ListPoliciesForTarget (Workloads)", {p["Name"] for p in t} >= {"FullAWSAccess", "DenyOutsideApprovedRegions"})
    d = org.describe_policy(PolicyId=next(p["Id"] for p in pols if p["Name"] == "aws-guardrails-AbCdEf"))
    check("organizations DescribePolicy content", "GRREGIONDENY" in d["Policy"]["Content"])
    check("organizations ListParents", org.list_parents(ChildId=pay)["Parents"][0]["Type"] == "ORGANIZATIONAL_UNIT")
    tags = {t["Key"]: t["Value"] for t in org.list_tags_for_resource(ResourceId=pay)["Tags"]}
    check("organizations ListTagsForResource data-residency", tags.get("data-residency") == "eu")
    check("organizations ListTargetsForPolicy", len(org.list_targets_for_policy(PolicyId=pols[0]["Id"])["Targets"]) >= 1)

    # iam
    iam = c("iam")
    gaad = iam.get_account_authorization_details(Filter=["Role", "User", "Group", "LocalManagedPolicy"])
    roles = {r["RoleName"]: r for r in gaad["RoleDetailList"]}
    check("iam GAAD roles", {"chat-inference", "batch-summariser", "data-science", "cris-app", "orphan-invoker"} <= set(roles))
    check("iam GAAD inline policy", roles["chat-inference"]["RolePolicyList"][0]["PolicyName"] == "invoke-approved-models")
    check("iam GAAD managed attachment", any(p["PolicyName"] == "AmazonBedrockFullAccess" for p in roles["data-science"]["AttachedManagedPolicies"]))
    check("iam GAAD users", any(u["UserName"] == "dev-alice" for u in gaad["UserDetailList"]))
    sscs = iam.list_service_specific_credentials(UserName="dev-alice")["ServiceSpecificCredentials"]
    check("iam ListServiceSpecificCredentials (bedrock key)", sscs and sscs[0]["ServiceName"] == "bedrock.amazonaws.com", sscs)
    check("iam ListServiceSpecificCredentials AllUsers", len(iam.list_service_specific_credentials(AllUsers=True)["ServiceSpecificCredentials"]) == 1)
    check("iam GetRole", iam.get_role(RoleName="chat-inference")["Role"]["Arn"] == res["iam_roles"]["chat-inference"])
    rt = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName="chat-inference")["Tags"]}
    check("iam ListRoleTags", rt.get("tenant") == "acme")
    pv = iam.get_policy_version(PolicyArn="arn:aws:iam::aws:policy/AmazonBedrockFullAccess", VersionId=iam.get_policy(
        PolicyArn="arn:aws:iam::aws:policy/AmazonBedrockFullAccess")["Policy"]["DefaultVersionId"])
    check("iam GetPolicyVersion (AWS managed)", "bedrock:*" in json.dumps(pv["PolicyVersion"]["Document"]))

    # kms
    for region, keys in res["kms_keys"].items():
        kms = c("kms", region)
        ids = {k["KeyId"] for k in kms.list_keys()["Keys"]}
        check(f"kms ListKeys {region}", {k["id"] for k in keys.values()} <= ids)
        for alias, k in keys.items():
            check(f"kms GetKeyRotationStatus {region} {alias}",
                  kms.get_key_rotation_status(KeyId=k["id"])["KeyRotationEnabled"] == k["rotation"])
        aliases = {a["AliasName"] for a in kms.list_aliases()["Aliases"]}
        check(f"kms ListAliases {region}", {f"alias/{a}" for a in keys} <= aliases)
    kms = c("kms")
    wide = res["kms_keys"]["us-east-1"]["wide-open"]["id"]
    check("kms DescribeKey description (html payload)", kms.describe_key(KeyId=wide)["KeyMetadata"]["Description"] == "<img src=x onerror=alert(1)>")
    check("kms GetKeyPolicy wide-open", '"Principal": "*"' in kms.get_key_policy(KeyId=wide, PolicyName="default")["Policy"])
    bp = res["kms_keys"]["us-east-1"]["bedrock-prod"]["id"]
    check("kms ListResourceTags", {"TagKey": "tenant", "TagValue": "acme"} in kms.list_resource_tags(KeyId=bp)["Tags"])
    check("kms DescribeKey alias/aws/s3 KeyManager AWS", kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]["KeyManager"] == "AWS")
    check("kms member sees only its keys", all(k["KeyId"] not in {wide, bp} for k in c("kms", "eu-west-1", member).list_keys()["Keys"]))

    # bedrock
    br, br_eu, br_ap = c("bedrock"), c("bedrock", "eu-west-1"), c("bedrock", "ap-northeast-1")
    lc = br.get_model_invocation_logging_configuration()["loggingConfig"]
    check("bedrock GetModelInvocationLoggingConfiguration us-east-1 text off", lc["textDataDeliveryEnabled"] is False)
    check("bedrock logging eu-west-1 text on", br_eu.get_model_invocation_logging_configuration()["loggingConfig"]["textDataDeliveryEnabled"] is True)
    check("bedrock logging ap-northeast-1 absent", "loggingConfig" not in br_ap.get_model_invocation_logging_configuration())
    gl = br.list_guardrails()["guardrails"]
    check("bedrock ListGuardrails us-east-1", [g["name"] for g in gl] == ["prod-guardrail"], gl)
    gid = gl[0]["id"]
    check("bedrock ListGuardrails(guardrailIdentifier) versions", [g["version"] for g in br.list_guardrails(guardrailIdentifier=gid)["guardrails"]] == ["DRAFT", "1"])
    g = br.get_guardrail(guardrailIdentifier=gid, guardrailVersion="1")
    pa = next(f for f in g["contentPolicy"]["filters"] if f["type"] == "PROMPT_ATTACK")
    check("bedrock GetGuardrail v1 PROMPT_ATTACK HIGH", pa["inputStrength"] == "HIGH")
    check("bedrock GetGuardrail PII", {p["type"] for p in g["sensitiveInformationPolicy"]["piiEntities"]} >= {"EMAIL", "PHONE", "US_BANK_ACCOUNT_NUMBER"})
    check("bedrock GetGuardrail topics/grounding/kms", g["topicPolicy"]["topics"][0]["type"] == "DENY"
          and {f["type"] for f in g["contextualGroundingPolicy"]["filters"]} == {"GROUNDING", "RELEVANCE"}
          and g["kmsKeyArn"] == res["kms_keys"]["us-east-1"]["bedrock-prod"]["arn"])
    ge = br_eu.get_guardrail(guardrailIdentifier=res["guardrails"]["eu-west-1"]["eu-basic"]["arn"])
    check("bedrock GetGuardrail eu-basic STANDARD + crossRegionDetails", ge["contentPolicy"]["tier"]["tierName"] == "STANDARD"
          and ge["crossRegionDetails"]["guardrailProfileId"] == "eu.guardrail.v1:0" and "kmsKeyArn" not in ge)
    check("bedrock ListGuardrails ap-northeast-1 empty", br_ap.list_guardrails()["guardrails"] == [])
    check("bedrock GetGuardrail unknown -> ResourceNotFound", err_code(lambda: br.get_guardrail(guardrailIdentifier="zzzzzzzzzzzz")) == "ResourceNotFoundException")
    check("bedrock member sees only its guardrails", [x["name"] for x in c("bedrock", "eu-west-1", member).list_guardrails()["guardrails"]] == ["payments-guardrail"])
    check("bedrock member sees none of mgmt us-east-1", c("bedrock", "us-east-1", member).list_guardrails()["guardrails"] == [])
    sysp = br.list_inference_profiles(typeEquals="SYSTEM_DEFINED")["inferenceProfileSummaries"]
    ids = {p["inferenceProfileId"] for p in sysp}
    check("bedrock ListInferenceProfiles us-east-1", {"us.anthropic.claude-3-5-sonnet-20241022-v2:0", "us.amazon.nova-pro-v1:0",
                                                      "global.anthropic.claude-sonnet-4-5-20250929-v1:0"} <= ids)
    p = br.get_inference_profile(inferenceProfileIdentifier="us.anthropic.claude-3-5-sonnet-20241022-v2:0")
    check("bedrock GetInferenceProfile destinations", sorted(m["modelArn"].split(":")[3] for m in p["models"]) == ["us-east-1", "us-east-2", "us-west-2"])
    check("bedrock GetInferenceProfile by ARN", br.get_inference_profile(inferenceProfileIdentifier=p["inferenceProfileArn"])["inferenceProfileId"] == p["inferenceProfileId"])
    app = br.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]
    check("bedrock application inference profiles", sorted(a["inferenceProfileName"] for a in app)
          == (["chat-app-profile", "untagged-profile"] if "usage_outcomes" in man else ["chat-app-profile"]), app)
    pg = br.list_inference_profiles(maxResults=3)
    check("bedrock ListInferenceProfiles pagination", len(pg["inferenceProfileSummaries"]) == 3 and "nextToken" in pg)
    check("bedrock eu profiles in eu-west-1", all(x["inferenceProfileId"].split(".")[0] in ("eu", "global")
                                                 for x in br_eu.list_inference_profiles()["inferenceProfileSummaries"]))
    check("bedrock apac profiles in ap-northeast-1", any(x["inferenceProfileId"].startswith("apac.")
                                                        for x in br_ap.list_inference_profiles()["inferenceProfileSummaries"]))
    check("bedrock ListFoundationModels", len(br.list_foundation_models()["modelSummaries"]) >= 5)
    check("bedrock ListCustomModels", br.list_custom_models()["modelSummaries"] == [])
    enf = br.list_enforced_guardrails_configuration()["guardrailsConfig"]
    check("bedrock ListEnforcedGuardrailsConfiguration", enf and enf[0]["guardrailVersion"] == "1", enf)
    check("bedrock ListTagsForResource guardrail", {"key": "tenant", "value": "acme"} in br.list_tags_for_resource(resourceARN=g["guardrailArn"])["tags"])

    # bedrock guardrails: content filters and word lists as given; enforced configuration
    hi = {f["type"]: f for f in g["contentPolicy"]["filters"]}
    check("bedrock GetGuardrail v1 content filters HIGH/HIGH, BLOCK, enabled",
          all(hi[t]["inputStrength"] == hi[t]["outputStrength"] == "HIGH" and hi[t]["inputAction"] == "BLOCK"
              and hi[t]["outputAction"] == "BLOCK" and hi[t]["inputEnabled"] and hi[t]["outputEnabled"]
              for t in ("HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT")), hi)
    check("bedrock GetGuardrail wordPolicy PROFANITY", [w["type"] for w in g["wordPolicy"]["managedWordLists"]] == ["PROFANITY"])
    check("bedrock GetGuardrail eu-basic PROMPT_ATTACK only", [f["type"] for f in ge["contentPolicy"]["filters"]] == ["PROMPT_ATTACK"])
    check("bedrock ListEnforcedGuardrailsConfiguration modelEnforcement ALL", enf[0].get("modelEnforcement") == {"includedModels": ["ALL"], "excludedModels": []}
          and enf[0]["inputTags"] == "IGNORE", enf)
    dev_id = acct["ai-dev"]["id"]
    cr = sts.assume_role(RoleArn=acct["ai-dev"]["access_role_arn"], RoleSessionName="perimeter-check")["Credentials"]
    dev = {"aws_access_key_id": cr["AccessKeyId"], "aws_secret_access_key": cr["SecretAccessKey"],
           "aws_session_token": cr["SessionToken"]}
    br_dev = c("bedrock", "us-east-1", dev)
    dg = br_dev.get_guardrail(guardrailIdentifier=man["resources"][dev_id]["guardrails"]["us-east-1"]["dev-guardrail"]["id"])
    check("bedrock ai-dev dev-guardrail HATE detect-only (inputAction NONE)",
          any(f["type"] == "HATE" and f["inputAction"] == "NONE" and f["outputAction"] == "BLOCK" for f in dg["contentPolicy"]["filters"]))
    enf_dev = br_dev.list_enforced_guardrails_configuration()["guardrailsConfig"]
    check("bedrock ai-dev enforced config excludes Haiku", enf_dev and enf_dev[0]["modelEnforcement"]["excludedModels"] == ["anthropic.claude-3-haiku-20240307-v1:0"], enf_dev)

    # bedrock-agent: the estate (management account, us-east-1)
    est = res["estate"]
    cmk = res["kms_keys"]["us-east-1"]["bedrock-prod"]["arn"]
    prod_gid = res["guardrails"]["us-east-1"]["prod-guardrail"]["id"]
    ba = c("bedrock-agent")
    agents = {x["agentName"]: x for x in ba.list_agents()["agentSummaries"]}
    check("bedrock-agent ListAgents", set(agents) == {"support-agent", "ops-agent"}, agents.keys())
    check("bedrock-agent ListAgents pagination", len(ba.list_agents(maxResults=1)["agentSummaries"]) == 1
          and "nextToken" in ba.list_agents(maxResults=1))
    sa = ba.get_agent(agentId=est["agents"]["support-agent"]["id"])["agent"]
    check("bedrock-agent GetAgent support-agent (CMK, TTL 600, guardrail, role)",
          sa["customerEncryptionKeyArn"] == cmk and sa["idleSessionTTLInSeconds"] == 600
          and sa["guardrailConfiguration"] == {"guardrailIdentifier": prod_gid, "guardrailVersion": "1"}
          and sa["agentResourceRoleArn"] == est["roles"]["support-agent-role"]
          and sa["agentArn"] == est["agents"]["support-agent"]["arn"], sa)
    oa = ba.get_agent(agentId=est["agents"]["ops-agent"]["id"])["agent"]
    check("bedrock-agent GetAgent ops-agent (no CMK, TTL 5400, no guardrail)",
          "customerEncryptionKeyArn" not in oa and oa["idleSessionTTLInSeconds"] == 5400 and "guardrailConfiguration" not in oa)
    for name, alias, guarded in (("support-agent", "live", True), ("ops-agent", "prod", False)):
        aid = est["agents"][name]["id"]
        aliases = {x["agentAliasName"]: x for x in ba.list_agent_aliases(agentId=aid)["agentAliasSummaries"]}
        check(f"bedrock-agent ListAgentAliases {name} ({alias} -> 1, test alias -> DRAFT)",
              aliases[alias]["routingConfiguration"] == [{"agentVersion": "1"}]
              and aliases["AgentTestAlias"]["routingConfiguration"] == [{"agentVersion": "DRAFT"}], aliases)
        v = ba.get_agent_version(agentId=aid, agentVersion="1")["agentVersion"]
        check(f"bedrock-agent GetAgentVersion {name} v1 guardrail {'set' if guarded else 'absent'}",
              ("guardrailConfiguration" in v) == guarded and v["version"] == "1")
    check("bedrock-agent GetAgent unknown -> ResourceNotFound", err_code(lambda: ba.get_agent(agentId="ZZZZZZZZZZ")) == "ResourceNotFoundException")
    kbs = {x["name"]: x for x in ba.list_knowledge_bases()["knowledgeBaseSummaries"]}
    check("bedrock-agent ListKnowledgeBases", set(kbs) == {"policies-kb", "faq-kb", "vectors-kb"}, kbs.keys())
    for name, ds_name, encrypted in (("policies-kb", "policy-docs", True), ("faq-kb", "faq-docs", False)):
        kid = est["knowledge_bases"][name]["id"]
        kb = ba.get_knowledge_base(knowledgeBaseId=kid)["knowledgeBase"]
        check(f"bedrock-agent GetKnowledgeBase {name} (OPENSEARCH_SERVERLESS)", kb["storageConfiguration"]["type"] == "OPENSEARCH_SERVERLESS"
              and kb["knowledgeBaseArn"] == est["knowledge_bases"][name]["arn"])
        dss = ba.list_data_sources(knowledgeBaseId=kid)["dataSourceSummaries"]
        ds = ba.get_data_source(knowledgeBaseId=kid, dataSourceId=dss[0]["dataSourceId"])["dataSource"]
        check(f"bedrock-agent GetDataSource {ds_name} kmsKeyArn {'CMK' if encrypted else 'absent'}",
              ds["name"] == ds_name and ds.get("serverSideEncryptionConfiguration", {}).get("kmsKeyArn") == (cmk if encrypted else None), ds)
    flows = {x["name"]: x for x in ba.list_flows()["flowSummaries"]}
    check("bedrock-agent ListFlows", set(flows) == {"triage-flow", "summary-flow"}, flows.keys())
    for name, encrypted, guarded in (("triage-flow", True, True), ("summary-flow", False, False)):
        fid = est["flows"][name]["id"]
        f = ba.get_flow(flowIdentifier=fid)
        check(f"bedrock-agent GetFlow {name} CMK {'set' if encrypted else 'absent'}", f.get("customerEncryptionKeyArn") == (cmk if encrypted else None))
        al = ba.list_flow_aliases(flowIdentifier=fid)["flowAliasSummaries"]
        check(f"bedrock-agent ListFlowAliases {name} live -> 1", [(x["name"], x["routingConfiguration"]) for x in al] == [("live", [{"flowVersion": "1"}])])
        nodes = ba.get_flow_version(flowIdentifier=f["arn"], flowVersion="1")["definition"]["nodes"]
        gen = [n for n in nodes if n["type"] in ("Prompt", "KnowledgeBase")]
        has = [bool(n["configuration"].get("prompt", n["configuration"].get("knowledgeBase", {})).get("guardrailConfiguration")) for n in gen]
        check(f"bedrock-agent GetFlowVersion {name} v1 generating nodes guarded: {guarded}", has and all(h == guarded for h in has), has)
    prompts = {x["name"]: x for x in ba.list_prompts()["promptSummaries"]}
    check("bedrock-agent ListPrompts", set(prompts) == {"greeting-prompt", "draft-prompt"}, prompts.keys())
    check("bedrock-agent GetPrompt CMK", ba.get_prompt(promptIdentifier=est["prompts"]["greeting-prompt"]["id"]).get("customerEncryptionKeyArn") == cmk
          and "customerEncryptionKeyArn" not in ba.get_prompt(promptIdentifier=est["prompts"]["draft-prompt"]["arn"]))
    check("bedrock-agent member sees no agents", c("bedrock-agent", "us-east-1", dev).list_agents()["agentSummaries"] == [])

    # bedrock-agentcore-control: the estate
    ac = c("bedrock-agentcore-control")
    rts = {x["agentRuntimeName"]: x for x in ac.list_agent_runtimes()["agentRuntimes"]}
    check("agentcore ListAgentRuntimes", set(rts) == {"secure_runtime", "public_runtime"}, rts.keys())
    app_sg = res["vpcs"]["app-vpc"]["security_group_id"]
    for name, mode, public in (("secure_runtime", "VPC", False), ("public_runtime", "PUBLIC", True)):
        rt = ac.get_agent_runtime(agentRuntimeId=est["agent_runtimes"][name]["id"])
        check(f"agentcore GetAgentRuntime {name} networkMode {mode}", rt["networkConfiguration"]["networkMode"] == mode
              and rt["roleArn"] == est["roles"]["runtime-role"])
        pol = json.loads(ac.get_resource_policy(resourceArn=rt["agentRuntimeArn"])["policy"])
        check(f"agentcore GetResourcePolicy {name} Principal {'*' if public else 'account root'}",
              (pol["Statement"][0]["Principal"] == "*") == public, pol)
    check("agentcore secure_runtime in app-vpc's SG", ac.get_agent_runtime(agentRuntimeId=est["agent_runtimes"]["secure_runtime"]["id"])[
        "networkConfiguration"]["networkModeConfig"]["securityGroups"] == [app_sg])
    gws = {x["name"]: x for x in ac.list_gateways()["items"]}
    check("agentcore ListGateways", set(gws) == {"secure-gateway", "open-gateway"}, gws.keys())
    sg_ = ac.get_gateway(gatewayIdentifier=est["gateways"]["secure-gateway"]["id"])
    check("agentcore GetGateway secure-gateway (CUSTOM_JWT, CMK, ENFORCE, no exceptionLevel)",
          sg_["authorizerType"] == "CUSTOM_JWT" and sg_["kmsKeyArn"] == cmk and sg_["policyEngineConfiguration"]["mode"] == "ENFORCE"
          and "exceptionLevel" not in sg_ and sg_["authorizerConfiguration"]["customJWTAuthorizer"]["allowedClients"])
    og = ac.get_gateway(gatewayIdentifier=est["gateways"]["open-gateway"]["arn"])
    check("agentcore GetGateway open-gateway (NONE, DEBUG, LOG_ONLY, no key)", og["authorizerType"] == "NONE" and og["exceptionLevel"] == "DEBUG"
          and og["policyEngineConfiguration"]["mode"] == "LOG_ONLY" and "kmsKeyArn" not in og)
    check("agentcore GetResourcePolicy open-gateway Principal *", json.loads(ac.get_resource_policy(resourceArn=og["gatewayArn"])["policy"])["Statement"][0]["Principal"] == "*")
    check("agentcore GetResourcePolicy secure-gateway none -> ResourceNotFound",
          err_code(lambda: ac.get_resource_policy(resourceArn=sg_["gatewayArn"])) == "ResourceNotFoundException")
    mems = ac.list_memories()["memories"]
    check("agentcore ListMemories", len(mems) == 2, mems)
    cm = ac.get_memory(memoryId=est["memories"]["chat_memory"]["id"])["memory"]
    sm = ac.get_memory(memoryId=est["memories"]["scratch_memory"]["id"])["memory"]
    check("agentcore GetMemory encryptionKeyArn (chat CMK, scratch none)", cm.get("encryptionKeyArn") == cmk and "encryptionKeyArn" not in sm
          and cm["memoryExecutionRoleArn"] == est["roles"]["memory-role"])
    check("agentcore GetAgentRuntime unknown -> ResourceNotFound", err_code(lambda: ac.get_agent_runtime(agentRuntimeId="nope-ZZZZZZZZZZ")) == "ResourceNotFoundException")
    check("agentcore member sees no gateways", c("bedrock-agentcore-control", "us-east-1", dev).list_gateways()["items"] == [])
    tr = iam.get_role(RoleName="support-agent-role")["Role"]["AssumeRolePolicyDocument"]
    tr = json.loads(tr) if isinstance(tr, str) else tr
    check("iam support-agent-role trust scoped (SourceAccount + SourceArn)",
          tr["Statement"][0]["Condition"]["StringEquals"]["aws:SourceAccount"] == mgmt
          and tr["Statement"][0]["Condition"]["ArnLike"]["aws:SourceArn"].endswith(":agent/*"))
    keys = [(o["check"], o["account"], o["region"], o["resource"]) for o in man["intended_outcomes"]]
    check("manifest intended_outcomes (estate included) without duplicates", len(keys) == len(set(keys))
          and {"GRD-012", "GRD-014", "GRD-015", "KMS-010", "KMS-011", "KMS-013", "LOG-011"} <= {k[0] for k in keys})

    # organizations BEDROCK_POLICY (extension), effective policies
    org_ = c("organizations")
    root = org_.list_roots()["Roots"][0]
    check("organizations ListRoots BEDROCK_POLICY + SCP enabled", {(t["Type"], t["Status"]) for t in root["PolicyTypes"]}
          >= {("BEDROCK_POLICY", "ENABLED"), ("SERVICE_CONTROL_POLICY", "ENABLED")}, root)
    bps = {p["Name"]: p for p in org_.list_policies(Filter="BEDROCK_POLICY")["Policies"]}
    check("organizations ListPolicies BEDROCK_POLICY", set(bps) == set(est["bedrock_policies"]), bps.keys())
    for name, want in est["bedrock_policies"].items():
        tg = org_.list_targets_for_policy(PolicyId=bps[name]["Id"])["Targets"]
        check(f"organizations ListTargetsForPolicy {name} -> {want['target_name']}",
              [(t["TargetId"], t["Type"]) for t in tg] == [(want["target"], "ORGANIZATIONAL_UNIT")], tg)
        content = json.loads(org_.describe_policy(PolicyId=bps[name]["Id"])["Policy"]["Content"])
        check(f"organizations DescribePolicy {name} identifier", content["bedrock"]["guardrail_inference"][want["region"]]
              ["config_1"]["identifier"]["@@assign"] == want["identifier"])
    check("organizations ListPolicies SCP still moto's", any(p["Name"] == "FullAWSAccess"
                                                            for p in org_.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]))
    wl_pol = est["bedrock_policies"]["bedrock-guardrail-workloads"]
    for name, want in (("ai-prod", wl_pol), ("sandbox-1", est["bedrock_policies"]["bedrock-guardrail-sandbox"])):
        ep = org_.describe_effective_policy(PolicyType="BEDROCK_POLICY", TargetId=acct[name]["id"])["EffectivePolicy"]
        cfg = json.loads(ep["PolicyContent"])["bedrock"]["guardrail_inference"][want["region"]]["config_1"]
        check(f"organizations DescribeEffectivePolicy {name} -> {want['identifier']}", cfg["identifier"] == want["identifier"]
              and ep["TargetId"] == acct[name]["id"] and ep["PolicyType"] == "BEDROCK_POLICY", ep)
    for who in ("legacy", "management"):
        check(f"organizations DescribeEffectivePolicy {who} none -> EffectivePolicyNotFound",
              err_code(lambda who=who: org_.describe_effective_policy(PolicyType="BEDROCK_POLICY", TargetId=acct[who]["id"]))
              == "EffectivePolicyNotFoundException")
    gp = json.loads(br.get_resource_policy(resourceArn=g["guardrailArn"])["resourcePolicy"])
    st = gp["Statement"][0]
    check("bedrock GetResourcePolicy prod-guardrail ApplyGuardrail for the org", st["Action"] == "bedrock:ApplyGuardrail"
          and st["Principal"] == "*" and st["Condition"]["StringEquals"]["aws:PrincipalOrgID"] == man["organization"]["id"], gp)
    check("bedrock GetResourcePolicy eu-basic none -> ResourceNotFound", err_code(lambda: br_eu.get_resource_policy(
        resourceArn=res["guardrails"]["eu-west-1"]["eu-basic"]["arn"])) == "ResourceNotFoundException")

    # GRD-012: automated reasoning on prod-guardrail v1, none on ai-dev's
    check("bedrock GetGuardrail prod-guardrail v1 automatedReasoningPolicy",
          g.get("automatedReasoningPolicy", {}).get("policies") == [f"arn:aws:bedrock:us-east-1:{mgmt}:automated-reasoning-policy/estatepolicy:1"], g.get("automatedReasoningPolicy"))
    check("bedrock GetGuardrail ai-dev no automatedReasoningPolicy", "automatedReasoningPolicy" not in dg)

    # KMS-011: batch jobs
    since = datetime.now(timezone.utc) - timedelta(days=7)
    jobs = {j["jobName"]: j for j in br.list_model_invocation_jobs(submitTimeAfter=since)["invocationJobSummaries"]}
    check("bedrock ListModelInvocationJobs (submitTimeAfter)", set(jobs) == set(est["batch_jobs"]), jobs.keys())
    check("bedrock ListModelInvocationJobs submitTimeAfter now -> none",
          br.list_model_invocation_jobs(submitTimeAfter=datetime.now(timezone.utc) + timedelta(minutes=5))["invocationJobSummaries"] == [])
    for name, want in est["batch_jobs"].items():
        out = jobs[name]["outputDataConfig"]["s3OutputDataConfig"]
        check(f"bedrock ListModelInvocationJobs {name} output + key", jobs[name]["jobArn"] == want["arn"]
              and out["s3Uri"] == want["output"] and out.get("s3EncryptionKeyId") == want["kms_key"], out)
    check("bedrock GetModelInvocationJob", br.get_model_invocation_job(jobIdentifier=est["batch_jobs"]["nightly-summaries"]["arn"])["jobName"] == "nightly-summaries")
    bo = f"estate-batch-out-{mgmt}"
    check("s3 GetBucketEncryption batch output AES256", c("s3").get_bucket_encryption(Bucket=bo)["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256")

    # KMS-010: vector stores
    colls = {x["name"]: x for x in c("opensearchserverless").list_collections()["collectionSummaries"]}
    check("aoss ListCollections kmsKeyArn (CMK / auto)", colls["estatecoll1"].get("kmsKeyArn") == cmk
          and colls["faqcoll1"].get("kmsKeyArn") == "auto", colls)
    for kb_name in ("policies-kb", "faq-kb"):
        kb = ba.get_knowledge_base(knowledgeBaseId=est["knowledge_bases"][kb_name]["id"])["knowledgeBase"]
        arn_ = kb["storageConfiguration"]["opensearchServerlessConfiguration"]["collectionArn"]
        check(f"bedrock-agent GetKnowledgeBase {kb_name} collectionArn = moto's collection", arn_ == est["knowledge_bases"][kb_name]["collection"]
              and arn_ in {x["arn"] for x in colls.values()}, arn_)
    vkb = ba.get_knowledge_base(knowledgeBaseId=est["knowledge_bases"]["vectors-kb"]["id"])["knowledgeBase"]
    vb_arn = est["vector_buckets"]["estate-vectors"]["arn"]
    check("bedrock-agent GetKnowledgeBase vectors-kb S3_VECTORS", vkb["storageConfiguration"]["type"] == "S3_VECTORS"
          and vkb["storageConfiguration"]["s3VectorsConfiguration"]["vectorBucketArn"] == vb_arn)
    vb = c("s3vectors").get_vector_bucket(vectorBucketArn=vb_arn)["vectorBucket"]
    check("s3vectors GetVectorBucket sseType AES256", vb["encryptionConfiguration"]["sseType"] == "AES256", vb)

    # KMS-013: data-source buckets
    for kb_name, bname, alg in (("policies-kb", f"estate-docs-{mgmt}", "aws:kms"), ("faq-kb", f"estate-faq-{mgmt}", "AES256")):
        kid = est["knowledge_bases"][kb_name]["id"]
        ds = ba.get_data_source(knowledgeBaseId=kid, dataSourceId=ba.list_data_sources(knowledgeBaseId=kid)["dataSourceSummaries"][0]["dataSourceId"])["dataSource"]
        enc = c("s3").get_bucket_encryption(Bucket=bname)["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]
        check(f"KB {kb_name} data source reads {bname} ({alg})", ds["dataSourceConfiguration"]["s3Configuration"]["bucketArn"] == f"arn:aws:s3:::{bname}"
              and enc["SSEAlgorithm"] == alg and (alg != "aws:kms" or enc.get("KMSMasterKeyID") == cmk), enc)

    # LOG-011: delivery-failure metric
    end = datetime.now(timezone.utc)
    for region, want in est["delivery_failures"].items():
        md = c("cloudwatch", region).get_metric_data(StartTime=end - timedelta(days=7), EndTime=end, MetricDataQueries=[{
            "Id": "f", "MetricStat": {"Metric": {"Namespace": "AWS/Bedrock", "MetricName": "ModelInvocationLogsCloudWatchDeliveryFailure"},
                                      "Period": 86400, "Stat": "Sum"}}])["MetricDataResults"][0]
        check(f"cloudwatch GetMetricData delivery failures {region} = {want}", sum(md["Values"]) == want and len(md["Values"]) >= 1, md)

    # ec2
    ec2, ec2_eu = c("ec2"), c("ec2", "eu-west-1")
    check("ec2 DescribeRegions", any(r["RegionName"] == "ap-northeast-1" for r in ec2.describe_regions()["Regions"]))
    vpcs = ec2.describe_vpcs()["Vpcs"]
    check("ec2 DescribeVpcs us-east-1 (app, legacy, default)", len(vpcs) == 3, len(vpcs))
    ep = ec2.describe_vpc_endpoints()["VpcEndpoints"]
    check("ec2 DescribeVpcEndpoints us-east-1", len(ep) == 1 and ep[0]["PrivateDnsEnabled"] and "ChatInferenceOnly" in ep[0]["PolicyDocument"])
    ep_eu = ec2_eu.describe_vpc_endpoints()["VpcEndpoints"]
    check("ec2 DescribeVpcEndpoints eu-west-1 private DNS off", len(ep_eu) == 1 and not ep_eu[0]["PrivateDnsEnabled"])
    sg = ec2_eu.describe_security_groups(GroupIds=[ep_eu[0]["Groups"][0]["GroupId"]])["SecurityGroups"][0]
    check("ec2 DescribeSecurityGroups open 0.0.0.0/0", sg["IpPermissions"][0]["IpRanges"][0]["CidrIp"] == "0.0.0.0/0")

    # cloudtrail
    ct = c("cloudtrail")
    trails = {t["Name"]: t for t in ct.describe_trails()["trailList"]}
    check("cloudtrail DescribeTrails", set(trails) == {"org-trail", "app-trail"}, trails.keys())
    check("cloudtrail org-trail multi-Region + validation + KMS", trails["org-trail"]["IsMultiRegionTrail"]
          and trails["org-trail"]["LogFileValidationEnabled"] and trails["org-trail"].get("KmsKeyId"))
    check("cloudtrail GetTrailStatus", ct.get_trail_status(Name="org-trail")["IsLogging"])
    es = ct.get_event_selectors(TrailName="org-trail")
    check("cloudtrail GetEventSelectors advanced", es["AdvancedEventSelectors"][0]["FieldSelectors"][0]["Equals"] == ["Management"])
    start = datetime.now(timezone.utc) - timedelta(days=90)
    le = lookup_all(ct, LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "bedrock.amazonaws.com"}],
                    StartTime=start, EndTime=datetime.now(timezone.utc))
    check("cloudtrail LookupEvents bedrock us-east-1 (all pages)", len(le) == res["cloudtrail_events"]["us-east-1"], len(le))
    times = [e["EventTime"] for e in le]
    check("cloudtrail LookupEvents newest first", times == sorted(times, reverse=True))
    check("cloudtrail LookupEvents CloudTrailEvent JSON", json.loads(le[0]["CloudTrailEvent"])["eventSource"] == "bedrock.amazonaws.com")
    pg = ct.lookup_events(MaxResults=2)
    check("cloudtrail LookupEvents pagination", len(pg["Events"]) == 2 and "NextToken" in pg)
    check("cloudtrail LookupEvents us-west-2 empty", c("cloudtrail", "us-west-2").lookup_events(
        LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "bedrock.amazonaws.com"}])["Events"] == [])
    check("cloudtrail LookupEvents ap-northeast-1", len(lookup_all(c("cloudtrail", "ap-northeast-1")))
          == res["cloudtrail_events"]["ap-northeast-1"])
    check("cloudtrail LookupEvents member eu-west-1", len(lookup_all(c("cloudtrail", "eu-west-1", member)))
          == man["resources"][pay]["cloudtrail_events"]["eu-west-1"])
    old = ct.lookup_events(EndTime=datetime.now(timezone.utc) - timedelta(days=60))["Events"]
    check("cloudtrail LookupEvents EndTime filter", old == [])

    # s3
    s3 = c("s3")
    inv_us = f"bedrock-invocation-logs-{mgmt}-us-east-1"
    inv_eu = f"bedrock-invocation-logs-{mgmt}-eu-west-1"
    check("s3 GetBucketEncryption AES256", s3.get_bucket_encryption(Bucket=inv_us)["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256")
    check("s3 GetPublicAccessBlock missing", err_code(lambda: s3.get_public_access_block(Bucket=inv_us)) == "NoSuchPublicAccessBlockConfiguration")
    s3eu = c("s3", "eu-west-1")
    check("s3 GetBucketEncryption aws:kms", s3eu.get_bucket_encryption(Bucket=inv_eu)["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms")
    check("s3 GetPublicAccessBlock eu full", all(s3eu.get_public_access_block(Bucket=inv_eu)["PublicAccessBlockConfiguration"].values()))
    check("s3 GetBucketLocation eu-west-1", s3.get_bucket_location(Bucket=inv_eu)["LocationConstraint"] == "eu-west-1")
    check("s3 GetObjectLockConfiguration", s3.get_object_lock_configuration(Bucket=f"org-cloudtrail-{mgmt}")["ObjectLockConfiguration"]["ObjectLockEnabled"] == "Enabled")
    check("s3 GetObjectLockConfiguration missing", err_code(lambda: s3.get_object_lock_configuration(Bucket=f"app-cloudtrail-{mgmt}")) == "ObjectLockConfigurationNotFoundError")
    check("s3 GetBucketPolicy", "cloudtrail.amazonaws.com" in s3.get_bucket_policy(Bucket=f"org-cloudtrail-{mgmt}")["Policy"])
    check("s3 GetBucketPolicy missing", err_code(lambda: s3.get_bucket_policy(Bucket=inv_us)) == "NoSuchBucketPolicy")

    # logs
    lg = {g["logGroupName"]: g for g in c("logs").describe_log_groups()["logGroups"]}
    check("logs DescribeLogGroups us-east-1 retention 30 no KMS", lg["/aws/bedrock/invocations"]["retentionInDays"] == 30 and "kmsKeyId" not in lg["/aws/bedrock/invocations"])
    lg = {g["logGroupName"]: g for g in c("logs", "eu-west-1").describe_log_groups()["logGroups"]}
    check("logs DescribeLogGroups eu-west-1 KMS 400", lg["/aws/bedrock/invocations"]["retentionInDays"] == 400 and lg["/aws/bedrock/invocations"].get("kmsKeyId"))

    # cloudwatch over Smithy RPC v2 CBOR, the protocol of perimeter's Rust SDK (boto3 speaks
    # awsJson to CloudWatch): the seeded delivery-failure metric, Sum over 7 days by day
    want = man["resources"][mgmt].get("estate", {}).get("delivery_failures", {"us-east-1": 3, "eu-west-1": 0})
    for region in ("us-east-1", "eu-west-1"):
        body = rust_cbor(delivery_failures_query(days=7))
        status, headers, data = rpcv2_request(args.endpoint, region, "GetMetricData", body)
        try:
            total = metric_sum(cbor_wire(data)) if status == 200 else None
        except ValueError as e:
            total = f"not CBOR: {e}"
        check(f"cloudwatch GetMetricData rpc-v2-cbor {region} delivery failures = {want[region]}",
              total == want[region] and headers.get("content-type") == "application/cbor"
              and headers.get("smithy-protocol") == "rpc-v2-cbor", (status, total, data[:200]))
    status, headers, data = rpcv2_request(args.endpoint, "us-east-1", "DescribeAlarms", rust_cbor({}))
    check("cloudwatch DescribeAlarms rpc-v2-cbor", status == 200 and isinstance(cbor_wire(data).get("MetricAlarms"), list),
          (status, data[:200]))
    status, headers, data = rpcv2_request(args.endpoint, "us-east-1", "GetMetricData", b"\xbf\x69Start")
    check("cloudwatch GetMetricData rpc-v2-cbor malformed body -> 400 SerializationException",
          status == 400 and str(cbor_wire(data).get("__type", "")).endswith("#SerializationException"), (status, data[:200]))

    if "usage_outcomes" in man:
        check_usage(man, c, args.endpoint, member)

    print(f"\n{len(FAILS)} failed" if FAILS else "\nall checks passed")
    return 1 if FAILS else 0


def check_usage(man, c, endpoint, pay_creds):
    """COST, ABUSE AND RESIDENCY: each seeded thing read back over the protocol perimeter's Rust
    SDK uses (botocore 1.44.5 lists one protocol for budgets, ce, service-quotas (awsJson 1.1),
    guardduty (restJson1), cloudtrail (awsJson 1.1) -- boto3 speaks it too; CloudWatch:
    rpc-v2-cbor, sent raw)."""
    mgmt = man["management_account_id"]
    u = man["resources"][mgmt]["usage"]
    acct = {a["name"]: a["id"] for a in man["accounts"]}
    # budgets
    b = c("budgets")
    names = {x["BudgetName"]: x for x in b.describe_budgets(AccountId=mgmt)["Budgets"]}
    check("budgets DescribeBudgets bedrock-monthly (Service filter)",
          names.get("bedrock-monthly", {}).get("CostFilters") == {"Service": ["Amazon Bedrock"]}, names.keys())
    notes = b.describe_notifications_for_budget(AccountId=mgmt, BudgetName="bedrock-monthly")["Notifications"]
    check("budgets DescribeNotificationsForBudget", len(notes) == 1, notes)
    subs = b.describe_subscribers_for_notification(AccountId=mgmt, BudgetName="bedrock-monthly",
                                                   Notification=notes[0])["Subscribers"]
    check("budgets DescribeSubscribersForNotification (extension)",
          subs == [{"SubscriptionType": "EMAIL", "Address": "finops@example.com"}], subs)
    check("budgets DescribeBudgetActionsForBudget none (extension)",
          b.describe_budget_actions_for_budget(AccountId=mgmt, BudgetName="bedrock-monthly")["Actions"] == [])
    check("budgets DescribeSubscribersForNotification unknown budget -> NotFoundException",
          err_code(lambda: b.describe_subscribers_for_notification(
              AccountId=mgmt, BudgetName="nope", Notification=notes[0])) == "NotFoundException")
    sts = c("sts")
    cr = sts.assume_role(RoleArn=f"arn:aws:iam::{acct['ai-prod']}:role/{man['access_role_name']}",
                         RoleSessionName="perimeter-check")["Credentials"]
    prod = {"aws_access_key_id": cr["AccessKeyId"], "aws_secret_access_key": cr["SecretAccessKey"],
            "aws_session_token": cr["SessionToken"]}
    pb = c("budgets", creds=prod)
    check("budgets ai-prod ai-prod-all without notification",
          [x["BudgetName"] for x in pb.describe_budgets(AccountId=acct["ai-prod"])["Budgets"]] == ["ai-prod-all"]
          and pb.describe_notifications_for_budget(AccountId=acct["ai-prod"], BudgetName="ai-prod-all")["Notifications"] == [])
    # ce
    ce = c("ce")
    mons = ce.get_anomaly_monitors()["AnomalyMonitors"]
    mon = u["anomaly_monitors"]["services"]
    check("ce GetAnomalyMonitors DIMENSIONAL SERVICE", [(x["MonitorArn"], x["MonitorType"], x.get("MonitorDimension"))
                                                       for x in mons] == [(mon["arn"], "DIMENSIONAL", "SERVICE")], mons)
    subs = ce.get_anomaly_subscriptions()["AnomalySubscriptions"]
    check("ce GetAnomalySubscriptions CONFIRMED on the monitor", len(subs) == 1 and subs[0]["MonitorArnList"] == [mon["arn"]]
          and subs[0]["Subscribers"][0]["Status"] == "CONFIRMED", subs)
    check("ce GetAnomalyMonitors unknown -> UnknownMonitorException", err_code(lambda: ce.get_anomaly_monitors(
        MonitorArnList=[f"arn:aws:ce::{mgmt}:anomalymonitor/00000000-0000-0000-0000-000000000000"])) == "UnknownMonitorException")
    tags = {t["TagKey"]: t["Status"] for t in ce.list_cost_allocation_tags()["CostAllocationTags"]}
    check("ce ListCostAllocationTags workload Active, tenant Inactive", tags == u["cost_allocation_tags"], tags)
    psubs = c("ce", creds=pay_creds).get_anomaly_subscriptions()["AnomalySubscriptions"]
    check("ce payments-prod CUSTOM monitor, DECLINED subscriber",
          [s_["Subscribers"][0]["Status"] for s_ in psubs] == ["DECLINED"], psubs)
    # service quotas
    sq = c("service-quotas")
    defaults = {q["QuotaCode"]: q["Value"] for q in sq.list_aws_default_service_quotas(ServiceCode="bedrock")["Quotas"]}
    applied = {q["QuotaCode"]: (q["Value"], q["QuotaArn"]) for q in sq.list_service_quotas(ServiceCode="bedrock")["Quotas"]}
    for code, want in u["service_quotas"]["us-east-1"].items():
        check(f"service-quotas {code} default {want['default']} applied {want['applied']}",
              defaults.get(code) == want["default"] and applied.get(code) == (want["applied"], want["arn"]),
              (defaults.get(code), applied.get(code)))
    check("service-quotas eu-west-1 at defaults", {q["QuotaCode"]: q["Value"] for q in c("service-quotas", "eu-west-1")
                                                   .list_service_quotas(ServiceCode="bedrock")["Quotas"]} == defaults)
    check("service-quotas ListServiceQuotas unknown service -> NoSuchResourceException",
          err_code(lambda: sq.list_service_quotas(ServiceCode="nope")) == "NoSuchResourceException")
    # guardduty
    for region, want in u["guardduty"].items():
        gd = c("guardduty", region)
        dets = gd.list_detectors()["DetectorIds"]
        feats = {f["Name"]: f["Status"] for f in gd.get_detector(DetectorId=want["detector"]).get("Features", [])}
        check(f"guardduty {region} detector AI_PROTECTION {want['ai_protection']}",
              dets == [want["detector"]] and feats.get("AI_PROTECTION") == want["ai_protection"], (dets, feats))
    # cloudwatch alarm over rpc-v2-cbor
    status, _, data = rpcv2_request(endpoint, "us-east-1", "DescribeAlarms",
                                    rust_cbor({"AlarmNames": ["bedrock-invocations-spike"]}))
    alarms = cbor_wire(data).get("MetricAlarms", []) if status == 200 else []
    check("cloudwatch DescribeAlarms rpc-v2-cbor bedrock-invocations-spike (AWS/Bedrock Invocations, actions on)",
          len(alarms) == 1 and alarms[0].get("Namespace") == "AWS/Bedrock" and alarms[0].get("MetricName") == "Invocations"
          and alarms[0].get("ActionsEnabled") is True and alarms[0].get("AlarmActions") == [u["alarms"]["topic"]],
          (status, alarms))
    # bedrock application profile tags
    br = c("bedrock")
    for name, want in u["application_inference_profiles"].items():
        got = {t["key"]: t["value"] for t in br.list_tags_for_resource(resourceARN=want["arn"])["tags"]}
        check(f"bedrock ListTagsForResource {name} {want['tags']}", got == want["tags"], got)
    # event history
    ct = c("cloudtrail")
    ev = {e["EventName"]: json.loads(e["CloudTrailEvent"]) for e in lookup_all(ct)}
    check("cloudtrail PutUseCaseForModelAccess by model-curator", ev.get("PutUseCaseForModelAccess", {}).get(
        "userIdentity", {}).get("sessionContext", {}).get("sessionIssuer", {}).get("arn") == u["events"]["model_access_principal"])
    mk = lookup_all(ct, LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "aws-marketplace.amazonaws.com"}])
    check("cloudtrail EventSource aws-marketplace Subscribe", [e["EventName"] for e in mk] == ["Subscribe"], mk)
    recon = lookup_all(ct, LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "ListFoundationModels"}])
    span = (max(e["EventTime"] for e in recon) - min(e["EventTime"] for e in recon)) if recon else None
    ident = json.loads(recon[0]["CloudTrailEvent"])["userIdentity"] if recon else {}
    check("cloudtrail 25 ListFoundationModels by dev-alice (IAMUser, AKIA) within 30 minutes",
          len(recon) == 25 and span <= timedelta(minutes=30) and ident.get("type") == "IAMUser"
          and ident.get("arn") == u["events"]["llmjacking_user"] and ident.get("accessKeyId", "").startswith("AKIA"),
          (len(recon), span, ident))
    page = ct.lookup_events(MaxResults=20)
    rest = ct.lookup_events(MaxResults=50, NextToken=page["NextToken"]) if "NextToken" in page else {"Events": []}
    check("cloudtrail LookupEvents pages (20, then the rest <= 50)", len(page["Events"]) == 20
          and len(page["Events"]) + len(rest["Events"]) == len(lookup_all(ct)) and "NextToken" not in rest)
    now = datetime.now(timezone.utc)
    win = lookup_all(ct, StartTime=now - timedelta(hours=3), EndTime=now - timedelta(minutes=100))
    check("cloudtrail LookupEvents StartTime/EndTime window", win and all(
        now - timedelta(hours=3) <= e["EventTime"] <= now - timedelta(minutes=100) for e in win), len(win))
    for region in u["events"]["recon_regions"]:
        got = lookup_all(c("cloudtrail", region), LookupAttributes=[
            {"AttributeKey": "EventName", "AttributeValue": "GetFoundationModelAvailability"}])
        check(f"cloudtrail GetFoundationModelAvailability {region}", len(got) == 1)
    ap = {e["EventName"]: json.loads(e["CloudTrailEvent"]) for e in lookup_all(c("cloudtrail", "ap-northeast-1"))}
    d = ap.get("DeleteModelInvocationLoggingConfiguration", {})
    check("cloudtrail DeleteModelInvocationLoggingConfiguration ap-northeast-1 by data-science",
          d.get("awsRegion") == "ap-northeast-1" and d.get("userIdentity", {}).get("sessionContext", {})
          .get("sessionIssuer", {}).get("arn") == u["events"]["defence_removed"]["principal"])
    pres = man["resources"][acct["payments-prod"]]["usage"]["residency"]
    pev = [json.loads(e["CloudTrailEvent"]) for e in lookup_all(c("cloudtrail", "eu-west-1", pay_creds))]
    outside = [e for e in pev if (e.get("additionalEventData") or {}).get("inferenceRegion") == pres["outside_region"]]
    check("cloudtrail payments-prod global profile served in us-east-2 (x2)", len(outside) == pres["outside_events"]
          and all(e["requestParameters"]["modelId"] == pres["global_profile"] for e in outside), outside)
    keys = [(o["check"], o["account"], o["region"], o["resource"]) for o in man["usage_outcomes"]]
    check("manifest usage_outcomes without duplicates, apart from intended_outcomes", len(keys) == len(set(keys))
          and not {o["check"] for o in man["intended_outcomes"]} & {k[0] for k in keys})


if __name__ == "__main__":
    sys.exit(main())
