#!/usr/bin/env python3
"""Write a synthetic `aws iam get-account-authorization-details` dump with N roles.

Each role has a trust policy, two inline policies (one Bedrock invoke grant, some scoped,
some wildcard), and attached customer-managed and AWS-managed policies; there are N/10
users and N/50 groups. Deterministic for a given N.
    python3 scripts/gen_gaad.py N OUT.json
"""
import json
import random
import sys

n, out = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(n)
acct = "111122223333"


def doc(*stmts):
    return {"Version": "2012-10-17", "Statement": list(stmts)}


ADMIN = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
BEDROCK_FULL = doc({"Effect": "Allow", "Action": ["bedrock:*", "bedrock-mantle:*"], "Resource": "*"},
                   {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::*:role/*AmazonBedrock*"})
READONLY = doc({"Effect": "Allow", "Action": ["bedrock:Get*", "bedrock:List*"], "Resource": "*"})
aws_managed = [("AdministratorAccess", ADMIN), ("AmazonBedrockFullAccess", BEDROCK_FULL),
               ("AmazonBedrockReadOnly", READONLY)]
customer = []
for i in range(max(5, n // 20)):
    customer.append((f"app-policy-{i}", doc(
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"arn:aws:s3:::bucket-{i}/*"},
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*" if i % 3 == 0 else f"arn:aws:kms:us-east-1:{acct}:key/k{i}"},
        {"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": f"arn:aws:sqs:us-east-1:{acct}:q{i}"})))

policies = []
for name, d in aws_managed:
    policies.append({"PolicyName": name, "PolicyId": f"ANPA{len(policies):016d}", "Arn": f"arn:aws:iam::aws:policy/{name}", "Path": "/",
                     "DefaultVersionId": "v1", "AttachmentCount": 1, "IsAttachable": True,
                     "PolicyVersionList": [{"Document": d, "VersionId": "v1", "IsDefaultVersion": True}]})
for name, d in customer:
    policies.append({"PolicyName": name, "PolicyId": f"ANPC{len(policies):016d}", "Arn": f"arn:aws:iam::{acct}:policy/{name}", "Path": "/",
                     "DefaultVersionId": "v1", "AttachmentCount": 1, "IsAttachable": True,
                     "PolicyVersionList": [{"Document": d, "VersionId": "v1", "IsDefaultVersion": True}]})

trust = doc({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})
roles = []
for i in range(n):
    kind = rnd.random()
    if kind < 0.3:
        invoke = doc({"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"})
    elif kind < 0.8:
        invoke = doc({"Effect": "Allow", "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
                      "Resource": f"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
                      "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"},
                                    "StringLike": {"aws:PrincipalTag/workload": "prod-*"}}})
    else:
        invoke = doc({"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"})
    attached = [{"PolicyName": customer[i % len(customer)][0],
                 "PolicyArn": f"arn:aws:iam::{acct}:policy/{customer[i % len(customer)][0]}"}]
    if i % 97 == 0:
        attached.append({"PolicyName": "AmazonBedrockFullAccess", "PolicyArn": "arn:aws:iam::aws:policy/AmazonBedrockFullAccess"})
    if i % 499 == 0:
        attached.append({"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})
    roles.append({"Path": "/", "RoleName": f"role-{i}", "RoleId": f"AROA{i:016d}",
                  "Arn": f"arn:aws:iam::{acct}:role/role-{i}", "CreateDate": "2025-01-01T00:00:00Z",
                  "AssumeRolePolicyDocument": trust, "InstanceProfileList": [],
                  "RolePolicyList": [{"PolicyName": "invoke", "PolicyDocument": invoke},
                                     {"PolicyName": "logs", "PolicyDocument": doc({"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": f"arn:aws:logs:us-east-1:{acct}:log-group:/app/{i}:*"})}],
                  "AttachedManagedPolicies": attached,
                  "Tags": [{"Key": "workload", "Value": f"prod-{i % 7}"}] if i % 2 else [],
                  "RoleLastUsed": {"LastUsedDate": "2026-10-01T00:00:00Z", "Region": "us-east-1"} if i % 3 else {}})
users = [{"Path": "/", "UserName": f"user-{i}", "UserId": f"AIDA{i:016d}", "Arn": f"arn:aws:iam::{acct}:user/user-{i}",
          "CreateDate": "2025-01-01T00:00:00Z", "UserPolicyList": [], "GroupList": [f"group-{i % max(1, n // 50)}"],
          "AttachedManagedPolicies": [], "Tags": []} for i in range(max(1, n // 10))]
groups = [{"Path": "/", "GroupName": f"group-{i}", "GroupId": f"AGPA{i:016d}", "Arn": f"arn:aws:iam::{acct}:group/group-{i}",
           "CreateDate": "2025-01-01T00:00:00Z",
           "GroupPolicyList": [{"PolicyName": "g", "PolicyDocument": doc({"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "arn:aws:bedrock:*::foundation-model/*"})}],
           "AttachedManagedPolicies": []} for i in range(max(1, n // 50))]
json.dump({"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles, "Policies": policies},
          open(out, "w"))
