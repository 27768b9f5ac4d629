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
    check("bedrock application inference profile", [a["inferenceProfileName"] for a in app] == ["chat-app-profile"])
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
    le = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "bedrock.amazonaws.com"}],
                          StartTime=start, EndTime=datetime.now(timezone.utc))["Events"]
    check("cloudtrail LookupEvents bedrock us-east-1", len(le) == res["cloudtrail_events"]["us-east-1"], len(le))
    check("cloudtrail LookupEvents CloudTrailEvent JSON", json.loads(le[0]["CloudTrailEvent"])["eventSource"] == "bedrock.amazonaws.com")
    pg = ct.lookup_events(MaxResults=2)
    check("cloudtrail LookupEvents pagination", len(pg["Events"]) == 2 and "NextToken" in pg)
    check("cloudtrail LookupEvents us-west-2 empty", c("cloudtrail", "us-west-2").lookup_events(
        LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "bedrock.amazonaws.com"}])["Events"] == [])
    check("cloudtrail LookupEvents ap-northeast-1", len(c("cloudtrail", "ap-northeast-1").lookup_events()["Events"]) == 2)
    check("cloudtrail LookupEvents member eu-west-1", len(c("cloudtrail", "eu-west-1", member).lookup_events()["Events"]) == 3)
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

    print(f"\n{len(FAILS)} failed" if FAILS else "\nall checks passed")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
