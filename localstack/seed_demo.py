#!/usr/bin/env python3
"""
Seed the local AWS emulator (moto + localstack/emulator/) with perimeter's DEMO
ORGANISATION. Test infrastructure: used by the e2e tests, the demo and the benchmark.

    localstack/.venv/bin/python localstack/seed_demo.py --endpoint http://127.0.0.1:PORT \
        [--out localstack/.run/demo.json] [--members N]

It resets the emulator (POST /moto-api/reset, /_shim/reset, /moto-api/seed?a=42 -- so
account, key, VPC and guardrail ids are the same on every run), builds everything below
with boto3, and writes a JSON manifest (--out) that tests assert against; the manifest's
"intended_outcomes" is a machine-readable subset of the scenarios below.

ORGANISATION (management account 123456789012, ALL features, SCPs enabled)
  Root [FullAWSAccess]
  ├─ Workloads [DenyOutsideApprovedRegions: Deny NotAction(iam,organizations,sts,support,
  │  │            cloudfront,route53,budgets) unless aws:RequestedRegion in us-east-1, eu-west-1]
  │  ├─ Prod [DenyBedrockBearerToken: Deny bedrock:CallWithBearerToken]
  │  │  ├─ ai-prod        (data-residency=us)
  │  │  └─ Payments [EUResidencyWithInferenceProfileExemption: AWS KB fix pattern]
  │  │     └─ payments-prod (data-residency=eu)
  │  └─ NonProd [DenyGlobalCrossRegionInference: Deny bedrock:InvokeModel* when
  │     │         aws:RequestedRegion = unspecified]
  │     └─ ai-dev
  ├─ Sandbox [aws-guardrails-AbCdEf (Control Tower style, Sid GRREGIONDENY): Region deny
  │  │        outside us-east-1, us-west-2]
  │  ├─ sandbox-1, sandbox-2
  ├─ Legacy  └─ legacy   (OrganizationAccountAccessRole DELETED -> AssumeRole AccessDenied)
  └─ Bench (only with --members N: bench-001..N, a couple of roles, a key and a VPC each)

SCENARIOS -> intended outcome (P = pass, F = fail) for the MANAGEMENT account
(Regions: us-east-1, eu-west-1, ap-northeast-1 Bedrock-active; us-west-2 in scope, unused)
  IAM  role chat-inference (workload=production-ai-chat, env=prod, tenant=acme): invoke on
         2 FM ARNs in us-east-1 + RequestedRegion + PrincipalTag/workload + SourceVpce +
         GuardrailIdentifier            -> IAM-001 P, IAM-002 P, IAM-008 P, NET-005 P, GRD-006 P
       role batch-summariser (tenant=globex, env=dev): InvokeModel on "*" + kms:Decrypt "*"
                                        -> IAM-001 F, IAM-002 F, IAM-008 F, NET-005 F,
                                           KMS-007 F (bedrock-prod), TEN-001 F (acme key)
       role data-science: AmazonBedrockFullAccess       -> IAM-003 F
       role platform-admin: AdministratorAccess         -> administrator, no IAM-003 finding
       user dev-alice: invoke foundation-model/* any Region, Bedrock API key (service-specific
         credential for bedrock.amazonaws.com)           -> IAM-004 F, IAM-005 F
       role cris-app: us.anthropic.claude-3-5-sonnet-20241022-v2:0 profile + FM only in
         us-east-1                                        -> CRI-003 F (on the profile)
       role eu-cris-app: eu.anthropic.claude-3-7-sonnet profile in eu-west-1 + FM in all 4 EU
         destinations with bedrock:InferenceProfileArn   -> CRI-003 P (on the profile: its
         models[] lists those 4 Regions, and the API's list decides over the table)
       role log-auditor-invoker: invoke + s3:GetObject on the us-east-1 invocation-log bucket
         + logs:GetLogEvents on /aws/bedrock/invocations -> LOG-008 F
       role orphan-invoker (no tags): invoke               -> TEN-003 F
       no SCP denies bedrock:CallWithBearerToken for the management account -> IAM-006 F
  KMS  us-east-1 bedrock-prod: rotation on, env=prod, tenant=acme, root + chat-inference
         -> KMS-001 P, KMS-002 P; shared-data: rotation off, used by the trail + bucket (prod)
         and /app/dev/chat log group (dev) -> KMS-001 F, KMS-003 P (perimeter reads only the
         log groups that Bedrock logging and trails write to, so the dev group's use of the
         key is outside what it sees: a known blind spot, not a verdict on the dev group);
       wide-open: kms:* to Principal "*" (Description is an HTML payload for escaping tests)
         -> KMS-002 F; eu-west-1 bedrock-prod-eu (acme) and tenant-globex (globex) -> P;
       alias/aws/s3 flipped to KeyManager=AWS (not a CMK; not subject to KMS-001)
  S3   us-east-1 invocation-log bucket: SSE-S3 (AES256), no public access block
         -> KMS-004 F, LOG-010 F; eu-west-1 invocation-log bucket: SSE-KMS + full BPA
         -> KMS-004 P, LOG-010 P; trail bucket with Object Lock -> LOG-006 P;
       trail bucket without Object Lock -> LOG-006 F (both trail buckets live in this
         Bedrock-active workload account, not a logging account, so LOG-006 fails on both)
  Logs us-east-1 /aws/bedrock/invocations: 30 days, no KMS -> KMS-004 F, LOG-007 F;
       eu-west-1 /aws/bedrock/invocations: KMS, 400 days -> KMS-004 P, LOG-007 P
  Bedrock invocation logging: us-east-1 CloudWatch+S3, text off -> LOG-002 F;
       eu-west-1 full -> LOG-001 P, LOG-002 P; ap-northeast-1 none (active) -> LOG-001 F;
       us-west-2 none (not active) -> no LOG-001 failure
  CloudTrail org-trail (an organization trail): multi-Region, validation on, KMS, Object-Lock bucket, logging,
         management-only advanced selectors -> LOG-003 P, LOG-004 P, LOG-005 P, LOG-006 F,
         LOG-009 F (no Bedrock data events); app-trail: single Region, validation off, no KMS,
         unlocked bucket -> LOG-004 F, LOG-005 F, LOG-006 F.
       LookupEvents (bedrock.amazonaws.com) in us-east-1, eu-west-1, ap-northeast-1
         (last 30 days); none in us-west-2 (-> not Bedrock-active)
  EC2  us-east-1 app-vpc: bedrock-runtime endpoint, private DNS on, scoped + Region-pinned
         policy, SG 443 from 10.0.0.0/16 -> NET-001 P, NET-002 P, NET-003 P, NET-004 P, NET-006 P;
       us-east-1 legacy-vpc (a workload network interface, no endpoint) -> NET-001 F;
       the default VPCs (empty: no network interface) -> NET-001 P (idle);
       eu-west-1 eu-app-vpc: private DNS off, default full-access policy, SG 0.0.0.0/0:443
         -> NET-002 F, NET-003 F, NET-004 F, NET-006 F
  Guardrails us-east-1 prod-guardrail: PROMPT_ATTACK HIGH, HATE/INSULTS/SEXUAL/VIOLENCE/MISCONDUCT
         HIGH/HIGH (BLOCK), PROFANITY managed word list, PII email/phone/account numbers,
         denied topic, grounding+relevance, CMK, version 1, enforced (account-level config on
         version 1) -> GRD-001..005 P, GRD-007 P, KMS-005 P;
       eu-west-1 eu-basic: PROMPT_ATTACK MEDIUM, nothing else, no CMK, DRAFT only, STANDARD
         tier (eu.guardrail.v1:0) -> GRD-002 F, GRD-003 F, GRD-004 F, GRD-005 F, GRD-007 F,
         KMS-005 F; ap-northeast-1 none -> GRD-001 F
       application inference profile chat-app-profile (us-east-1, copy of the us. profile)
  CRI  management account: only Root FullAWSAccess applies -> CRI-001 P

ESTATE (management account, us-east-1; seed_estate, built last so the ids above do not move;
manifest: resources[MGMT]["estate"]; its intentions join intended_outcomes)
  CMK = us-east-1 bedrock-prod; guardrail = prod-guardrail version 1. Roles tagged workload=estate, env=prod.
  IAM  support-agent-role: bedrock.amazonaws.com trust with aws:SourceAccount + aws:SourceArn agent/*,
         InvokeModel on one Haiku FM ARN           -> IAM-009 P, IAM-010 P, IAM-011 P
       ops-agent-role: trust without condition, bedrock:* / s3:Get+PutObject / iam:PassRole on "*",
         used by agent ops-agent AND KB faq-kb     -> IAM-009 F, IAM-010 F, IAM-011 F
       kb-role: SourceAccount + SourceArn knowledge-base/*, titan-embed-v2 + one aoss collection +
         s3:GetObject on estate-docs-123456789012/* -> IAM-009 P
       flow-role (flow/*), runtime-role, gateway-role, memory-role (bedrock-agentcore.amazonaws.com,
         SourceAccount + SourceArn arn:aws:bedrock-agentcore:us-east-1:123456789012:*): scoped
       agent-builder (iam:PassRole "*" + CreateAgentRuntime/UpdateAgentRuntime)   -> IAM-012 F
       token-broker (bedrock-agentcore:GetWorkloadAccessTokenForUserId "*")       -> IAM-013 F
       model-curator (aws-marketplace:Subscribe "*")                               -> IAM-014 F
  Agents support-agent: CMK, idle TTL 600, guardrail v1 on DRAFT and version 1, alias live -> 1
         -> GRD-008 P, AGT-001 P, KMS-006 P; ops-agent: no CMK, TTL 5400, no guardrail, alias
         prod -> 1 -> GRD-008 F, AGT-001 F, KMS-006 F (each also has the test alias TSTALIASID -> DRAFT)
  KBs  policies-kb (kb-role, OPENSEARCH_SERVERLESS, titan-embed-v2), data source policy-docs with
         ingestion kmsKeyArn = CMK -> KMS-009 P; faq-kb (ops-agent-role), faq-docs without -> KMS-009 F
  Flows triage-flow: CMK, Prompt node with guardrail, version 1, alias live -> KMS-008 P, GRD-009 P;
         summary-flow: no CMK, Prompt node without guardrail + KnowledgeBase node with a model and no
         guardrail, version 1, alias live -> KMS-008 F, GRD-009 F
  Prompts greeting-prompt (CMK) -> KMS-006 P; draft-prompt (none) -> KMS-006 F
  AgentCore runtime secure_runtime: VPC (app-vpc subnet + endpoint SG), resource policy invoke only
         for the account root -> AGT-002 P, AGT-006 P; public_runtime: PUBLIC, policy Principal "*"
         -> AGT-002 F, AGT-006 F
       gateway secure-gateway: CUSTOM_JWT, no exceptionLevel, CMK, policy engine ENFORCE, no resource
         policy -> AGT-003 P, AGT-004 P, AGT-005 P, KMS-012 P; open-gateway: NONE, DEBUG, no key,
         LOG_ONLY, policy Principal "*" InvokeGateway -> AGT-003 F, AGT-004 F, AGT-005 F, KMS-012 F,
         AGT-006 F
       memory chat_memory (memory-role, CMK) -> KMS-012 P; scratch_memory (no key) -> KMS-012 F
  Guardrails prod-guardrail -> GRD-010 P, GRD-011 P; eu-basic (PROMPT_ATTACK only) -> GRD-010 F;
       enforced config us-east-1 (includedModels ALL, excludedModels []) -> GRD-013 P;
       prod-guardrail has automatedReasoningPolicyConfig (automated-reasoning-policy/estatepolicy:1,
       given at creation: no id moves) -> GRD-012 P (management us-east-1, when configured);
       ai-dev's dev-guardrail has none -> GRD-012 F (ai-dev us-east-1)
  (seed_estate_stores, after seed_estate; manifest: estate bedrock_policies, batch_jobs, collections,
   vector_buckets, delivery_failures, knowledge_bases[*].collection/bucket)
  Org  BEDROCK_POLICY enabled at the root; bedrock-guardrail-workloads (guardrail_inference.us-east-1
         .config_1.identifier @@assign prod-guardrail ARN:1, input_tags ignore) attached to Workloads;
         bedrock-guardrail-sandbox (us-west-2, guardrail/missing0001:1, which does not exist) attached
         to Sandbox -> GRD-014 P (management); the effective policy (DescribeEffectivePolicy: root,
         OUs and account documents deep-merged) -> GRD-015 P for ai-prod (prod-guardrail: the
         management account's, in its Region, version 1, resource policy lets aws:PrincipalOrgID =
         the org call bedrock:ApplyGuardrail), GRD-015 F for sandbox-1 (the guardrail is gone)
  Batch model invocation jobs nightly-summaries (output s3://estate-batch-out-123456789012/out/,
         no s3EncryptionKeyId, bucket SSE-S3) -> KMS-011 F; keyed-summaries (same bucket,
         s3EncryptionKeyId = CMK) -> KMS-011 P; role batch-role (bedrock trust, SourceAccount +
         SourceArn model-invocation-job/*); estate-batch-out is SSE-S3 -> KMS-013 F
  Stores policies-kb -> aoss collection estatecoll1 (encryption policy KmsARN = CMK) -> KMS-010 P;
         faq-kb -> faqcoll1 (AWSOwnedKey; kmsKeyArn "auto") -> KMS-010 F (both KBs created on a
         placeholder collectionArn, then UpdateKnowledgeBase to moto's collection ARN);
         vectors-kb (kb-role, S3_VECTORS) on vector bucket estate-vectors (sseType AES256, index
         vectors-index) -> KMS-010 F; data-source buckets estate-docs-123456789012 (policy-docs,
         SSE-KMS CMK) -> KMS-013 P, estate-faq-123456789012 (faq-docs, SSE-S3) -> KMS-013 F
  CloudWatch AWS/Bedrock ModelInvocationLogsCloudWatchDeliveryFailure (no dimension): us-east-1 3
         an hour ago -> LOG-011 F; eu-west-1 0 -> LOG-011 P

COST, ABUSE AND RESIDENCY (seed_usage, last of all so no id above moves; manifest:
resources[<account>]["usage"]; intentions in intended_outcomes, from usage_outcomes())
  USE  budgets: management bedrock-monthly (COST, 1000 USD, CostFilters Service=[Amazon Bedrock] and
         LinkedAccount=[management], ACTUAL > 80 % notification, EMAIL subscriber) -> USE-001 P
         (management); ai-prod's own ai-prod-all (COST, no notification), and the management budget
         filtered to the management account only -> USE-001 F (ai-prod)
       Cost Anomaly Detection (read in the payer only: Cost Explorer is billed per request):
         management monitor production-accounts (CUSTOM, LINKED_ACCOUNT = payments-prod, ai-prod) +
         subscription bedrock-anomalies with a CONFIRMED EMAIL subscriber -> USE-002 P (payments-prod,
         ai-prod), USE-002 F (management: its own spend is not watched); payments-prod's own CUSTOM
         monitor payments-ai (Tags workload=production-ai-payments, SNS subscriber DECLINED) is never
         read; other members: unknown (not asserted)
       CloudWatch us-east-1 alarm bedrock-invocations-spike (AWS/Bedrock Invocations Sum > 1000,
         ActionsEnabled, AlarmActions SNS bedrock-alerts) -> USE-003 P (management); eu-west-1 and
         ap-northeast-1 have none
       application inference profiles (us-east-1): chat-app-profile tagged workload=chat (and
         tenant=acme) -> USE-004 P; untagged-profile (copy of the us. Claude 3.5 Sonnet profile, no
         tags) -> USE-004 F
       cost allocation tags (payer = management): workload Active (in use on chat-app-profile) ->
         USE-005 P on <org ARN>/costallocationtag/workload; tenant Inactive (in use on principals)
         -> USE-005 F on <org ARN>/costallocationtag/tenant
       service quotas us-east-1 (bedrock): L-A50569E5 tokens/min applied 2,000,000 over a 400,000
         default -> USE-006 F (info) on arn:aws:servicequotas:us-east-1:123456789012:bedrock/L-A50569E5;
         L-254CACF4 requests/min at default (no finding of its own); eu-west-1, every quota at
         default -> USE-006 P for the Region (codes from the emulator's catalogue)
  THR  (LookupEvents; CloudTrailEvent carries userIdentity, eventSource, eventName, awsRegion,
         requestParameters.modelId, additionalEventData.inferenceRegion, eventID, eventTime)
       us-east-1 PutUseCaseForModelAccess (bedrock) and Subscribe (aws-marketplace.amazonaws.com) by
         role model-curator (not an administrator) -> THR-001 F on arn:aws:iam::123456789012:role/model-curator
       LLMjacking (Stratus Red Team shape), IAM user dev-alice with its AKIA key (userIdentity IAMUser):
         25 ListFoundationModels within 25 minutes (us-east-1), GetFoundationModelAvailability in
         us-east-1, eu-west-1 and ap-northeast-1, then InvokeModel x4 in us-east-1 and x2 in
         ap-northeast-1 -> THR-002 F (medium), THR-004 F on arn:aws:iam::123456789012:user/dev-alice
       ap-northeast-1 DeleteModelInvocationLoggingConfiguration by role data-science (not an
         administrator) -> THR-003 F (management, ap-northeast-1)
       THR-005: ap-northeast-1, NOT us-west-2 -- its only Bedrock evidence is event history (no
         logging, guardrail, application profile, agent, KB or endpoint there) -> THR-005 F
         (management, ap-northeast-1). us-west-2 stays unused: seeding Bedrock events there would
         make it Bedrock-active and break "us-west-2 none (not active) -> no LOG-001 failure" and
         the GRD-001 expectation (tests/it/e2e.rs)
       GuardDuty: us-east-1 detector with Features AI_PROTECTION ENABLED -> THR-006 P; eu-west-1
         detector with S3_DATA_EVENTS only -> THR-006 F (ap-northeast-1: no detector, not asserted)
  RES  payments-prod (residency eu), eu-west-1 events by payments-chat: InvokeModel/Converse on the eu.
         Claude 3.7 Sonnet profile ARN served in eu-central-1 (plus the earlier eu-west-3 ones), and
         two on the global. Claude Sonnet 4.5 profile ARN served in us-east-2 -> RES-001 F
         (payments-prod, eu-west-1), RES-002 F on
         arn:aws:bedrock:eu-west-1:<payments-prod>:inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0
       ai-prod (residency us), us-east-1 events on the us. profile served in us-west-2 only
         -> RES-001 P (ai-prod, us-east-1)

MEMBER ACCOUNTS (reached with OrganizationAccountAccessRole) -- lighter, findings differ:
  every member         no trail of its own, but the management account's org-trail (an
                        organization trail) logs it -> LOG-003 P; LOG-009 F (the org trail
                        records no Bedrock data events)
  payments-prod (eu)   eu-west-1 payments-chat role: eu. profile + global. profile granted
                        -> CRI-004 P (the global profile would leave the EU, but the Workloads
                        SCP denies aws:RequestedRegion = "unspecified", so it cannot run),
                        CRI-001 F (Workloads SCP
                        denies eu-central-1/eu-west-3/eu-north-1 destinations despite the KB
                        fix at Payments); STANDARD-tier guardrail -> CRI-005 F; logging on,
                        CMK-encrypted log group; key with rotation on
  ai-prod (us)         us-east-1 ai-prod-invoker on "*" -> IAM-001 F; CRI-004 F (it can invoke
                        the eu. profiles from eu-west-1, which the SCP allows); us. profiles blocked in
                        us-east-2/us-west-2 by Workloads SCP -> CRI-001 F; IAM-006 P (Prod SCP
                        denies CallWithBearerToken); no guardrail/logging -> GRD-001 F, LOG-001 F;
                        key rotation off -> KMS-001 F
  ai-dev               us-east-1 dev-invoker scoped + Region-pinned; logging on (text on);
                        DRAFT guardrail enforced at DRAFT -> GRD-007 F; its HATE filter detects
                        only on input (inputAction NONE) -> GRD-011 F; the enforced config
                        excludes anthropic.claude-3-haiku -> GRD-013 F; CRI-002 F (NonProd SCP
                        blocks global profiles); CRI-001 F (Workloads SCP)
  sandbox-1            sandbox-experimenter with AmazonBedrockFullAccess -> IAM-003 F;
                        Control Tower GRREGIONDENY blocks us-east-2 -> CRI-001 F (CT remediation)
  sandbox-2            sandbox-invoker on arn:aws:bedrock:*::foundation-model/* (no active
                        Region); key policy Principal "*" -> KMS-002 F
  legacy               unreachable: AssumeRole -> AccessDenied -> a collection gap
"""
import argparse
import json
import os
import sys
import time
import urllib.request

import boto3
from botocore.config import Config

MGMT = "123456789012"
ACCESS_ROLE = "OrganizationAccountAccessRole"
ACTIVE = ["us-east-1", "eu-west-1", "ap-northeast-1"]
UNUSED = ["us-west-2"]
CFG = Config(retries={"max_attempts": 2}, s3={"addressing_style": "path"})

ENDPOINT = None
MANIFEST = {}


def post(path):
    req = urllib.request.Request(ENDPOINT + path, data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read() or b"{}")


def shim(path, body):
    req = urllib.request.Request(ENDPOINT + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


class Account:
    """boto3 clients for one account (management: static keys; member: assumed role)."""

    def __init__(self, account_id, creds=None):
        self.id = account_id
        self.creds = creds or {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        self._c = {}

    def c(self, service, region="us-east-1"):
        key = (service, region)
        if key not in self._c:
            self._c[key] = boto3.client(service, region_name=region, endpoint_url=ENDPOINT,
                                        config=CFG, **self.creds)
        return self._c[key]

    @classmethod
    def assume(cls, mgmt, account_id):
        cr = mgmt.c("sts").assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/{ACCESS_ROLE}",
                                       RoleSessionName="perimeter-seed")["Credentials"]
        return cls(account_id, {"aws_access_key_id": cr["AccessKeyId"],
                                "aws_secret_access_key": cr["SecretAccessKey"],
                                "aws_session_token": cr["SessionToken"]})


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def fm(region, model):
    return f"arn:aws:bedrock:{region}::foundation-model/{model}"


def tags_kv(d, k="Key", v="Value"):
    return [{k: a, v: b} for a, b in d.items()]


TRUST_EC2 = doc({"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com",
                                                              "ecs-tasks.amazonaws.com"]},
                 "Action": "sts:AssumeRole"})
INVOKE = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
SONNET35 = "anthropic.claude-3-5-sonnet-20241022-v2:0"
SONNET37 = "anthropic.claude-3-7-sonnet-20250219-v1:0"
SONNET45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"
HAIKU3 = "anthropic.claude-3-haiku-20240307-v1:0"
NOVA_PRO = "amazon.nova-pro-v1:0"
AR_POLICY = "arn:aws:bedrock:us-east-1:{a}:automated-reasoning-policy/estatepolicy:1"


# ------------------------------------------------------------------------ helpers
def role(acct, name, tags=None, inline=None, managed=(), trust=TRUST_EC2):
    iam = acct.c("iam")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust,
                          Tags=tags_kv(tags or {}))["Role"]["Arn"]
    for pname, pdoc in (inline or {}).items():
        iam.put_role_policy(RoleName=name, PolicyName=pname, PolicyDocument=pdoc)
    for m in managed:
        iam.attach_role_policy(RoleName=name, PolicyArn=f"arn:aws:iam::aws:policy/{m}")
    res(acct, "iam_roles")[name] = arn
    return arn


def key(acct, region, alias, tags, rotation, policy=None, description=""):
    kms = acct.c("kms", region)
    kwargs = {"Description": description or alias, "Tags": tags_kv(tags, "TagKey", "TagValue")}
    if policy:
        kwargs["Policy"] = policy
    meta = kms.create_key(**kwargs)["KeyMetadata"]
    kms.create_alias(AliasName=f"alias/{alias}", TargetKeyId=meta["KeyId"])
    if rotation:
        kms.enable_key_rotation(KeyId=meta["KeyId"])
    res(acct, "kms_keys").setdefault(region, {})[alias] = {"id": meta["KeyId"], "arn": meta["Arn"],
                                                           "rotation": rotation}
    return meta["Arn"]


def root_key_policy(account, extra=()):
    return doc({"Sid": "EnableIAMUserPermissions", "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"},
               *extra)


def res(acct, kind):
    return MANIFEST["resources"].setdefault(acct.id, {}).setdefault(kind, {})


def bucket(acct, region, name, tags, encryption=None, pab=True, lock=False):
    s3 = acct.c("s3", region)
    kw = {"Bucket": name}
    if region != "us-east-1":
        kw["CreateBucketConfiguration"] = {"LocationConstraint": region}
    if lock:
        kw["ObjectLockEnabledForBucket"] = True
    s3.create_bucket(**kw)
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tags_kv(tags)})
    if encryption == "AES256":
        rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    elif encryption:
        rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": encryption},
                "BucketKeyEnabled": True}
    if encryption:
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [rule]})
    if pab:
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True})
    if lock:
        s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 365}}})
    res(acct, "s3_buckets")[name] = {"region": region, "arn": f"arn:aws:s3:::{name}"}
    return name


def log_group(acct, region, name, retention, kms_arn=None, tags=None):
    logs = acct.c("logs", region)
    kw = {"logGroupName": name, "tags": tags or {}}
    if kms_arn:
        kw["kmsKeyId"] = kms_arn
    logs.create_log_group(**kw)
    if retention:
        logs.put_retention_policy(logGroupName=name, retentionInDays=retention)
    arn = f"arn:aws:logs:{region}:{acct.id}:log-group:{name}"
    res(acct, "log_groups").setdefault(region, {})[name] = arn
    return arn


def logging_role(acct):
    return role(acct, "bedrock-invocation-logging", {"environment": "prod"},
                inline={"write-logs": doc({"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                                           "Resource": "*"})},
                trust=doc({"Effect": "Allow", "Principal": {"Service": "bedrock.amazonaws.com"},
                           "Action": "sts:AssumeRole"}))


def invocation_logging(acct, region, group, bucket_name, role_arn, text=True):
    acct.c("bedrock", region).put_model_invocation_logging_configuration(loggingConfig={
        "cloudWatchConfig": {"logGroupName": group, "roleArn": role_arn},
        "s3Config": {"bucketName": bucket_name, "keyPrefix": "invocations/"},
        "textDataDeliveryEnabled": text, "imageDataDeliveryEnabled": False,
        "embeddingDataDeliveryEnabled": False})
    res(acct, "invocation_logging")[region] = {"log_group": group, "bucket": bucket_name, "text": text}


def guardrail(acct, region, name, publish=False, **config):
    br = acct.c("bedrock", region)
    g = br.create_guardrail(name=name, blockedInputMessaging="Sorry, I cannot help with that.",
                            blockedOutputsMessaging="Sorry, I cannot answer that.", **config)
    versions = ["DRAFT"]
    if publish:
        versions.append(br.create_guardrail_version(guardrailIdentifier=g["guardrailId"],
                                                    description="published")["version"])
    res(acct, "guardrails").setdefault(region, {})[name] = {"id": g["guardrailId"], "arn": g["guardrailArn"],
                                                            "versions": versions}
    return g["guardrailId"], g["guardrailArn"]


def events(acct, region, specs):
    shim("/_shim/cloudtrail/events", {"accountId": acct.id, "region": region, "events": specs})
    res(acct, "cloudtrail_events")[region] = res(acct, "cloudtrail_events").get(region, 0) + len(
        [s for s in specs if s.get("eventSource", "bedrock.amazonaws.com") == "bedrock.amazonaws.com"])


def bedrock_events(user, model, n, start_day=1, name="InvokeModel", infer_region=None):
    out = []
    for i in range(n):
        ev = {"eventName": name if i % 2 == 0 else "Converse", "daysAgo": start_day + i * 2, "username": user,
              "requestParameters": {"modelId": model}}
        if infer_region:
            ev["additionalEventData"] = {"inferenceRegion": infer_region}
        out.append(ev)
    return out


def vpc(acct, region, name, cidr, endpoint=None, workload=False):
    ec2 = acct.c("ec2", region)
    v = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}])["Vpc"]["VpcId"]
    entry = {"id": v, "region": region, "cidr": cidr}
    if workload:  # a network interface: something in the VPC could call Bedrock
        sub = ec2.create_subnet(VpcId=v, CidrBlock=cidr.replace("0.0/16", "2.0/24"))["Subnet"]["SubnetId"]
        entry["workload_eni"] = ec2.create_network_interface(SubnetId=sub, Description=f"{name} workload")["NetworkInterface"]["NetworkInterfaceId"]
    if endpoint:
        sub = ec2.create_subnet(VpcId=v, CidrBlock=cidr.replace("0.0/16", "1.0/24"))["Subnet"]["SubnetId"]
        sg = ec2.create_security_group(GroupName=f"{name}-bedrock-endpoint", Description="Bedrock endpoint", VpcId=v)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": endpoint["sg_cidr"]}]}])
        ep = ec2.create_vpc_endpoint(VpcId=v, VpcEndpointType="Interface",
                                     ServiceName=f"com.amazonaws.{region}.bedrock-runtime",
                                     SubnetIds=[sub], SecurityGroupIds=[sg], PrivateDnsEnabled=endpoint["private_dns"],
                                     PolicyDocument=endpoint["policy"])["VpcEndpoint"]["VpcEndpointId"]
        entry.update(endpoint_id=ep, security_group_id=sg, private_dns=endpoint["private_dns"])
    res(acct, "vpcs")[name] = entry
    return entry


# ------------------------------------------------------------------------ organisation
def build_org(mgmt, n_bench):
    org = mgmt.c("organizations")
    o = org.create_organization(FeatureSet="ALL")["Organization"]
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    ous, ou_paths = {}, {}

    def ou(name, parent_name=None):
        parent = ous[parent_name] if parent_name else root
        oid = org.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]
        ous[name] = oid
        ou_paths[name] = (ou_paths[parent_name] if parent_name else "Root") + "/" + name
        MANIFEST["ous"].append({"id": oid, "name": name, "parent_id": parent, "path": ou_paths[name]})

    for name, parent in [("Workloads", None), ("Prod", "Workloads"), ("Payments", "Prod"), ("NonProd", "Workloads"),
                         ("Sandbox", None), ("Legacy", None)] + ([("Bench", None)] if n_bench else []):
        ou(name, parent)

    accounts = {}

    def account(name, ou_name, tags):
        st = org.create_account(Email=f"{name}@example.com", AccountName=name,
                                Tags=tags_kv(tags))["CreateAccountStatus"]
        aid = st["AccountId"]
        org.move_account(AccountId=aid, SourceParentId=root, DestinationParentId=ous[ou_name])
        accounts[name] = aid
        MANIFEST["accounts"].append({"id": aid, "name": name, "email": f"{name}@example.com",
                                     "ou_id": ous[ou_name], "ou_path": ou_paths[ou_name], "tags": tags,
                                     "management": False, "reachable": name != "legacy",
                                     "access_role_arn": f"arn:aws:iam::{aid}:role/{ACCESS_ROLE}"})
        return aid

    account("payments-prod", "Payments", {"data-residency": "eu", "environment": "prod"})
    account("ai-prod", "Prod", {"data-residency": "us", "environment": "prod"})
    account("ai-dev", "NonProd", {"environment": "dev"})
    account("sandbox-1", "Sandbox", {"environment": "sandbox"})
    account("sandbox-2", "Sandbox", {"environment": "sandbox"})
    account("legacy", "Legacy", {"environment": "legacy"})
    for i in range(1, n_bench + 1):
        account(f"bench-{i:03d}", "Bench", {"environment": "bench", "data-residency": "us" if i % 2 else "eu"})
    MANIFEST["accounts"].insert(0, {"id": MGMT, "name": "management", "email": o["MasterAccountEmail"],
                                    "ou_id": root, "ou_path": "Root", "tags": {}, "management": True,
                                    "reachable": True, "access_role_arn": None})
    MANIFEST["organization"] = {"id": o["Id"], "arn": o["Arn"], "root_id": root,
                                "management_account_id": o["MasterAccountId"], "feature_set": "ALL"}

    # ---- SCPs
    def scp(name, desc, targets, *statements):
        pid = org.create_policy(Name=name, Description=desc, Type="SERVICE_CONTROL_POLICY",
                                Content=doc(*statements))["Policy"]["PolicySummary"]["Id"]
        tlist = []
        for t in targets:
            tid = ous.get(t) or accounts.get(t)
            org.attach_policy(PolicyId=pid, TargetId=tid)
            tlist.append({"id": tid, "name": t, "type": "ORGANIZATIONAL_UNIT" if t in ous else "ACCOUNT"})
        MANIFEST["scps"].append({"id": pid, "name": name, "targets": tlist,
                                 "sids": [s.get("Sid") for s in statements]})

    MANIFEST["scps"].append({"id": "p-FullAWSAccess", "name": "FullAWSAccess", "aws_managed": True,
                             "targets": [{"id": root, "name": "Root", "type": "ROOT"}], "sids": []})
    scp("DenyOutsideApprovedRegions", "Region deny: only us-east-1 and eu-west-1", ["Workloads"],
        {"Sid": "DenyOutsideApprovedRegions", "Effect": "Deny",
         "NotAction": ["iam:*", "organizations:*", "sts:*", "support:*", "cloudfront:*", "route53:*", "budgets:*"],
         "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}})
    scp("aws-guardrails-AbCdEf", "AWS Control Tower Region deny (GRREGIONDENY)", ["Sandbox"],
        {"Sid": "GRREGIONDENY", "Effect": "Deny",
         "NotAction": ["a4b:*", "acm:*", "aws-marketplace-management:*", "aws-marketplace:*", "aws-portal:*",
                       "budgets:*", "ce:*", "chime:*", "cloudfront:*", "config:*", "cur:*", "directconnect:*",
                       "ec2:DescribeRegions", "ec2:DescribeTransitGateways", "ec2:DescribeVpnGateways", "fms:*",
                       "globalaccelerator:*", "health:*", "iam:*", "importexport:*", "kms:*", "mobileanalytics:*",
                       "networkmanager:*", "organizations:*", "pricing:*", "route53:*", "route53domains:*",
                       "s3:GetAccountPublic*", "s3:ListAllMyBuckets", "s3:PutAccountPublic*", "shield:*",
                       "sts:*", "support:*", "trustedadvisor:*", "waf-regional:*", "waf:*", "wafv2:*",
                       "wellarchitected:*"],
         "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]},
                       "ArnNotLike": {"aws:PrincipalARN": ["arn:aws:iam::*:role/AWSControlTowerExecution"]}}})
    scp("DenyBedrockBearerToken", "No Bedrock API keys in production", ["Prod"],
        {"Sid": "DenyBedrockApiKeys", "Effect": "Deny", "Action": "bedrock:CallWithBearerToken", "Resource": "*"})
    scp("DenyGlobalCrossRegionInference", "No global inference profiles outside production", ["NonProd"],
        {"Sid": "DenyGlobalCRIS", "Effect": "Deny", "Action": "bedrock:InvokeModel*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:RequestedRegion": "unspecified"}}})
    scp("EUResidencyWithInferenceProfileExemption", "EU-only, inference through profiles exempt (AWS KB pattern)",
        ["Payments"],
        {"Sid": "DenyNonEURegions", "Effect": "Deny",
         "NotAction": ["bedrock:*", "iam:*", "organizations:*", "sts:*", "support:*", "cloudfront:*", "route53:*"],
         "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}},
        {"Sid": "DenyBedrockOutsideEUExceptViaProfiles", "Effect": "Deny", "Action": "bedrock:InvokeModel*",
         "Resource": "arn:aws:bedrock:*::foundation-model/*",
         "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]},
                       "ArnNotLike": {"bedrock:InferenceProfileArn": [
                           "arn:aws:bedrock:*:*:inference-profile/*",
                           "arn:aws:bedrock:*:*:application-inference-profile/*"]}}})
    return accounts


# ------------------------------------------------------------------------ management account
def seed_management(m):
    a = m.id
    # KMS
    logging_role_arn = logging_role(m)
    chat_role_arn = f"arn:aws:iam::{a}:role/chat-inference"
    # key policies may name a role only once it exists: the role is created first, below
    role(m, "chat-inference", {"workload": "production-ai-chat", "environment": "prod", "tenant": "acme"})
    kp = key(m, "us-east-1", "bedrock-prod", {"environment": "prod", "tenant": "acme"}, True,
             root_key_policy(a, [{"Sid": "AllowChatInferenceDecrypt", "Effect": "Allow",
                                  "Principal": {"AWS": chat_role_arn},
                                  "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*"}]))
    ks = key(m, "us-east-1", "shared-data", {"environment": "prod"}, False, root_key_policy(a))
    key(m, "us-east-1", "wide-open", {"environment": "dev"}, True,
        doc({"Sid": "OpenToEveryone", "Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}),
        description="<img src=x onerror=alert(1)>")
    kp_eu = key(m, "eu-west-1", "bedrock-prod-eu", {"environment": "prod", "tenant": "acme"}, True, root_key_policy(a))
    key(m, "eu-west-1", "tenant-globex", {"environment": "prod", "tenant": "globex"}, True, root_key_policy(a))
    for region in ("us-east-1", "eu-west-1"):
        shim("/_shim/kms/set-key-manager", {"accountId": a, "region": region, "keyId": "alias/aws/s3",
                                            "keyManager": "AWS"})

    # S3
    inv_us = bucket(m, "us-east-1", f"bedrock-invocation-logs-{a}-us-east-1", {"environment": "prod"}, "AES256", pab=False)
    inv_eu = bucket(m, "eu-west-1", f"bedrock-invocation-logs-{a}-eu-west-1", {"environment": "prod"}, kp_eu)
    trail_locked = bucket(m, "us-east-1", f"org-cloudtrail-{a}", {"environment": "prod"}, ks, lock=True)
    trail_open = bucket(m, "us-east-1", f"app-cloudtrail-{a}", {"environment": "prod"}, "AES256", pab=True)
    for b in (trail_locked, trail_open):
        m.c("s3").put_bucket_policy(Bucket=b, Policy=doc(
            {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{b}/AWSLogs/{a}/*"}))

    # Logs
    lg_us = log_group(m, "us-east-1", "/aws/bedrock/invocations", 30, tags={"environment": "prod"})
    log_group(m, "eu-west-1", "/aws/bedrock/invocations", 400, kp_eu, tags={"environment": "prod"})
    log_group(m, "us-east-1", "/app/dev/chat", 14, ks, tags={"environment": "dev"})

    # Bedrock invocation logging (ap-northeast-1 intentionally not configured)
    invocation_logging(m, "us-east-1", "/aws/bedrock/invocations", inv_us, logging_role_arn, text=False)
    invocation_logging(m, "eu-west-1", "/aws/bedrock/invocations", inv_eu, logging_role_arn, text=True)

    # CloudTrail
    ct = m.c("cloudtrail")
    t1 = ct.create_trail(Name="org-trail", S3BucketName=trail_locked, IsMultiRegionTrail=True,
                         EnableLogFileValidation=True, KmsKeyId=ks, IncludeGlobalServiceEvents=True,
                         IsOrganizationTrail=True)["TrailARN"]
    ct.start_logging(Name="org-trail")
    ct.put_event_selectors(TrailName="org-trail", AdvancedEventSelectors=[
        {"Name": "Management events only", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}])
    t2 = ct.create_trail(Name="app-trail", S3BucketName=trail_open, IsMultiRegionTrail=False,
                         EnableLogFileValidation=False)["TrailARN"]
    ct.start_logging(Name="app-trail")
    MANIFEST["resources"][a]["trails"] = {"org-trail": t1, "app-trail": t2}
    events(m, "us-east-1", bedrock_events("chat-inference", f"us.{SONNET35}", 5)
           + [{"eventName": "ListRoles", "eventSource": "iam.amazonaws.com", "daysAgo": 2, "username": "platform-admin",
               "readOnly": True}])
    events(m, "eu-west-1", bedrock_events("eu-cris-app", f"eu.{SONNET37}", 3, start_day=3, infer_region="eu-central-1"))
    events(m, "ap-northeast-1", bedrock_events("batch-summariser", f"apac.{SONNET35}", 2, start_day=5,
                                               infer_region="ap-northeast-3"))

    # EC2
    scoped_ep_policy = doc({"Sid": "ChatInferenceOnly", "Effect": "Allow", "Principal": {"AWS": chat_role_arn},
                            "Action": INVOKE,
                            "Resource": [fm("us-east-1", SONNET35), fm("us-east-1", HAIKU3)],
                            "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}})
    app = vpc(m, "us-east-1", "app-vpc", "10.0.0.0/16",
              {"private_dns": True, "policy": scoped_ep_policy, "sg_cidr": "10.0.0.0/16"})
    vpc(m, "us-east-1", "legacy-vpc", "10.1.0.0/16", workload=True)
    vpc(m, "eu-west-1", "eu-app-vpc", "10.2.0.0/16",
        {"private_dns": False, "sg_cidr": "0.0.0.0/0",
         "policy": json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]})})

    # Guardrails
    gid, garn = guardrail(
        m, "us-east-1", "prod-guardrail", publish=True, kmsKeyId=kp,
        description="Production chat guardrail", tags=[{"key": "tenant", "value": "acme"},
                                                      {"key": "environment", "value": "prod"}],
        contentPolicyConfig={"filtersConfig": [
            {"type": "PROMPT_ATTACK", "inputStrength": "HIGH", "outputStrength": "NONE"},
            {"type": "HATE", "inputStrength": "HIGH", "outputStrength": "HIGH"},
            {"type": "VIOLENCE", "inputStrength": "HIGH", "outputStrength": "HIGH"},
            {"type": "SEXUAL", "inputStrength": "HIGH", "outputStrength": "HIGH"},
            {"type": "INSULTS", "inputStrength": "HIGH", "outputStrength": "HIGH"},
            {"type": "MISCONDUCT", "inputStrength": "HIGH", "outputStrength": "HIGH"}]},
        sensitiveInformationPolicyConfig={
            "piiEntitiesConfig": [{"type": "EMAIL", "action": "ANONYMIZE"}, {"type": "PHONE", "action": "ANONYMIZE"},
                                  {"type": "US_BANK_ACCOUNT_NUMBER", "action": "BLOCK"},
                                  {"type": "INTERNATIONAL_BANK_ACCOUNT_NUMBER", "action": "BLOCK"},
                                  {"type": "CREDIT_DEBIT_CARD_NUMBER", "action": "BLOCK"}],
            "regexesConfig": [{"name": "nigeria-bvn", "description": "Bank Verification Number",
                               "pattern": "\\b2\\d{10}\\b", "action": "ANONYMIZE"}]},
        topicPolicyConfig={"topicsConfig": [{"name": "investment-advice", "type": "DENY",
                                             "definition": "Recommendations about specific investments or securities.",
                                             "examples": ["Which stocks should I buy?"]}]},
        wordPolicyConfig={"managedWordListsConfig": [{"type": "PROFANITY"}]},
        contextualGroundingPolicyConfig={"filtersConfig": [{"type": "GROUNDING", "threshold": 0.8},
                                                           {"type": "RELEVANCE", "threshold": 0.7}]},
        # GRD-012 (estate): given at creation, which moves no id (no random draw)
        automatedReasoningPolicyConfig={"policies": [AR_POLICY.format(a=a)], "confidenceThreshold": 0.9})
    guardrail(m, "eu-west-1", "eu-basic",
              contentPolicyConfig={"filtersConfig": [{"type": "PROMPT_ATTACK", "inputStrength": "MEDIUM",
                                                      "outputStrength": "NONE"}],
                                   "tierConfig": {"tierName": "STANDARD"}},
              crossRegionConfig={"guardrailProfileIdentifier": "eu.guardrail.v1:0"})
    br = m.c("bedrock")
    cfg = br.put_enforced_guardrail_configuration(guardrailInferenceConfig={
        "guardrailIdentifier": garn, "guardrailVersion": "1",
        "modelEnforcement": {"includedModels": ["ALL"], "excludedModels": []}})
    res(m, "enforced_guardrails")["us-east-1"] = {"config_id": cfg["configId"], "guardrail": garn, "version": "1"}
    prof = br.create_inference_profile(
        inferenceProfileName="chat-app-profile", description="acme chat, cost allocation",
        modelSource={"copyFrom": f"arn:aws:bedrock:us-east-1:{a}:inference-profile/us.{SONNET35}"},
        tags=[{"key": "tenant", "value": "acme"}])["inferenceProfileArn"]
    res(m, "application_inference_profiles")["us-east-1"] = {"chat-app-profile": prof}

    # IAM (chat-inference created above, its policy names the endpoint and the guardrail)
    iam = m.c("iam")
    iam.put_role_policy(RoleName="chat-inference", PolicyName="invoke-approved-models", PolicyDocument=doc(
        {"Sid": "InvokeApprovedModels", "Effect": "Allow", "Action": INVOKE,
         "Resource": [fm("us-east-1", SONNET35), fm("us-east-1", HAIKU3)],
         "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1", "aws:SourceVpce": app["endpoint_id"],
                                        "bedrock:GuardrailIdentifier": f"{garn}:1"},
                       "StringLike": {"aws:PrincipalTag/workload": "production-ai-*"}}},
        {"Sid": "DecryptWithProdKey", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
         "Resource": kp}))
    res(m, "iam_roles")["chat-inference"] = chat_role_arn
    role(m, "batch-summariser", {"tenant": "globex", "environment": "dev"}, inline={"bedrock-batch": doc(
        {"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"},
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"})})
    role(m, "data-science", {"tenant": "acme", "environment": "dev"}, managed=["AmazonBedrockFullAccess"])
    role(m, "platform-admin", {"environment": "prod"}, managed=["AdministratorAccess"])
    role(m, "cris-app", {"workload": "production-ai-cris", "environment": "prod", "tenant": "acme"},
         inline={"cris-incomplete": doc(
             {"Sid": "Profile", "Effect": "Allow", "Action": INVOKE,
              "Resource": f"arn:aws:bedrock:us-east-1:{a}:inference-profile/us.{SONNET35}"},
             {"Sid": "ModelSourceRegionOnly", "Effect": "Allow", "Action": INVOKE,
              "Resource": fm("us-east-1", SONNET35)})})
    eu_profile = f"arn:aws:bedrock:eu-west-1:{a}:inference-profile/eu.{SONNET37}"
    role(m, "eu-cris-app", {"workload": "production-ai-eu", "environment": "prod", "tenant": "acme"},
         inline={"cris-complete": doc(
             {"Sid": "Profile", "Effect": "Allow", "Action": INVOKE, "Resource": eu_profile,
              "Condition": {"StringLike": {"aws:PrincipalTag/workload": "production-ai-*"}}},
             {"Sid": "ModelsViaProfile", "Effect": "Allow", "Action": INVOKE,
              "Resource": [fm(r, SONNET37) for r in ("eu-central-1", "eu-north-1", "eu-west-1", "eu-west-3")],
              "Condition": {"StringEquals": {"bedrock:InferenceProfileArn": eu_profile},
                            "StringLike": {"aws:PrincipalTag/workload": "production-ai-*"}}})})
    role(m, "log-auditor-invoker", {"tenant": "globex", "environment": "prod", "workload": "production-ai-audit"},
         inline={"invoke-and-read-logs": doc(
             {"Effect": "Allow", "Action": INVOKE, "Resource": fm("us-east-1", NOVA_PRO),
              "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}},
             {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{inv_us}/*"},
             {"Effect": "Allow", "Action": ["logs:GetLogEvents", "logs:FilterLogEvents"], "Resource": f"{lg_us}:*"})})
    role(m, "orphan-invoker", None, inline={"invoke": doc(
        {"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": fm("us-east-1", NOVA_PRO)})})
    iam.create_user(UserName="dev-alice", Tags=tags_kv({"tenant": "globex", "environment": "dev"}))
    iam.put_user_policy(UserName="dev-alice", PolicyName="invoke-anything", PolicyDocument=doc(
        {"Effect": "Allow", "Action": INVOKE, "Resource": "arn:aws:bedrock:*::foundation-model/*"}))
    iam.create_access_key(UserName="dev-alice")
    ssc = iam.create_service_specific_credential(UserName="dev-alice", ServiceName="bedrock.amazonaws.com",
                                                 CredentialAgeDays=365)["ServiceSpecificCredential"]
    res(m, "iam_users")["dev-alice"] = f"arn:aws:iam::{a}:user/dev-alice"
    res(m, "bedrock_api_keys")["dev-alice"] = ssc["ServiceSpecificCredentialId"]


# ------------------------------------------------------------------------ the Bedrock estate
TITAN_EMBED_V2 = "amazon.titan-embed-text-v2:0"


def service_trust(service, source_account, source_arn):
    """Trust for a Bedrock service role; without source_account/source_arn: no condition."""
    stmt = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if source_account:
        stmt["Condition"] = {"StringEquals": {"aws:SourceAccount": source_account},
                             "ArnLike": {"aws:SourceArn": source_arn}}
    return doc(stmt)


def flow_definition(model, guardrail=None, kb_id=None):
    """Input -> Prompt (inline; `guardrail` on the node if given) -> Output; with kb_id, also
    Input -> KnowledgeBase (with a generating model, no guardrail) -> a second Output."""
    prompt = {"sourceConfiguration": {"inline": {
        "templateType": "TEXT", "modelId": model,
        "templateConfiguration": {"text": {"text": "Summarise for the support team: {{ticket}}",
                                           "inputVariables": [{"name": "ticket"}]}},
        "inferenceConfiguration": {"text": {"temperature": 0.2, "maxTokens": 512}}}}}
    if guardrail:
        prompt["guardrailConfiguration"] = guardrail
    nodes = [{"name": "Start", "type": "Input", "configuration": {"input": {}},
              "outputs": [{"name": "document", "type": "String"}]},
             {"name": "Summarise", "type": "Prompt", "configuration": {"prompt": prompt},
              "inputs": [{"name": "ticket", "type": "String", "expression": "$.data"}],
              "outputs": [{"name": "modelCompletion", "type": "String"}]},
             {"name": "End", "type": "Output", "configuration": {"output": {}},
              "inputs": [{"name": "document", "type": "String", "expression": "$.data"}]}]
    conns = [{"type": "Data", "name": "StartToSummarise", "source": "Start", "target": "Summarise",
              "configuration": {"data": {"sourceOutput": "document", "targetInput": "ticket"}}},
             {"type": "Data", "name": "SummariseToEnd", "source": "Summarise", "target": "End",
              "configuration": {"data": {"sourceOutput": "modelCompletion", "targetInput": "document"}}}]
    if kb_id:
        nodes += [{"name": "Lookup", "type": "KnowledgeBase",
                   "configuration": {"knowledgeBase": {"knowledgeBaseId": kb_id, "modelId": model}},
                   "inputs": [{"name": "retrievalQuery", "type": "String", "expression": "$.data"}],
                   "outputs": [{"name": "outputText", "type": "String"}]},
                  {"name": "Answer", "type": "Output", "configuration": {"output": {}},
                   "inputs": [{"name": "document", "type": "String", "expression": "$.data"}]}]
        conns += [{"type": "Data", "name": "StartToLookup", "source": "Start", "target": "Lookup",
                   "configuration": {"data": {"sourceOutput": "document", "targetInput": "retrievalQuery"}}},
                  {"type": "Data", "name": "LookupToAnswer", "source": "Lookup", "target": "Answer",
                   "configuration": {"data": {"sourceOutput": "outputText", "targetInput": "document"}}}]
    return {"nodes": nodes, "connections": conns}


def seed_estate(m):
    """The management account's us-east-1 Bedrock estate (header: ESTATE)."""
    a, r = m.id, "us-east-1"
    cmk = res(m, "kms_keys")[r]["bedrock-prod"]["arn"]
    g = res(m, "guardrails")[r]["prod-guardrail"]
    guard = {"guardrailIdentifier": g["id"], "guardrailVersion": "1"}
    est = {"roles": {}, "agents": {}, "knowledge_bases": {}, "flows": {}, "prompts": {},
           "agent_runtimes": {}, "gateways": {}, "memories": {}}
    res(m, "estate").update(est)
    tags = {"workload": "estate", "env": "prod"}
    haiku = fm(r, HAIKU3)
    collection = f"arn:aws:aoss:{r}:{a}:collection/estatecoll1"
    docs_bucket = f"estate-docs-{a}"

    # IAM: service roles, then principals that can build or reach the estate
    def srole(name, trust, *statements):
        est["roles"][name] = role(m, name, tags, inline={"estate": doc(*statements)}, trust=trust)

    invoke_haiku = {"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": haiku}
    bedrock_trust = lambda kind: service_trust("bedrock.amazonaws.com", a, f"arn:aws:bedrock:{r}:{a}:{kind}/*")
    agentcore_trust = service_trust("bedrock-agentcore.amazonaws.com", a, f"arn:aws:bedrock-agentcore:{r}:{a}:*")
    srole("support-agent-role", bedrock_trust("agent"), invoke_haiku)
    srole("ops-agent-role", service_trust("bedrock.amazonaws.com", None, None),
          {"Effect": "Allow", "Action": "bedrock:*", "Resource": "*"},
          {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"},
          {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"})
    srole("kb-role", bedrock_trust("knowledge-base"),
          {"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": fm(r, TITAN_EMBED_V2)},
          {"Effect": "Allow", "Action": "aoss:APIAccessAll", "Resource": collection},
          {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{docs_bucket}/*"})
    srole("flow-role", bedrock_trust("flow"), invoke_haiku,
          {"Effect": "Allow", "Action": "bedrock:ApplyGuardrail", "Resource": g["arn"]})
    srole("runtime-role", agentcore_trust, invoke_haiku)
    srole("gateway-role", agentcore_trust, invoke_haiku)
    srole("memory-role", agentcore_trust, invoke_haiku)
    root = doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{a}:root"}, "Action": "sts:AssumeRole"})
    srole("agent-builder", root, {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
          {"Effect": "Allow", "Action": ["bedrock-agentcore:CreateAgentRuntime",
                                         "bedrock-agentcore:UpdateAgentRuntime"], "Resource": "*"})
    srole("token-broker", root, {"Effect": "Allow", "Action": "bedrock-agentcore:GetWorkloadAccessTokenForUserId",
                                 "Resource": "*"})
    srole("model-curator", root, {"Effect": "Allow", "Action": "aws-marketplace:Subscribe", "Resource": "*"})
    roles = est["roles"]

    # Agents: each prepared, then an alias without routing cuts version 1 and routes to it
    ba = m.c("bedrock-agent", r)

    def agent(name, role_name, ttl, alias, **extra):
        ag = ba.create_agent(agentName=name, agentResourceRoleArn=roles[role_name], foundationModel=HAIKU3,
                             idleSessionTTLInSeconds=ttl, description=f"{name} (estate)",
                             instruction="You help the team with their questions, politely and briefly, in English.",
                             tags=tags, **extra)["agent"]
        ba.prepare_agent(agentId=ag["agentId"])
        al = ba.create_agent_alias(agentId=ag["agentId"], agentAliasName=alias)["agentAlias"]
        est["agents"][name] = {"id": ag["agentId"], "arn": ag["agentArn"], "versions": ["1"],
                               "aliases": {alias: {"id": al["agentAliasId"], "arn": al["agentAliasArn"],
                                                   "version": al["routingConfiguration"][0]["agentVersion"]}}}

    agent("support-agent", "support-agent-role", 600, "live", customerEncryptionKeyArn=cmk,
          guardrailConfiguration=guard)
    agent("ops-agent", "ops-agent-role", 5400, "prod")

    # Knowledge bases and their data sources
    def kb(name, role_name, ds_name, bucket_name=docs_bucket, **ds_extra):
        k = ba.create_knowledge_base(
            name=name, roleArn=roles[role_name], description=f"{name} (estate)", tags=tags,
            knowledgeBaseConfiguration={"type": "VECTOR", "vectorKnowledgeBaseConfiguration": {
                "embeddingModelArn": fm(r, TITAN_EMBED_V2)}},
            storageConfiguration={"type": "OPENSEARCH_SERVERLESS", "opensearchServerlessConfiguration": {
                "collectionArn": collection, "vectorIndexName": f"{name}-index",
                "fieldMapping": {"vectorField": "embedding", "textField": "text", "metadataField": "metadata"}}},
        )["knowledgeBase"]
        ds = ba.create_data_source(knowledgeBaseId=k["knowledgeBaseId"], name=ds_name, dataSourceConfiguration={
            "type": "S3", "s3Configuration": {"bucketArn": f"arn:aws:s3:::{bucket_name}",
                                              "inclusionPrefixes": [f"{ds_name}/"]}}, **ds_extra)["dataSource"]
        est["knowledge_bases"][name] = {"id": k["knowledgeBaseId"], "arn": k["knowledgeBaseArn"],
                                        "data_sources": {ds_name: ds["dataSourceId"]}}
        return k["knowledgeBaseId"]

    policies_kb = kb("policies-kb", "kb-role", "policy-docs", serverSideEncryptionConfiguration={"kmsKeyArn": cmk})
    kb("faq-kb", "ops-agent-role", "faq-docs", bucket_name=f"estate-faq-{a}")

    # Flows: prepared, version 1, alias live -> 1
    def flow(name, definition, **extra):
        f = ba.create_flow(name=name, executionRoleArn=roles["flow-role"], description=f"{name} (estate)",
                           definition=definition, tags=tags, **extra)
        ba.prepare_flow(flowIdentifier=f["id"])
        v = ba.create_flow_version(flowIdentifier=f["id"])["version"]
        al = ba.create_flow_alias(flowIdentifier=f["id"], name="live", routingConfiguration=[{"flowVersion": v}])
        est["flows"][name] = {"id": f["id"], "arn": f["arn"], "versions": [v],
                              "aliases": {"live": {"id": al["id"], "arn": al["arn"], "version": v}}}

    flow("triage-flow", flow_definition(HAIKU3, guard), customerEncryptionKeyArn=cmk)
    flow("summary-flow", flow_definition(HAIKU3, None, kb_id=policies_kb))

    # Prompts
    def prompt(name, **extra):
        p = ba.create_prompt(name=name, description=f"{name} (estate)", defaultVariant="default", tags=tags,
                             variants=[{"name": "default", "templateType": "TEXT", "modelId": HAIKU3,
                                        "templateConfiguration": {"text": {"text": "Greet {{customer}} warmly.",
                                                                           "inputVariables": [{"name": "customer"}]}},
                                        "inferenceConfiguration": {"text": {"temperature": 0.7, "maxTokens": 200}}}],
                             **extra)
        est["prompts"][name] = {"id": p["id"], "arn": p["arn"]}

    prompt("greeting-prompt", customerEncryptionKeyArn=cmk)
    prompt("draft-prompt")

    # AgentCore: runtimes (VPC in app-vpc / PUBLIC), gateways, memories, resource policies
    ac = m.c("bedrock-agentcore-control", r)
    app = res(m, "vpcs")["app-vpc"]
    subnets = [s["SubnetId"] for s in m.c("ec2", r).describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [app["id"]]}])["Subnets"]]

    def policy(arn, action, principal):
        ac.put_resource_policy(resourceArn=arn, policy=doc({"Effect": "Allow", "Principal": principal,
                                                            "Action": action, "Resource": arn}))

    def runtime(name, network, principal):
        rt = ac.create_agent_runtime(
            agentRuntimeName=name, roleArn=roles["runtime-role"], description=f"{name} (estate)", tags=tags,
            agentRuntimeArtifact={"containerConfiguration": {
                "containerUri": f"{a}.dkr.ecr.{r}.amazonaws.com/{name.replace('_', '-')}:latest"}},
            networkConfiguration=network, protocolConfiguration={"serverProtocol": "HTTP"})
        policy(rt["agentRuntimeArn"], "bedrock-agentcore:InvokeAgentRuntime", principal)
        est["agent_runtimes"][name] = {"id": rt["agentRuntimeId"], "arn": rt["agentRuntimeArn"]}

    runtime("secure_runtime", {"networkMode": "VPC", "networkModeConfig": {
        "subnets": subnets[:1], "securityGroups": [app["security_group_id"]]}}, {"AWS": f"arn:aws:iam::{a}:root"})
    runtime("public_runtime", {"networkMode": "PUBLIC"}, "*")

    engine = f"arn:aws:bedrock-agentcore:{r}:{a}:policy-engine/estate_policy_engine-a1b2c3d4e5"

    def gateway(name, **kw):
        gw = ac.create_gateway(name=name, roleArn=roles["gateway-role"], protocolType="MCP",
                               description=f"{name} (estate)", tags=tags, **kw)
        est["gateways"][name] = {"id": gw["gatewayId"], "arn": gw["gatewayArn"]}
        return gw["gatewayArn"]

    gateway("secure-gateway", authorizerType="CUSTOM_JWT", kmsKeyArn=cmk,
            authorizerConfiguration={"customJWTAuthorizer": {
                "discoveryUrl": "https://auth.example.com/.well-known/openid-configuration",
                "allowedClients": ["estate-support-app"]}},
            policyEngineConfiguration={"arn": engine, "mode": "ENFORCE"})
    open_gw = gateway("open-gateway", authorizerType="NONE", exceptionLevel="DEBUG",
                      policyEngineConfiguration={"arn": engine, "mode": "LOG_ONLY"})
    policy(open_gw, "bedrock-agentcore:InvokeGateway", "*")

    def memory(name, **kw):
        mem = ac.create_memory(name=name, description=f"{name} (estate)", eventExpiryDuration=30,
                               memoryExecutionRoleArn=roles["memory-role"], tags=tags, **kw)["memory"]
        est["memories"][name] = {"id": mem["id"], "arn": mem["arn"]}

    memory("chat_memory", encryptionKeyArn=cmk,
           memoryStrategies=[{"summaryMemoryStrategy": {"name": "session_summary"}}])
    memory("scratch_memory")


def seed_estate_stores(m):
    """ESTATE, second part (after seed_estate, so no id above moves): the organisation's
    Bedrock policies, the guardrail's resource policy, batch jobs, the knowledge bases' stores
    (aoss collections, an S3 vector bucket, the data-source buckets) and the delivery-failure
    metrics."""
    a, r = m.id, "us-east-1"
    cmk = res(m, "kms_keys")[r]["bedrock-prod"]["arn"]
    g = res(m, "guardrails")[r]["prod-guardrail"]
    est = res(m, "estate")
    roles = est["roles"]
    tags = {"workload": "estate", "env": "prod"}

    # Pipeline stores (KMS-013): data-source buckets; the batch output bucket (KMS-011)
    bucket(m, r, f"estate-docs-{a}", tags, cmk)
    bucket(m, r, f"estate-faq-{a}", tags, "AES256")
    batch_out = bucket(m, r, f"estate-batch-out-{a}", tags, "AES256")

    # Organizations: BEDROCK_POLICY enabled at the root; Workloads -> prod-guardrail v1 (us-east-1),
    # Sandbox -> a guardrail that does not exist (us-west-2)
    org = m.c("organizations")
    o = MANIFEST["organization"]
    ous = {x["name"]: x["id"] for x in MANIFEST["ous"]}
    org.enable_policy_type(RootId=o["root_id"], PolicyType="BEDROCK_POLICY")

    def bedrock_policy(name, region, guardrail_version_arn, target):
        content = {"bedrock": {"guardrail_inference": {region: {"config_1": {
            "identifier": {"@@assign": guardrail_version_arn}, "input_tags": {"@@assign": "ignore"}}}}}}
        pid = org.create_policy(Name=name, Description=f"{name} (estate)", Type="BEDROCK_POLICY",
                                Content=json.dumps(content))["Policy"]["PolicySummary"]["Id"]
        org.attach_policy(PolicyId=pid, TargetId=ous[target])
        est["bedrock_policies"][name] = {"id": pid, "target": ous[target], "target_name": target,
                                         "region": region, "identifier": guardrail_version_arn}

    est["bedrock_policies"] = {}
    bedrock_policy("bedrock-guardrail-workloads", r, f"{g['arn']}:1", "Workloads")
    bedrock_policy("bedrock-guardrail-sandbox", "us-west-2",
                   f"arn:aws:bedrock:us-west-2:{a}:guardrail/missing0001:1", "Sandbox")

    # prod-guardrail's resource policy: ApplyGuardrail for any principal of the organisation
    gpol = doc({"Sid": "OrgApplyGuardrail", "Effect": "Allow", "Principal": "*", "Action": "bedrock:ApplyGuardrail",
                "Resource": [g["arn"], f"{g['arn']}:*"], "Condition": {"StringEquals": {"aws:PrincipalOrgID": o["id"]}}})
    m.c("bedrock", r).put_resource_policy(resourceArn=g["arn"], resourcePolicy=gpol)
    g["resource_policy"] = json.loads(gpol)

    # Batch inference jobs (KMS-011): output to an SSE-S3 bucket, without / with a CMK
    est["roles"]["batch-role"] = role(m, "batch-role", tags, inline={"estate": doc(
        {"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": fm(r, HAIKU3)},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::estate-docs-{a}/batch/*"},
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{batch_out}/out/*"})},
        trust=service_trust("bedrock.amazonaws.com", a, f"arn:aws:bedrock:{r}:{a}:model-invocation-job/*"))
    br = m.c("bedrock", r)
    est["batch_jobs"] = {}
    for name, key in (("nightly-summaries", None), ("keyed-summaries", cmk)):
        out = {"s3Uri": f"s3://{batch_out}/out/"}
        if key:
            out["s3EncryptionKeyId"] = key
        job = br.create_model_invocation_job(
            jobName=name, roleArn=roles["batch-role"], modelId=HAIKU3, tags=tags_kv(tags, "key", "value"),
            inputDataConfig={"s3InputDataConfig": {"s3Uri": f"s3://estate-docs-{a}/batch/{name}.jsonl"}},
            outputDataConfig={"s3OutputDataConfig": out})
        est["batch_jobs"][name] = {"arn": job["jobArn"], "output": out["s3Uri"], "kms_key": key}

    # Vector stores (KMS-010): aoss collections (CMK / AWS-owned key), then the KBs point at them
    aoss = m.c("opensearchserverless", r)
    est["collections"] = {}
    for name, enc in (("estatecoll1", {"AWSOwnedKey": False, "KmsARN": cmk}), ("faqcoll1", {"AWSOwnedKey": True})):
        aoss.create_security_policy(name=f"{name}-enc", type="encryption", policy=json.dumps(
            {"Rules": [{"ResourceType": "collection", "Resource": [f"collection/{name}"]}], **enc}))
        c = aoss.create_collection(name=name, type="VECTORSEARCH", description=f"{name} (estate)")
        est["collections"][name] = {"id": c["createCollectionDetail"]["id"], "arn": c["createCollectionDetail"]["arn"],
                                    "kms_key": enc.get("KmsARN")}
    ba = m.c("bedrock-agent", r)
    for kb_name, coll in (("policies-kb", "estatecoll1"), ("faq-kb", "faqcoll1")):
        k = ba.get_knowledge_base(knowledgeBaseId=est["knowledge_bases"][kb_name]["id"])["knowledgeBase"]
        storage = k["storageConfiguration"]
        storage["opensearchServerlessConfiguration"]["collectionArn"] = est["collections"][coll]["arn"]
        ba.update_knowledge_base(knowledgeBaseId=k["knowledgeBaseId"], name=k["name"], roleArn=k["roleArn"],
                                 description=k["description"], storageConfiguration=storage,
                                 knowledgeBaseConfiguration=k["knowledgeBaseConfiguration"])
        est["knowledge_bases"][kb_name]["collection"] = est["collections"][coll]["arn"]
    est["knowledge_bases"]["faq-kb"]["bucket"] = f"estate-faq-{a}"
    est["knowledge_bases"]["policies-kb"]["bucket"] = f"estate-docs-{a}"

    # S3 Vectors: a bucket with SSE-S3 (AES256), an index, and vectors-kb on it
    s3v = m.c("s3vectors", r)
    s3v.create_vector_bucket(vectorBucketName="estate-vectors", encryptionConfiguration={"sseType": "AES256"})
    vb = s3v.get_vector_bucket(vectorBucketName="estate-vectors")["vectorBucket"]
    s3v.create_index(vectorBucketName="estate-vectors", indexName="vectors-index", dataType="float32",
                     dimension=1024, distanceMetric="cosine")
    index_arn = s3v.get_index(vectorBucketName="estate-vectors", indexName="vectors-index")["index"]["indexArn"]
    est["vector_buckets"] = {"estate-vectors": {"arn": vb["vectorBucketArn"], "index_arn": index_arn}}
    k = ba.create_knowledge_base(
        name="vectors-kb", roleArn=roles["kb-role"], description="vectors-kb (estate)", tags=tags,
        knowledgeBaseConfiguration={"type": "VECTOR", "vectorKnowledgeBaseConfiguration": {
            "embeddingModelArn": fm(r, TITAN_EMBED_V2)}},
        storageConfiguration={"type": "S3_VECTORS", "s3VectorsConfiguration": {
            "vectorBucketArn": vb["vectorBucketArn"], "indexArn": index_arn}})["knowledgeBase"]
    est["knowledge_bases"]["vectors-kb"] = {"id": k["knowledgeBaseId"], "arn": k["knowledgeBaseArn"],
                                            "data_sources": {}, "vector_bucket": vb["vectorBucketArn"]}
    # kb-role names the real stores now that they exist (its trust, IAM-009's subject, is unchanged)
    m.c("iam").put_role_policy(RoleName="kb-role", PolicyName="estate", PolicyDocument=doc(
        {"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": fm(r, TITAN_EMBED_V2)},
        {"Effect": "Allow", "Action": "aoss:APIAccessAll", "Resource": est["collections"]["estatecoll1"]["arn"]},
        {"Effect": "Allow", "Action": ["s3vectors:QueryVectors", "s3vectors:GetVectors"], "Resource": index_arn},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::estate-docs-{a}/*"}))

    # Invocation-log delivery failures (LOG-011): us-east-1 3 in the last day, eu-west-1 0
    now = time.time()
    for region, value in (("us-east-1", 3.0), ("eu-west-1", 0.0)):
        m.c("cloudwatch", region).put_metric_data(Namespace="AWS/Bedrock", MetricData=[{
            "MetricName": "ModelInvocationLogsCloudWatchDeliveryFailure", "Value": value, "Unit": "Count",
            "Timestamp": now - 3600}])
    est["delivery_failures"] = {"us-east-1": 3, "eu-west-1": 0}


def estate_outcomes(accounts):
    """The ESTATE block's intentions, in intended_outcomes' format."""
    est = MANIFEST["resources"][MGMT]["estate"]
    r = "us-east-1"
    role_ = lambda n: est["roles"][n]
    arn = lambda kind, n: est[kind][n]["arn"]
    g = lambda region, name, a=MGMT: MANIFEST["resources"][a]["guardrails"][region][name]["arn"]
    dev = accounts["ai-dev"]
    out = [
        ("IAM-009", "pass", MGMT, None, role_("support-agent-role")),
        ("IAM-009", "fail", MGMT, None, role_("ops-agent-role")),
        ("IAM-009", "pass", MGMT, None, role_("kb-role")),
        ("IAM-010", "pass", MGMT, None, role_("support-agent-role")),
        ("IAM-010", "fail", MGMT, None, role_("ops-agent-role")),
        ("IAM-011", "pass", MGMT, None, role_("support-agent-role")),
        ("IAM-011", "fail", MGMT, None, role_("ops-agent-role")),
        ("IAM-012", "fail", MGMT, None, role_("agent-builder")),
        ("IAM-013", "fail", MGMT, None, role_("token-broker")),
        ("IAM-014", "fail", MGMT, None, role_("model-curator")),
        ("GRD-008", "pass", MGMT, r, arn("agents", "support-agent")),
        ("GRD-008", "fail", MGMT, r, arn("agents", "ops-agent")),
        ("AGT-001", "pass", MGMT, r, arn("agents", "support-agent")),
        ("AGT-001", "fail", MGMT, r, arn("agents", "ops-agent")),
        ("KMS-006", "pass", MGMT, r, arn("agents", "support-agent")),
        ("KMS-006", "fail", MGMT, r, arn("agents", "ops-agent")),
        ("KMS-006", "pass", MGMT, r, arn("prompts", "greeting-prompt")),
        ("KMS-006", "fail", MGMT, r, arn("prompts", "draft-prompt")),
        ("KMS-009", "pass", MGMT, r, arn("knowledge_bases", "policies-kb")),
        ("KMS-009", "fail", MGMT, r, arn("knowledge_bases", "faq-kb")),
        ("KMS-008", "pass", MGMT, r, arn("flows", "triage-flow")),
        ("KMS-008", "fail", MGMT, r, arn("flows", "summary-flow")),
        ("GRD-009", "pass", MGMT, r, arn("flows", "triage-flow")),
        ("GRD-009", "fail", MGMT, r, arn("flows", "summary-flow")),
        ("AGT-002", "pass", MGMT, r, arn("agent_runtimes", "secure_runtime")),
        ("AGT-002", "fail", MGMT, r, arn("agent_runtimes", "public_runtime")),
        ("AGT-006", "pass", MGMT, r, arn("agent_runtimes", "secure_runtime")),
        ("AGT-006", "fail", MGMT, r, arn("agent_runtimes", "public_runtime")),
        ("AGT-006", "fail", MGMT, r, arn("gateways", "open-gateway")),
        ("AGT-003", "pass", MGMT, r, arn("gateways", "secure-gateway")),
        ("AGT-003", "fail", MGMT, r, arn("gateways", "open-gateway")),
        ("AGT-004", "pass", MGMT, r, arn("gateways", "secure-gateway")),
        ("AGT-004", "fail", MGMT, r, arn("gateways", "open-gateway")),
        ("AGT-005", "pass", MGMT, r, arn("gateways", "secure-gateway")),
        ("AGT-005", "fail", MGMT, r, arn("gateways", "open-gateway")),
        ("KMS-012", "pass", MGMT, r, arn("gateways", "secure-gateway")),
        ("KMS-012", "fail", MGMT, r, arn("gateways", "open-gateway")),
        ("KMS-012", "pass", MGMT, r, arn("memories", "chat_memory")),
        ("KMS-012", "fail", MGMT, r, arn("memories", "scratch_memory")),
        ("GRD-010", "pass", MGMT, r, g(r, "prod-guardrail")),
        ("GRD-010", "fail", MGMT, "eu-west-1", g("eu-west-1", "eu-basic")),
        ("GRD-011", "pass", MGMT, r, g(r, "prod-guardrail")),
        ("GRD-011", "fail", dev, r, g(r, "dev-guardrail", dev)),
        ("GRD-013", "pass", MGMT, r, None),
        ("GRD-013", "fail", dev, r, None),
        # seed_estate_stores
        ("GRD-014", "pass", MGMT, None, None),
        ("GRD-015", "pass", accounts["ai-prod"], None, None),
        ("GRD-015", "fail", accounts["sandbox-1"], None, None),
        ("KMS-011", "fail", MGMT, r, est["batch_jobs"]["nightly-summaries"]["arn"]),
        ("KMS-011", "pass", MGMT, r, est["batch_jobs"]["keyed-summaries"]["arn"]),
        ("KMS-010", "pass", MGMT, r, est["collections"]["estatecoll1"]["arn"]),
        ("KMS-010", "fail", MGMT, r, est["collections"]["faqcoll1"]["arn"]),
        ("KMS-010", "fail", MGMT, r, est["vector_buckets"]["estate-vectors"]["arn"]),
        ("LOG-011", "fail", MGMT, r, None),
        ("LOG-011", "pass", MGMT, "eu-west-1", None),
        ("GRD-012", "pass", MGMT, r, None),
        ("GRD-012", "fail", dev, r, None),
        ("KMS-013", "pass", MGMT, r, f"arn:aws:s3:::estate-docs-{MGMT}"),
        ("KMS-013", "fail", MGMT, r, f"arn:aws:s3:::estate-faq-{MGMT}"),
        ("KMS-013", "fail", MGMT, r, f"arn:aws:s3:::estate-batch-out-{MGMT}"),
    ]
    return [{"check": c, "expect": e, "account": a, "region": rg, "resource": res_} for c, e, a, rg, res_ in out]


# ------------------------------------------------------------------------ member accounts
def seed_payments(p):
    a = p.id
    r = "eu-west-1"
    k = key(p, r, "payments-data", {"environment": "prod", "tenant": "payments"}, True, root_key_policy(a))
    eu_profile = f"arn:aws:bedrock:{r}:{a}:inference-profile/eu.{SONNET37}"
    glob = f"arn:aws:bedrock:{r}:{a}:inference-profile/global.{SONNET45}"
    role(p, "payments-chat", {"workload": "production-ai-payments", "environment": "prod", "tenant": "payments"},
         inline={"invoke": doc(
             {"Sid": "EUProfile", "Effect": "Allow", "Action": INVOKE, "Resource": [eu_profile, glob],
              "Condition": {"StringEquals": {"aws:RequestedRegion": r}}},
             {"Sid": "EUModelsViaProfile", "Effect": "Allow", "Action": INVOKE,
              "Resource": [fm(x, SONNET37) for x in ("eu-central-1", "eu-north-1", "eu-west-1", "eu-west-3")],
              "Condition": {"StringEquals": {"bedrock:InferenceProfileArn": eu_profile}}},
             {"Sid": "GlobalModel", "Effect": "Allow", "Action": INVOKE,
              "Resource": [fm(r, SONNET45), f"arn:aws:bedrock:::foundation-model/{SONNET45}"],
              "Condition": {"StringEquals": {"bedrock:InferenceProfileArn": glob}}})})
    lr = logging_role(p)
    b = bucket(p, r, f"bedrock-invocation-logs-{a}-{r}", {"environment": "prod"}, k)
    log_group(p, r, "/aws/bedrock/invocations", 400, k, tags={"environment": "prod"})
    invocation_logging(p, r, "/aws/bedrock/invocations", b, lr)
    guardrail(p, r, "payments-guardrail", publish=True, kmsKeyId=k,
              contentPolicyConfig={"filtersConfig": [{"type": "PROMPT_ATTACK", "inputStrength": "HIGH",
                                                      "outputStrength": "NONE"}],
                                   "tierConfig": {"tierName": "STANDARD"}},
              sensitiveInformationPolicyConfig={"piiEntitiesConfig": [
                  {"type": t, "action": "BLOCK"} for t in ("EMAIL", "PHONE", "INTERNATIONAL_BANK_ACCOUNT_NUMBER")]},
              crossRegionConfig={"guardrailProfileIdentifier": "eu.guardrail.v1:0"})
    events(p, r, bedrock_events("payments-chat", f"eu.{SONNET37}", 3, infer_region="eu-west-3"))


def seed_ai_prod(p):
    key(p, "us-east-1", "ai-prod-data", {"environment": "prod"}, False, root_key_policy(p.id))
    role(p, "ai-prod-invoker", {"workload": "production-ai-search", "environment": "prod", "tenant": "acme"},
         inline={"invoke": doc({"Effect": "Allow", "Action": "bedrock:InvokeModel*", "Resource": "*"})})
    events(p, "us-east-1", bedrock_events("ai-prod-invoker", f"us.{SONNET37}", 3, infer_region="us-west-2"))


def seed_ai_dev(p):
    a, r = p.id, "us-east-1"
    k = key(p, r, "ai-dev-data", {"environment": "dev"}, True, root_key_policy(a))
    role(p, "dev-invoker", {"workload": "dev-ai-chat", "environment": "dev", "tenant": "acme"},
         inline={"invoke": doc({"Effect": "Allow", "Action": INVOKE, "Resource": fm(r, NOVA_PRO),
                                "Condition": {"StringEquals": {"aws:RequestedRegion": r},
                                              "StringLike": {"aws:PrincipalTag/workload": "dev-ai-*"}}})})
    lr = logging_role(p)
    b = bucket(p, r, f"bedrock-invocation-logs-{a}-{r}", {"environment": "dev"}, k)
    log_group(p, r, "/aws/bedrock/invocations", 90, k, tags={"environment": "dev"})
    invocation_logging(p, r, "/aws/bedrock/invocations", b, lr)
    gid, garn = guardrail(p, r, "dev-guardrail", contentPolicyConfig={"filtersConfig": [
        {"type": "PROMPT_ATTACK", "inputStrength": "HIGH", "outputStrength": "NONE"},
        # detect only on input: inputAction NONE (GRD-011)
        {"type": "HATE", "inputStrength": "HIGH", "outputStrength": "HIGH", "inputAction": "NONE",
         "outputAction": "BLOCK"}]})
    cfg = p.c("bedrock", r).put_enforced_guardrail_configuration(guardrailInferenceConfig={
        "guardrailIdentifier": garn, "guardrailVersion": "DRAFT",
        "modelEnforcement": {"includedModels": ["ALL"], "excludedModels": [HAIKU3]}})  # GRD-013
    res(p, "enforced_guardrails")[r] = {"config_id": cfg["configId"], "guardrail": garn, "version": "DRAFT"}
    events(p, r, bedrock_events("dev-invoker", NOVA_PRO, 2))


def seed_sandbox1(p):
    key(p, "us-east-1", "sandbox-data", {"environment": "sandbox"}, False, root_key_policy(p.id))
    role(p, "sandbox-experimenter", {"environment": "sandbox"}, managed=["AmazonBedrockFullAccess"])
    events(p, "us-east-1", bedrock_events("sandbox-experimenter", f"us.{SONNET35}", 2))


def seed_sandbox2(p):
    key(p, "us-east-1", "sandbox2-data", {"environment": "sandbox"}, True,
        doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}))
    role(p, "sandbox-invoker", {"environment": "sandbox"}, inline={"invoke": doc(
        {"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "arn:aws:bedrock:*::foundation-model/*"})})


def seed_bench(p, i):
    r = "us-east-1" if i % 2 else "eu-west-1"
    key(p, r, "bench-data", {"environment": "bench"}, bool(i % 3))
    role(p, "bench-scoped", {"workload": "production-ai-bench", "tenant": f"t{i % 4}"}, inline={"invoke": doc(
        {"Effect": "Allow", "Action": INVOKE, "Resource": fm(r, NOVA_PRO),
         "Condition": {"StringEquals": {"aws:RequestedRegion": r}}})})
    role(p, "bench-wildcard", None, inline={"invoke": doc(
        {"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"})})
    vpc(p, r, "bench-vpc", "10.8.0.0/16")
    events(p, r, bedrock_events("bench-scoped", NOVA_PRO, 1))


def delete_access_role(legacy):
    iam = legacy.c("iam")
    for pol in iam.list_attached_role_policies(RoleName=ACCESS_ROLE)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=ACCESS_ROLE, PolicyArn=pol["PolicyArn"])
    for name in iam.list_role_policies(RoleName=ACCESS_ROLE)["PolicyNames"]:
        iam.delete_role_policy(RoleName=ACCESS_ROLE, PolicyName=name)
    iam.delete_role(RoleName=ACCESS_ROLE)


def intended_outcomes(accounts):
    """Machine-readable subset of the header's scenarios: what each seeded resource is meant
    to make a check say. 'resource' is the ARN the finding should point at (DESIGN.md);
    None where the finding is about the account/Region as a whole (match on check, account
    and region only) or where the resource form is the product's choice."""
    r = MANIFEST["resources"][MGMT]
    role_ = lambda n, a=MGMT: f"arn:aws:iam::{a}:role/{n}"
    k = lambda region, alias, a=MGMT: MANIFEST["resources"][a]["kms_keys"][region][alias]["arn"]
    g = lambda region, name, a=MGMT: MANIFEST["resources"][a]["guardrails"][region][name]["arn"]
    ep = lambda name: f"arn:aws:ec2:{r['vpcs'][name]['region']}:{MGMT}:vpc-endpoint/{r['vpcs'][name]['endpoint_id']}"
    trail = r["trails"]
    out = [
        ("IAM-001", "pass", MGMT, None, role_("chat-inference")),
        ("IAM-001", "fail", MGMT, None, role_("batch-summariser")),
        ("IAM-002", "fail", MGMT, None, role_("batch-summariser")),
        ("IAM-003", "fail", MGMT, None, role_("data-science")),
        ("IAM-004", "fail", MGMT, None, f"arn:aws:iam::{MGMT}:user/dev-alice"),
        ("IAM-005", "fail", MGMT, None, f"arn:aws:iam::{MGMT}:user/dev-alice"),
        ("IAM-008", "pass", MGMT, None, role_("chat-inference")),
        ("IAM-008", "fail", MGMT, None, role_("batch-summariser")),
        ("NET-005", "pass", MGMT, None, role_("chat-inference")),
        ("NET-001", "fail", MGMT, "us-east-1", f"arn:aws:ec2:us-east-1:{MGMT}:vpc/{r['vpcs']['legacy-vpc']['id']}"),
        ("NET-001", "pass", MGMT, "us-east-1", f"arn:aws:ec2:us-east-1:{MGMT}:vpc/{r['vpcs']['app-vpc']['id']}"),
        ("NET-002", "pass", MGMT, "us-east-1", ep("app-vpc")),
        ("NET-002", "fail", MGMT, "eu-west-1", ep("eu-app-vpc")),
        ("NET-003", "fail", MGMT, "eu-west-1", ep("eu-app-vpc")),
        ("NET-003", "pass", MGMT, "us-east-1", ep("app-vpc")),
        ("NET-006", "fail", MGMT, "eu-west-1", ep("eu-app-vpc")),
        ("NET-006", "pass", MGMT, "us-east-1", ep("app-vpc")),
        ("KMS-001", "pass", MGMT, "us-east-1", k("us-east-1", "bedrock-prod")),
        ("KMS-001", "fail", MGMT, "us-east-1", k("us-east-1", "shared-data")),
        ("KMS-002", "fail", MGMT, "us-east-1", k("us-east-1", "wide-open")),
        ("KMS-002", "pass", MGMT, "us-east-1", k("us-east-1", "bedrock-prod")),
        ("KMS-003", "pass", MGMT, "us-east-1", k("us-east-1", "shared-data")),
        ("KMS-004", "fail", MGMT, "us-east-1", f"arn:aws:s3:::bedrock-invocation-logs-{MGMT}-us-east-1"),
        ("KMS-004", "pass", MGMT, "eu-west-1", f"arn:aws:s3:::bedrock-invocation-logs-{MGMT}-eu-west-1"),
        ("KMS-004", "fail", MGMT, "us-east-1", r["log_groups"]["us-east-1"]["/aws/bedrock/invocations"]),
        ("KMS-004", "pass", MGMT, "eu-west-1", r["log_groups"]["eu-west-1"]["/aws/bedrock/invocations"]),
        ("KMS-005", "pass", MGMT, "us-east-1", g("us-east-1", "prod-guardrail")),
        ("KMS-005", "fail", MGMT, "eu-west-1", g("eu-west-1", "eu-basic")),
        ("LOG-001", "fail", MGMT, "ap-northeast-1", None),
        ("LOG-001", "pass", MGMT, "eu-west-1", None),
        ("LOG-002", "fail", MGMT, "us-east-1", None),
        ("LOG-003", "pass", MGMT, None, None),
        ("LOG-004", "pass", MGMT, "us-east-1", trail["org-trail"]),
        ("LOG-004", "fail", MGMT, "us-east-1", trail["app-trail"]),
        ("LOG-005", "pass", MGMT, "us-east-1", trail["org-trail"]),
        ("LOG-005", "fail", MGMT, "us-east-1", trail["app-trail"]),
        ("LOG-006", "fail", MGMT, "us-east-1", trail["org-trail"]),
        ("LOG-006", "fail", MGMT, "us-east-1", trail["app-trail"]),
        ("LOG-007", "fail", MGMT, "us-east-1", r["log_groups"]["us-east-1"]["/aws/bedrock/invocations"]),
        ("LOG-007", "pass", MGMT, "eu-west-1", r["log_groups"]["eu-west-1"]["/aws/bedrock/invocations"]),
        ("LOG-008", "fail", MGMT, None, role_("log-auditor-invoker")),
        ("LOG-009", "fail", MGMT, None, None),
        ("LOG-010", "fail", MGMT, "us-east-1", f"arn:aws:s3:::bedrock-invocation-logs-{MGMT}-us-east-1"),
        ("LOG-010", "pass", MGMT, "eu-west-1", f"arn:aws:s3:::bedrock-invocation-logs-{MGMT}-eu-west-1"),
        ("GRD-001", "fail", MGMT, "ap-northeast-1", None),
        ("GRD-001", "pass", MGMT, "us-east-1", None),
        ("GRD-003", "pass", MGMT, "us-east-1", g("us-east-1", "prod-guardrail")),
        ("GRD-003", "fail", MGMT, "eu-west-1", g("eu-west-1", "eu-basic")),
        ("GRD-007", "pass", MGMT, "us-east-1", g("us-east-1", "prod-guardrail")),
        ("GRD-007", "fail", MGMT, "eu-west-1", g("eu-west-1", "eu-basic")),
        ("TEN-003", "fail", MGMT, None, role_("orphan-invoker")),
        ("CRI-003", "fail", MGMT, "us-east-1",
         f"arn:aws:bedrock:us-east-1:{MGMT}:inference-profile/us.anthropic.claude-3-5-sonnet-20241022-v2:0"),
        ("CRI-003", "pass", MGMT, "eu-west-1",
         f"arn:aws:bedrock:eu-west-1:{MGMT}:inference-profile/eu.anthropic.claude-3-7-sonnet-20250219-v1:0"),
        ("IAM-006", "fail", MGMT, None, None),
        # organisation (--org) expectations
        ("IAM-006", "pass", accounts["ai-prod"], None, None),
        ("LOG-003", "pass", accounts["ai-prod"], None, None),
        ("LOG-003", "pass", accounts["payments-prod"], None, None),
        ("IAM-003", "fail", accounts["sandbox-1"], None, role_("sandbox-experimenter", accounts["sandbox-1"])),
        ("CRI-001", "fail", accounts["ai-prod"], None, None),
        ("CRI-001", "fail", accounts["sandbox-1"], None, None),
        ("CRI-001", "fail", accounts["ai-dev"], None, None),
        ("CRI-001", "fail", accounts["payments-prod"], None, None),
        ("CRI-001", "pass", MGMT, None, None),
        ("CRI-002", "fail", accounts["ai-dev"], None, None),
        ("CRI-004", "fail", accounts["ai-prod"], "eu-west-1",
         f"arn:aws:bedrock:eu-west-1:{accounts['ai-prod']}:inference-profile/eu.amazon.nova-pro-v1:0"),
        ("CRI-004", "pass", accounts["payments-prod"], "eu-west-1",
         f"arn:aws:bedrock:eu-west-1:{accounts['payments-prod']}:inference-profile/global.{SONNET45}"),
        ("CRI-005", "fail", accounts["payments-prod"], "eu-west-1", g("eu-west-1", "payments-guardrail", accounts["payments-prod"])),
        ("GRD-007", "fail", accounts["ai-dev"], "us-east-1", g("us-east-1", "dev-guardrail", accounts["ai-dev"])),
    ]
    return [{"check": c, "expect": e, "account": a, "region": rg, "resource": res_} for c, e, a, rg, res_ in out]



# ------------------------------------------------------------------------ cost, abuse and residency
BEDROCK_TOKENS_QUOTA = "L-A50569E5"    # on-demand InvokeModel tokens/min, Claude 3.5 Sonnet (emulator catalogue)
BEDROCK_REQUESTS_QUOTA = "L-254CACF4"  # on-demand InvokeModel requests/min, Claude 3.5 Sonnet


def role_identity(account, name):
    """userIdentity of a session of role `name` (ASIA... key), as CloudTrail writes it."""
    arn = f"arn:aws:iam::{account}:role/{name}"
    return {"type": "AssumedRole", "principalId": f"AROAEXAMPLE{name.upper().replace('-', '')[:9]}:session",
            "arn": f"arn:aws:sts::{account}:assumed-role/{name}/session", "accountId": account,
            "accessKeyId": "ASIAEXAMPLESESSION01",
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLE", "arn": arn,
                                                 "accountId": account, "userName": name}}}


def seed_usage(m, members, accounts):
    """COST, ABUSE AND RESIDENCY (header block): budgets, anomaly detection, alarms, tags, quotas,
    GuardDuty and the event-history scenarios. Last in main(), so no earlier id moves."""
    a = m.id
    u = res(m, "usage")
    # USE-001 budgets (global API, us-east-1)
    notification = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80.0,
                    "ThresholdType": "PERCENTAGE"}
    m.c("budgets").create_budget(AccountId=a, Budget={
        "BudgetName": "bedrock-monthly", "BudgetLimit": {"Amount": "1000", "Unit": "USD"},
        "CostFilters": {"Service": ["Amazon Bedrock"], "LinkedAccount": [a]}, "TimeUnit": "MONTHLY",
        "BudgetType": "COST"},
        NotificationsWithSubscribers=[{"Notification": notification, "Subscribers": [
            {"SubscriptionType": "EMAIL", "Address": "finops@example.com"}]}])
    u["budgets"] = {"bedrock-monthly": {"notification": notification, "subscriber": "finops@example.com",
                                        "linked_accounts": [a]}}
    prod = members["ai-prod"]
    prod.c("budgets").create_budget(AccountId=prod.id, Budget={
        "BudgetName": "ai-prod-all", "BudgetLimit": {"Amount": "500", "Unit": "USD"}, "TimeUnit": "MONTHLY",
        "BudgetType": "COST"})
    res(prod, "usage")["budgets"] = {"ai-prod-all": {"notification": None}}

    # USE-002 cost anomaly detection
    ce = m.c("ce")
    # CUSTOM, over the two production members by linked account: the management account
    # watches them, not itself
    watched = [accounts["payments-prod"], accounts["ai-prod"]]
    mon = ce.create_anomaly_monitor(AnomalyMonitor={
        "MonitorName": "production-accounts", "MonitorType": "CUSTOM",
        "MonitorSpecification": {"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": watched}}})["MonitorArn"]
    sub = ce.create_anomaly_subscription(AnomalySubscription={
        "SubscriptionName": "bedrock-anomalies", "MonitorArnList": [mon], "Frequency": "DAILY",
        "Subscribers": [{"Address": "finops@example.com", "Type": "EMAIL", "Status": "CONFIRMED"}],
        "ThresholdExpression": {"Dimensions": {"Key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE", "Values": ["100"],
                                               "MatchOptions": ["GREATER_THAN_OR_EQUAL"]}}})["SubscriptionArn"]
    u["anomaly_monitors"] = {"production-accounts": {"arn": mon, "subscription": sub, "subscriber_status": "CONFIRMED",
                                                     "linked_accounts": watched}}
    pay = members["payments-prod"]
    pce = pay.c("ce")
    pmon = pce.create_anomaly_monitor(AnomalyMonitor={
        "MonitorName": "payments-ai", "MonitorType": "CUSTOM",
        "MonitorSpecification": {"Tags": {"Key": "workload", "Values": ["production-ai-payments"]}}})["MonitorArn"]
    psub = pce.create_anomaly_subscription(AnomalySubscription={
        "SubscriptionName": "payments-ai-anomalies", "MonitorArnList": [pmon], "Frequency": "IMMEDIATE",
        "Subscribers": [{"Address": f"arn:aws:sns:us-east-1:{pay.id}:cost-alerts", "Type": "SNS",
                         "Status": "DECLINED"}],
        "ThresholdExpression": {"Dimensions": {"Key": "ANOMALY_TOTAL_IMPACT_PERCENTAGE", "Values": ["20"],
                                               "MatchOptions": ["GREATER_THAN_OR_EQUAL"]}}})["SubscriptionArn"]
    res(pay, "usage")["anomaly_monitors"] = {"payments-ai": {"arn": pmon, "subscription": psub,
                                                             "subscriber_status": "DECLINED"}}

    # USE-003 a Bedrock usage alarm in us-east-1 (eu-west-1 and ap-northeast-1: none)
    topic = m.c("sns").create_topic(Name="bedrock-alerts")["TopicArn"]
    m.c("cloudwatch").put_metric_alarm(
        AlarmName="bedrock-invocations-spike", Namespace="AWS/Bedrock", MetricName="Invocations",
        Statistic="Sum", Period=300, EvaluationPeriods=1, Threshold=1000.0,
        ComparisonOperator="GreaterThanThreshold", ActionsEnabled=True, AlarmActions=[topic],
        TreatMissingData="notBreaching")
    u["alarms"] = {"us-east-1": {"bedrock-invocations-spike": f"arn:aws:cloudwatch:us-east-1:{a}:alarm:"
                                                              "bedrock-invocations-spike"}, "topic": topic}

    # USE-004 application inference profiles: chat-app-profile tagged workload=chat; untagged-profile
    br = m.c("bedrock")
    chat = res(m, "application_inference_profiles")["us-east-1"]["chat-app-profile"]
    br.tag_resource(resourceARN=chat, tags=[{"key": "workload", "value": "chat"}])
    untagged = br.create_inference_profile(
        inferenceProfileName="untagged-profile", description="no cost allocation tags",
        modelSource={"copyFrom": f"arn:aws:bedrock:us-east-1:{a}:inference-profile/us.{SONNET35}"})["inferenceProfileArn"]
    u["application_inference_profiles"] = {"chat-app-profile": {"arn": chat, "tags": {"tenant": "acme",
                                                                                      "workload": "chat"}},
                                           "untagged-profile": {"arn": untagged, "tags": {}}}

    # USE-005 cost allocation tags in the payer (management) account
    ce.update_cost_allocation_tags_status(CostAllocationTagsStatus=[{"TagKey": "workload", "Status": "Active"},
                                                                    {"TagKey": "tenant", "Status": "Inactive"}])
    u["cost_allocation_tags"] = {"workload": "Active", "tenant": "Inactive"}

    # USE-006 service quotas (us-east-1): tokens/min raised tenfold-ish, requests/min at default
    quotas = m.c("service-quotas")
    defaults = {q["QuotaCode"]: q["Value"] for q in quotas.list_aws_default_service_quotas(ServiceCode="bedrock")["Quotas"]}
    raised = defaults[BEDROCK_TOKENS_QUOTA] * 5
    shim("/_shim/service-quotas/applied", {"accountId": a, "region": "us-east-1", "serviceCode": "bedrock",
                                           "quotaCode": BEDROCK_TOKENS_QUOTA, "value": raised})
    qarn = lambda code: f"arn:aws:servicequotas:us-east-1:{a}:bedrock/{code}"
    u["service_quotas"] = {"us-east-1": {
        BEDROCK_TOKENS_QUOTA: {"arn": qarn(BEDROCK_TOKENS_QUOTA), "default": defaults[BEDROCK_TOKENS_QUOTA],
                               "applied": raised},
        BEDROCK_REQUESTS_QUOTA: {"arn": qarn(BEDROCK_REQUESTS_QUOTA), "default": defaults[BEDROCK_REQUESTS_QUOTA],
                                 "applied": defaults[BEDROCK_REQUESTS_QUOTA]}}}

    # THR-006 GuardDuty: us-east-1 AI Protection on; eu-west-1 a detector without it
    det_us = m.c("guardduty").create_detector(Enable=True, Features=[
        {"Name": "AI_PROTECTION", "Status": "ENABLED"}])["DetectorId"]
    det_eu = m.c("guardduty", "eu-west-1").create_detector(Enable=True, Features=[
        {"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}])["DetectorId"]
    u["guardduty"] = {"us-east-1": {"detector": det_us, "ai_protection": "ENABLED"},
                      "eu-west-1": {"detector": det_eu, "ai_protection": None}}

    # Event history (LookupEvents); awsRegion = the Region seeded
    curator = role_identity(a, "model-curator")
    events(m, "us-east-1", [  # THR-001
        {"eventName": "PutUseCaseForModelAccess", "daysAgo": 4, "userIdentity": curator,
         "requestParameters": {"formData": "eyJjb21wYW55TmFtZSI6ICJFeGFtcGxlIn0="}},
        {"eventName": "Subscribe", "eventSource": "aws-marketplace.amazonaws.com", "daysAgo": 4,
         "userIdentity": curator, "requestParameters": {"productId": "prod-example-claude"}}])
    alice_key = m.c("iam").list_access_keys(UserName="dev-alice")["AccessKeyMetadata"][0]["AccessKeyId"]
    alice = {"type": "IAMUser", "principalId": "AIDAEXAMPLEDEVALICE", "arn": f"arn:aws:iam::{a}:user/dev-alice",
             "accountId": a, "accessKeyId": alice_key, "userName": "dev-alice"}
    # THR-002: 25 ListFoundationModels in 25 minutes, GetFoundationModelAvailability in 3 Regions,
    # then THR-004: InvokeModel with the long-term key (IAMUser, AKIA...)
    recon = [{"eventName": "ListFoundationModels", "minutesAgo": 150 - i, "userIdentity": alice, "readOnly": True}
             for i in range(25)]
    avail = lambda mins: {"eventName": "GetFoundationModelAvailability", "minutesAgo": mins, "userIdentity": alice,
                          "readOnly": True, "requestParameters": {"modelId": SONNET35}}
    invoke = lambda mins, region: {"eventName": "InvokeModel", "minutesAgo": mins, "userIdentity": alice,
                                   "requestParameters": {"modelId": f"arn:aws:bedrock:{region}::foundation-model/"
                                                                    f"{SONNET35}"}}
    events(m, "us-east-1", recon + [avail(120)] + [invoke(110 - 5 * i, "us-east-1") for i in range(4)])
    events(m, "eu-west-1", [avail(118)])
    # THR-005: the attacker also invokes in ap-northeast-1, whose only Bedrock evidence is event history
    events(m, "ap-northeast-1", [avail(116), invoke(100, "ap-northeast-1"), invoke(95, "ap-northeast-1")])
    # THR-003: a non-administrator removes invocation logging in ap-northeast-1
    events(m, "ap-northeast-1", [{"eventName": "DeleteModelInvocationLoggingConfiguration", "daysAgo": 2,
                                  "userIdentity": role_identity(a, "data-science")}])
    u["events"] = {"model_access_principal": f"arn:aws:iam::{a}:role/model-curator",
                   "llmjacking_user": f"arn:aws:iam::{a}:user/dev-alice", "llmjacking_key": alice_key,
                   "recon_regions": ["us-east-1", "eu-west-1", "ap-northeast-1"],
                   "defence_removed": {"region": "ap-northeast-1", "principal": f"arn:aws:iam::{a}:role/data-science"},
                   "unexpected_invocation_region": "ap-northeast-1"}

    # RES-001/RES-002 payments-prod (eu): EU profile served in eu-central-1, global profile served in us-east-2
    r = "eu-west-1"
    eu_prof = f"arn:aws:bedrock:{r}:{pay.id}:inference-profile/eu.{SONNET37}"
    glob = f"arn:aws:bedrock:{r}:{pay.id}:inference-profile/global.{SONNET45}"
    pc = role_identity(pay.id, "payments-chat")
    res_ev = lambda name, days, model, served: {"eventName": name, "daysAgo": days, "userIdentity": pc,
                                                "requestParameters": {"modelId": model},
                                                "additionalEventData": {"inferenceRegion": served}}
    events(pay, r, [res_ev("InvokeModel", 2.5, eu_prof, "eu-central-1"), res_ev("Converse", 3.5, eu_prof, "eu-central-1"),
                    res_ev("InvokeModel", 1.5, glob, "us-east-2"), res_ev("Converse", 6.5, glob, "us-east-2")])
    res(pay, "usage")["residency"] = {"region": r, "eu_profile": eu_prof, "global_profile": glob,
                                      "outside_events": 2, "outside_region": "us-east-2"}
    # ai-prod (us): us. profile served in us-west-2 only
    us_prof = f"arn:aws:bedrock:us-east-1:{prod.id}:inference-profile/us.{SONNET37}"
    events(prod, "us-east-1", [{"eventName": "InvokeModel", "daysAgo": 2.5 + i, "username": "ai-prod-invoker",
                                "requestParameters": {"modelId": us_prof},
                                "additionalEventData": {"inferenceRegion": "us-west-2"}} for i in range(2)])
    res(prod, "usage")["residency"] = {"region": "us-east-1", "us_profile": us_prof, "served_in": ["us-west-2"]}


def usage_outcomes(accounts):
    """The COST, ABUSE AND RESIDENCY block's intentions, in intended_outcomes' format
    (they join intended_outcomes in the manifest)."""
    u = MANIFEST["resources"][MGMT]["usage"]
    pay, prod = accounts["payments-prod"], accounts["ai-prod"]
    prof = u["application_inference_profiles"]
    q = u["service_quotas"]["us-east-1"]
    alice = f"arn:aws:iam::{MGMT}:user/dev-alice"
    org_arn = MANIFEST["organization"]["arn"]
    out = [
        ("USE-001", "pass", MGMT, None, None),
        ("USE-001", "fail", prod, None, None),
        ("USE-002", "fail", MGMT, None, None),
        ("USE-002", "pass", pay, None, None),
        ("USE-002", "pass", prod, None, None),
        ("USE-003", "pass", MGMT, "us-east-1", None),
        ("USE-003", "fail", MGMT, "eu-west-1", None),
        ("USE-004", "pass", MGMT, "us-east-1", prof["chat-app-profile"]["arn"]),
        ("USE-004", "fail", MGMT, "us-east-1", prof["untagged-profile"]["arn"]),
        ("USE-005", "fail", MGMT, None, f"{org_arn}/costallocationtag/tenant"),
        ("USE-005", "pass", MGMT, None, f"{org_arn}/costallocationtag/workload"),
        ("USE-006", "fail", MGMT, "us-east-1", q[BEDROCK_TOKENS_QUOTA]["arn"]),
        # a Region whose quotas are all at AWS's default passes as a whole (us-east-1 has the
        # raised one); one finding per quota at default would bury the raised ones
        ("USE-006", "pass", MGMT, "eu-west-1", None),
        ("THR-001", "fail", MGMT, None, f"arn:aws:iam::{MGMT}:role/model-curator"),
        ("THR-002", "fail", MGMT, None, alice),
        ("THR-004", "fail", MGMT, None, alice),
        ("THR-003", "fail", MGMT, "ap-northeast-1", None),
        ("THR-005", "fail", MGMT, "ap-northeast-1", None),
        ("THR-006", "pass", MGMT, "us-east-1", None),
        ("THR-006", "fail", MGMT, "eu-west-1", None),
        ("RES-001", "fail", pay, "eu-west-1", None),
        ("RES-002", "fail", pay, "eu-west-1", MANIFEST["resources"][pay]["usage"]["residency"]["global_profile"]),
        ("RES-001", "pass", prod, "us-east-1", None),
        ("RES-002", "pass", pay, "eu-west-1", MANIFEST["resources"][pay]["usage"]["residency"]["eu_profile"]),
        # the clean side of each threat signal: payments-prod's whole history shows none
        # of them, nor does the management account's us-east-1 remove a defence or invoke
        # where nothing else shows Bedrock
        ("THR-001", "pass", pay, None, f"arn:aws:iam::{pay}:root"),
        ("THR-002", "pass", pay, None, f"arn:aws:iam::{pay}:root"),
        ("THR-004", "pass", pay, None, f"arn:aws:iam::{pay}:root"),
        ("THR-003", "pass", MGMT, "us-east-1", None),
        ("THR-005", "pass", MGMT, "us-east-1", None),
    ]
    return [{"check": c, "expect": e, "account": a, "region": rg, "resource": res_} for c, e, a, rg, res_ in out]


def main():
    global ENDPOINT
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--endpoint", required=True, help="emulator URL printed by start.sh")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".run", "demo.json"))
    ap.add_argument("--members", type=int, default=0, help="extra generic member accounts under a Bench OU")
    args = ap.parse_args()
    ENDPOINT = args.endpoint.rstrip("/")
    t0 = time.time()
    post("/moto-api/reset")
    post("/_shim/reset")
    post("/moto-api/seed?a=42")
    MANIFEST.update({"schema": 1, "endpoint": ENDPOINT, "seed": 42, "management_account_id": MGMT,
                     "access_role_name": ACCESS_ROLE,
                     "regions": {"bedrock_active": ACTIVE, "in_scope_unused": UNUSED},
                     "organization": {}, "ous": [], "accounts": [], "scps": [], "resources": {MGMT: {}}})
    mgmt = Account(MGMT)
    accounts = build_org(mgmt, args.members)
    seed_management(mgmt)
    members = {name: Account.assume(mgmt, aid) for name, aid in accounts.items()}
    for name, fn in [("payments-prod", seed_payments), ("ai-prod", seed_ai_prod), ("ai-dev", seed_ai_dev),
                     ("sandbox-1", seed_sandbox1), ("sandbox-2", seed_sandbox2)]:
        fn(members[name])
    for i in range(1, args.members + 1):
        seed_bench(members[f"bench-{i:03d}"], i)
    delete_access_role(members["legacy"])
    try:  # proves the emulator denies it, as AWS would
        Account.assume(mgmt, accounts["legacy"])
        raise SystemExit("seed_demo.py: AssumeRole into legacy unexpectedly succeeded")
    except mgmt.c("sts").exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == "AccessDenied", e
    seed_estate(mgmt)  # last: the ids of everything above stay what they were before the estate
    seed_estate_stores(mgmt)  # after the estate, for the same reason
    seed_usage(mgmt, members, accounts)  # after the estate and its stores, for the same reason
    MANIFEST["intended_outcomes"] = (intended_outcomes(accounts) + estate_outcomes(accounts)
                                     + usage_outcomes(accounts))
    MANIFEST["seconds"] = round(time.time() - t0, 2)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(MANIFEST, f, indent=2, sort_keys=False)
    print(f"seed_demo.py: {len(MANIFEST['accounts'])} accounts seeded in {MANIFEST['seconds']} s; manifest {args.out}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
