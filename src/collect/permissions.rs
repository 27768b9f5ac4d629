//! The read-only IAM policy perimeter needs: every operation the collectors call. It
//! lives with the collectors, so a new collector adds its actions here.

use serde_json::json;

/// The read-only permissions perimeter needs: every operation the collectors call.
pub const READ_ACTIONS: &[&str] = &[
    "sts:GetCallerIdentity",
    "sts:AssumeRole",
    "organizations:DescribeOrganization",
    "organizations:ListRoots",
    "organizations:ListOrganizationalUnitsForParent",
    "organizations:ListAccounts",
    "organizations:ListAccountsForParent",
    "organizations:ListTagsForResource",
    "organizations:ListPolicies",
    "organizations:DescribePolicy",
    "organizations:ListTargetsForPolicy",
    "organizations:ListParents",
    "organizations:ListPoliciesForTarget",
    "organizations:DescribeEffectivePolicy",
    "iam:GetAccountAuthorizationDetails",
    "iam:ListUsers",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:ListServiceSpecificCredentials",
    "kms:ListKeys",
    "kms:ListAliases",
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListResourceTags",
    "bedrock:GetModelInvocationLoggingConfiguration",
    "bedrock:ListGuardrails",
    "bedrock:GetGuardrail",
    "bedrock:ListInferenceProfiles",
    "bedrock:GetInferenceProfile",
    "bedrock:ListCustomModels",
    "bedrock:GetCustomModel",
    "bedrock:ListFoundationModels",
    "bedrock:ListTagsForResource",
    "bedrock:ListEnforcedGuardrailsConfiguration",
    "bedrock:ListModelInvocationJobs",
    "bedrock:GetResourcePolicy",
    // The bedrock-agent API authorises under the `bedrock:` prefix.
    "bedrock:ListAgents",
    "bedrock:GetAgent",
    "bedrock:ListAgentAliases",
    "bedrock:GetAgentVersion",
    "bedrock:ListKnowledgeBases",
    "bedrock:GetKnowledgeBase",
    "bedrock:ListDataSources",
    "bedrock:GetDataSource",
    "bedrock:ListFlows",
    "bedrock:GetFlow",
    "bedrock:ListFlowAliases",
    "bedrock:GetFlowVersion",
    "bedrock:ListPrompts",
    "bedrock:GetPrompt",
    "bedrock-agentcore:ListAgentRuntimes",
    "bedrock-agentcore:GetAgentRuntime",
    "bedrock-agentcore:ListGateways",
    "bedrock-agentcore:GetGateway",
    "bedrock-agentcore:ListMemories",
    "bedrock-agentcore:GetMemory",
    "bedrock-agentcore:GetResourcePolicy",
    "aoss:ListCollections",
    "s3vectors:GetVectorBucket",
    "cloudwatch:GetMetricData",
    "ec2:DescribeRegions",
    "ec2:DescribeVpcs",
    "ec2:DescribeVpcEndpoints",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSecurityGroups",
    "cloudtrail:DescribeTrails",
    "cloudtrail:GetTrailStatus",
    "cloudtrail:GetEventSelectors",
    "cloudtrail:LookupEvents",
    "s3:GetBucketLocation",
    "s3:GetEncryptionConfiguration",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketPolicy",
    "s3:GetBucketObjectLockConfiguration",
    "logs:DescribeLogGroups",
];

/// The policy document, as pretty JSON.
pub fn permissions_policy() -> String {
    let v = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "PerimeterReadOnly",
            "Effect": "Allow",
            "Action": READ_ACTIONS,
            "Resource": "*"
        }]
    });
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}
