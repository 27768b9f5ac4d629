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
    // Cost and abuse controls (src/collect/usage.rs). Billing APIs are global and called
    // once per account; Cost Explorer is billed per request.
    "cloudwatch:DescribeAlarms",
    "guardduty:ListDetectors",
    "guardduty:GetDetector",
    "servicequotas:ListServiceQuotas",
    "servicequotas:ListAWSDefaultServiceQuotas",
    "budgets:ViewBudget",
    "budgets:DescribeBudgetActionsForBudget",
    "ce:GetAnomalyMonitors",
    "ce:GetAnomalySubscriptions",
    "ce:ListCostAllocationTags",
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

/// Billing APIs: global, asked once per account (never per Region). Cost Explorer is
/// billed per request, and its cost-allocation tags are read in the payer only.
fn is_billing(action: &str) -> bool {
    action.starts_with("budgets:") || action.starts_with("ce:")
}

/// What `perimeter permissions` says beside the policy (on stderr, so the policy on
/// stdout stays a document to paste).
pub const BILLING_NOTE: &str = "the PerimeterBillingOncePerAccount statement covers AWS Budgets (read once per account) and Cost Explorer (read once per payer: the management account, or an account in no organisation), both from the partition's first Region and never per Region. Cost Explorer charges for each request (USD 0.01 at the time of writing): an audit makes 3 billed requests per payer, whatever the number of accounts and Regions. Without these permissions USE-001/002/005 are unknown (a gap), never failed.";

/// The policy document, as pretty JSON.
pub fn permissions_policy() -> String {
    let (billing, rest): (Vec<&str>, Vec<&str>) =
        READ_ACTIONS.iter().copied().partition(|a| is_billing(a));
    let v = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "PerimeterReadOnly",
            "Effect": "Allow",
            "Action": rest,
            "Resource": "*"
        }, {
            "Sid": "PerimeterBillingOncePerAccount",
            "Effect": "Allow",
            "Action": billing,
            "Resource": "*"
        }]
    });
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}
