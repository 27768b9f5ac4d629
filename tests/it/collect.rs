//! Collector conversions driven by mocked SDK clients (aws-smithy-mocks): pagination,
//! policy decoding, missing optional fields, errors becoming gaps, "not configured"
//! answers becoming `Absent`.

use aws_smithy_mocks::{
    MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock, mock_client,
};
use aws_smithy_types::error::ErrorMetadata;
use perimeter::collect::CallContext;
use perimeter::model::Probe;

const ACCOUNT: &str = "111122223333";

fn err_meta(code: &str, message: &str) -> ErrorMetadata {
    ErrorMetadata::builder().code(code).message(message).build()
}

fn encode(json: &str) -> String {
    percent_encoding::utf8_percent_encode(json, percent_encoding::NON_ALPHANUMERIC).to_string()
}

// ------------------------------------------------------------------ IAM

mod iam {
    use super::*;
    use aws_sdk_iam::Client;
    use aws_sdk_iam::operation::get_account_authorization_details::{
        GetAccountAuthorizationDetailsError, GetAccountAuthorizationDetailsOutput,
    };
    use aws_sdk_iam::operation::get_policy::GetPolicyOutput;
    use aws_sdk_iam::operation::get_policy_version::GetPolicyVersionOutput;
    use aws_sdk_iam::operation::list_service_specific_credentials::ListServiceSpecificCredentialsOutput;
    use aws_sdk_iam::operation::list_users::ListUsersOutput;
    use aws_sdk_iam::types::{
        AttachedPermissionsBoundary, AttachedPolicy, ManagedPolicyDetail, Policy, PolicyDetail,
        PolicyVersion, RoleDetail, RoleLastUsed, ServiceSpecificCredentialMetadata, StatusType,
        Tag, User, UserDetail,
    };
    use aws_smithy_types::DateTime;

    const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    const INVOKE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*"}]}"#;
    const FULL: &str = "arn:aws:iam::aws:policy/AmazonBedrockFullAccess";
    const LOCAL: &str = "arn:aws:iam::111122223333:policy/team/app-invoke";

    fn page_one() -> GetAccountAuthorizationDetailsOutput {
        GetAccountAuthorizationDetailsOutput::builder()
            .role_detail_list(
                RoleDetail::builder()
                    .role_name("app")
                    .arn("arn:aws:iam::111122223333:role/app")
                    .path("/")
                    .role_id("AROA1")
                    .create_date(DateTime::from_secs(1_700_000_000))
                    // URL-encoded, as real IAM returns it.
                    .assume_role_policy_document(encode(TRUST))
                    .role_policy_list(
                        PolicyDetail::builder()
                            .policy_name("invoke")
                            .policy_document(encode(INVOKE))
                            .build(),
                    )
                    .attached_managed_policies(
                        AttachedPolicy::builder()
                            .policy_name("AmazonBedrockFullAccess")
                            .policy_arn(FULL)
                            .build(),
                    )
                    .permissions_boundary(
                        AttachedPermissionsBoundary::builder()
                            .permissions_boundary_arn(LOCAL)
                            .build(),
                    )
                    .tags(
                        Tag::builder()
                            .key("workload")
                            .value("chat")
                            .build()
                            .unwrap(),
                    )
                    .role_last_used(
                        RoleLastUsed::builder()
                            .last_used_date(DateTime::from_secs(1_710_000_000))
                            .region("eu-west-1")
                            .build(),
                    )
                    .build(),
            )
            .is_truncated(true)
            .marker("page-2")
            .build()
    }

    fn page_two() -> GetAccountAuthorizationDetailsOutput {
        GetAccountAuthorizationDetailsOutput::builder()
            // Raw JSON (moto's GAAD trust policy); no tags, no boundary, no RoleLastUsed.
            .role_detail_list(
                RoleDetail::builder()
                    .role_name("bare")
                    .arn("arn:aws:iam::111122223333:role/bare")
                    .assume_role_policy_document(TRUST)
                    .build(),
            )
            .user_detail_list(
                UserDetail::builder()
                    .user_name("alice")
                    .arn("arn:aws:iam::111122223333:user/alice")
                    .group_list("devs")
                    .attached_managed_policies(AttachedPolicy::builder().policy_arn(LOCAL).build())
                    .build(),
            )
            // moto omits PolicyName: the name comes from the ARN.
            .policies(
                ManagedPolicyDetail::builder()
                    .arn(LOCAL)
                    .default_version_id("v2")
                    .policy_version_list(
                        PolicyVersion::builder()
                            .version_id("v1")
                            .is_default_version(false)
                            .document(encode(r#"{"Version":"2012-10-17","Statement":[]}"#))
                            .build(),
                    )
                    .policy_version_list(
                        PolicyVersion::builder()
                            .version_id("v2")
                            .is_default_version(true)
                            .document(encode(INVOKE))
                            .build(),
                    )
                    .build(),
            )
            .is_truncated(false)
            .build()
    }

    fn rules() -> Vec<Rule> {
        vec![
            mock!(Client::get_account_authorization_details)
                .match_requests(|r| r.marker().is_none())
                .then_output(page_one),
            mock!(Client::get_account_authorization_details)
                .match_requests(|r| r.marker() == Some("page-2"))
                .then_output(page_two),
            mock!(Client::get_policy)
                .match_requests(|r| r.policy_arn() == Some(FULL))
                .then_output(|| {
                    GetPolicyOutput::builder()
                        .policy(
                            Policy::builder()
                                .arn(FULL)
                                .policy_name("AmazonBedrockFullAccess")
                                .default_version_id("v11")
                                .build(),
                        )
                        .build()
                }),
            mock!(Client::get_policy_version)
                .match_requests(|r| r.policy_arn() == Some(FULL) && r.version_id() == Some("v11"))
                .then_output(|| {
                    GetPolicyVersionOutput::builder()
                        .policy_version(
                            PolicyVersion::builder()
                                .version_id("v11")
                                .is_default_version(true)
                                // Raw JSON, as moto's GetPolicyVersion returns it.
                                .document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:*","Resource":"*"}]}"#)
                                .build(),
                        )
                        .build()
                }),
            mock!(Client::list_users).then_output(|| {
                ListUsersOutput::builder()
                    .users(
                        User::builder()
                            .user_name("alice")
                            .arn("arn:aws:iam::111122223333:user/alice")
                            .path("/")
                            .user_id("AIDA1")
                            .create_date(DateTime::from_secs(1_600_000_000))
                            .password_last_used(DateTime::from_secs(1_720_000_000))
                            .build()
                            .unwrap(),
                    )
                    .build()
                    .unwrap()
            }),
            mock!(Client::list_service_specific_credentials)
                .match_requests(|r| r.user_name() == Some("alice"))
                .then_output(|| {
                    ListServiceSpecificCredentialsOutput::builder()
                        .service_specific_credentials(
                            ServiceSpecificCredentialMetadata::builder()
                                .user_name("alice")
                                .status(StatusType::Active)
                                .service_user_name("alice-at-1")
                                .create_date(DateTime::from_secs(1_730_000_000))
                                .service_specific_credential_id("ACCA1")
                                .service_name("bedrock.amazonaws.com")
                                .build()
                                .unwrap(),
                        )
                        .build()
                }),
        ]
    }

    #[tokio::test]
    async fn gaad_pages_are_merged_and_documents_decoded() {
        let rules = rules();
        let client = mock_client!(aws_sdk_iam, RuleMode::MatchAny, rules.iter());
        let cx = CallContext::new(ACCOUNT, None);
        let iam = perimeter::collect::iam::collect_iam(&client, &cx)
            .await
            .expect("IAM collected");
        assert!(cx.gaps().is_empty(), "unexpected gaps: {:?}", cx.gaps());

        assert_eq!(iam.roles.len(), 2);
        let app = &iam.roles[0];
        assert_eq!(app.name, "app");
        assert_eq!(
            app.trust_policy.value()["Statement"][0]["Action"],
            "sts:AssumeRole"
        );
        assert_eq!(app.inline_policies[0].name, "invoke");
        assert_eq!(
            app.inline_policies[0].document.value()["Statement"][0]["Action"],
            "bedrock:InvokeModel"
        );
        assert_eq!(app.attached_policies, vec![FULL.to_string()]);
        assert_eq!(app.permissions_boundary.as_deref(), Some(LOCAL));
        assert_eq!(app.tags.get("workload").map(String::as_str), Some("chat"));
        assert_eq!(app.last_used_region.as_deref(), Some("eu-west-1"));
        assert!(app.last_used.as_deref().unwrap().starts_with("2024-03-09"));
        assert!(app.created.is_some());

        let bare = &iam.roles[1];
        assert_eq!(bare.trust_policy.value()["Version"], "2012-10-17");
        assert!(bare.tags.is_empty());
        assert_eq!(bare.permissions_boundary, None);
        assert_eq!(bare.last_used, None);
        assert_eq!(bare.path, "/");

        let alice = &iam.users[0];
        assert_eq!(alice.groups, vec!["devs".to_string()]);
        assert!(alice.password_last_used.is_some());
        let creds = alice
            .service_credentials
            .found()
            .expect("credentials listed");
        assert_eq!(creds.len(), 1);
        assert_eq!(creds[0].service_name, "bedrock.amazonaws.com");
        assert_eq!(creds[0].status, "Active");

        // Customer-managed (name from the ARN, default version) and AWS-managed policies.
        assert_eq!(iam.policies.len(), 2);
        let local = iam.policies.iter().find(|p| p.arn == LOCAL).unwrap();
        assert_eq!(local.name, "app-invoke");
        assert!(!local.aws_managed);
        assert_eq!(local.version_id, "v2");
        assert_eq!(
            local.document.value()["Statement"][0]["Action"],
            "bedrock:InvokeModel"
        );
        let full = iam.policies.iter().find(|p| p.arn == FULL).unwrap();
        assert!(full.aws_managed);
        assert_eq!(full.name, "AmazonBedrockFullAccess");
        assert_eq!(full.version_id, "v11");
        assert_eq!(full.document.value()["Statement"][0]["Action"], "bedrock:*");

        // Every call is counted.
        let calls = cx.api_calls();
        let count = |op: &str| {
            calls
                .iter()
                .find(|c| c.operation == op)
                .map(|c| c.count)
                .unwrap_or(0)
        };
        assert_eq!(count("GetAccountAuthorizationDetails"), 2);
        assert_eq!(count("GetPolicy"), 1);
        assert_eq!(count("GetPolicyVersion"), 1);
        assert_eq!(count("ListServiceSpecificCredentials"), 1);
        assert!(
            calls
                .iter()
                .all(|c| c.account == ACCOUNT && c.region == "global" && c.service == "iam")
        );
    }

    #[tokio::test]
    async fn aws_managed_documents_are_cached_for_the_run() {
        let rules = rules();
        let client = mock_client!(aws_sdk_iam, RuleMode::MatchAny, rules.iter());
        let run = perimeter::collect::RunShared::new(8);
        for account in ["111111111111", "222222222222"] {
            let cx = CallContext::with_run(account, None, run.clone(), 4);
            let iam = perimeter::collect::iam::collect_iam(&client, &cx)
                .await
                .unwrap();
            assert!(
                iam.policies
                    .iter()
                    .any(|p| p.arn == FULL && !p.document.is_null())
            );
        }
        let get_policy = &rules[2];
        assert_eq!(get_policy.num_calls(), 1, "GetPolicy once for two accounts");
    }

    #[tokio::test]
    async fn access_denied_becomes_a_gap() {
        let denied = mock!(Client::get_account_authorization_details).then_error(|| {
            GetAccountAuthorizationDetailsError::generic(err_meta(
                "AccessDenied",
                "User: arn:aws:sts::111122223333:assumed-role/audit/x is not authorized to perform: iam:GetAccountAuthorizationDetails",
            ))
        });
        let client = mock_client!(aws_sdk_iam, [&denied]);
        let cx = CallContext::new(ACCOUNT, Some("eu-west-1"));
        let iam = perimeter::collect::iam::collect_iam(&client, &cx).await;
        assert!(iam.is_none(), "IAM unknown when it cannot be read");
        let gaps = cx.gaps();
        assert_eq!(gaps.len(), 1);
        let g = &gaps[0];
        assert_eq!(g.account, ACCOUNT);
        // IAM is global: no Region on its gaps.
        assert_eq!(g.region, None);
        assert_eq!(g.service, "iam");
        assert_eq!(g.operation, "GetAccountAuthorizationDetails");
        assert!(g.error.starts_with("AccessDenied"), "{}", g.error);
    }
}

// ------------------------------------------------------------------ KMS

mod kms {
    use super::*;
    use aws_sdk_kms::Client;
    use aws_sdk_kms::operation::describe_key::DescribeKeyOutput;
    use aws_sdk_kms::operation::get_key_policy::{GetKeyPolicyError, GetKeyPolicyOutput};
    use aws_sdk_kms::operation::get_key_rotation_status::GetKeyRotationStatusOutput;
    use aws_sdk_kms::operation::list_aliases::ListAliasesOutput;
    use aws_sdk_kms::operation::list_keys::ListKeysOutput;
    use aws_sdk_kms::operation::list_resource_tags::ListResourceTagsOutput;
    use aws_sdk_kms::types::{
        AliasListEntry, KeyListEntry, KeyManagerType, KeyMetadata, KeySpec, KeyState, Tag,
    };

    fn meta(id: &str) -> KeyMetadata {
        KeyMetadata::builder()
            .key_id(id)
            .arn(format!("arn:aws:kms:eu-west-1:111122223333:key/{id}"))
            // moto says CUSTOMER for every key.
            .key_manager(KeyManagerType::Customer)
            .key_state(KeyState::Enabled)
            .key_spec(KeySpec::SymmetricDefault)
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn aws_managed_keys_are_recognised_by_alias() {
        let rules = [
            mock!(Client::list_keys).then_output(|| {
                ListKeysOutput::builder()
                    .keys(KeyListEntry::builder().key_id("k-aws").build())
                    .keys(KeyListEntry::builder().key_id("k-app").build())
                    .truncated(false)
                    .build()
            }),
            mock!(Client::list_aliases).then_output(|| {
                ListAliasesOutput::builder()
                    .aliases(
                        AliasListEntry::builder()
                            .alias_name("alias/aws/s3")
                            .target_key_id("k-aws")
                            .build(),
                    )
                    .aliases(
                        AliasListEntry::builder()
                            .alias_name("alias/app")
                            .target_key_id("k-app")
                            .build(),
                    )
                    .build()
            }),
            mock!(Client::describe_key)
                .match_requests(|r| r.key_id() == Some("k-aws"))
                .then_output(|| {
                    DescribeKeyOutput::builder()
                        .key_metadata(meta("k-aws"))
                        .build()
                }),
            mock!(Client::describe_key)
                .match_requests(|r| r.key_id() == Some("k-app"))
                .then_output(|| {
                    DescribeKeyOutput::builder()
                        .key_metadata(meta("k-app"))
                        .build()
                }),
            mock!(Client::get_key_rotation_status)
                .match_requests(|r| r.key_id() == Some("k-app"))
                .then_output(|| {
                    GetKeyRotationStatusOutput::builder()
                        .key_rotation_enabled(true)
                        .build()
                }),
            mock!(Client::get_key_policy)
                .match_requests(|r| r.key_id() == Some("k-app"))
                .then_output(|| {
                    GetKeyPolicyOutput::builder()
                        .policy(r#"{"Version":"2012-10-17","Statement":[]}"#)
                        .build()
                }),
            mock!(Client::get_key_policy)
                .match_requests(|r| r.key_id() == Some("k-aws"))
                .then_error(|| GetKeyPolicyError::generic(err_meta("AccessDeniedException", "no"))),
            mock!(Client::list_resource_tags).then_output(|| {
                ListResourceTagsOutput::builder()
                    .tags(
                        Tag::builder()
                            .tag_key("environment")
                            .tag_value("prod")
                            .build()
                            .unwrap(),
                    )
                    .build()
            }),
        ];
        let client = mock_client!(aws_sdk_kms, RuleMode::MatchAny, rules.iter());
        let cx = CallContext::new(ACCOUNT, Some("eu-west-1"));
        let kms = perimeter::collect::kms::collect_kms(&client, &cx)
            .await
            .unwrap();
        assert_eq!(kms.keys.len(), 2);
        let aws = kms.keys.iter().find(|k| k.id == "k-aws").unwrap();
        assert_eq!(aws.manager, "AWS");
        assert!(!aws.is_customer_managed());
        assert_eq!(aws.rotation_enabled, Probe::Absent);
        assert!(aws.policy.is_unknown());
        let app = kms.keys.iter().find(|k| k.id == "k-app").unwrap();
        assert!(app.is_customer_managed());
        assert_eq!(app.rotation_enabled, Probe::Found(true));
        assert_eq!(app.aliases, vec!["alias/app".to_string()]);
        assert_eq!(
            app.tags.get("environment").map(String::as_str),
            Some("prod")
        );
        assert!(app.policy.found().is_some());
        assert_eq!(app.spec, "SYMMETRIC_DEFAULT");

        // The denied key policy is a gap with Region and resource.
        let gaps = cx.gaps();
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        assert_eq!(gaps[0].region.as_deref(), Some("eu-west-1"));
        assert_eq!(gaps[0].service, "kms");
        assert_eq!(gaps[0].operation, "GetKeyPolicy");
        assert_eq!(
            gaps[0].resource.as_deref(),
            Some("arn:aws:kms:eu-west-1:111122223333:key/k-aws")
        );
        assert!(cx.api_calls().iter().all(|c| c.region == "eu-west-1"));
    }
}

// ------------------------------------------------------------------ S3

mod s3 {
    use super::*;
    use aws_sdk_s3::Client;
    use aws_sdk_s3::operation::get_bucket_encryption::{
        GetBucketEncryptionError, GetBucketEncryptionOutput,
    };
    use aws_sdk_s3::operation::get_bucket_policy::GetBucketPolicyError;
    use aws_sdk_s3::operation::get_object_lock_configuration::{
        GetObjectLockConfigurationError, GetObjectLockConfigurationOutput,
    };
    use aws_sdk_s3::operation::get_public_access_block::GetPublicAccessBlockError;
    use aws_sdk_s3::types::{
        DefaultRetention, ObjectLockConfiguration, ObjectLockEnabled, ObjectLockRetentionMode,
        ObjectLockRule, ServerSideEncryption, ServerSideEncryptionByDefault,
        ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    };

    #[tokio::test]
    async fn not_configured_answers_are_absent() {
        let rules = [
            mock!(Client::get_bucket_encryption).then_error(|| {
                GetBucketEncryptionError::generic(err_meta(
                    "ServerSideEncryptionConfigurationNotFoundError",
                    "The server side encryption configuration was not found",
                ))
            }),
            mock!(Client::get_public_access_block).then_error(|| {
                GetPublicAccessBlockError::generic(err_meta(
                    "NoSuchPublicAccessBlockConfiguration",
                    "The public access block configuration was not found",
                ))
            }),
            mock!(Client::get_bucket_policy).then_error(|| {
                GetBucketPolicyError::generic(err_meta(
                    "NoSuchBucketPolicy",
                    "The bucket policy does not exist",
                ))
            }),
            mock!(Client::get_object_lock_configuration).then_error(|| {
                GetObjectLockConfigurationError::generic(err_meta(
                    "ObjectLockConfigurationNotFoundError",
                    "Object Lock configuration does not exist for this bucket",
                ))
            }),
        ];
        let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, rules.iter());
        let cx = CallContext::new(ACCOUNT, Some("us-east-1"));
        let b = perimeter::collect::s3::collect_bucket(
            &client,
            &cx,
            "logs-bucket",
            "us-east-1",
            vec!["invocation-logs".into()],
        )
        .await;
        assert!(cx.gaps().is_empty(), "{:?}", cx.gaps());
        assert!(b.encryption.is_absent());
        assert!(b.public_access_block.is_absent());
        assert!(b.policy.is_absent());
        assert!(b.object_lock.is_absent());
        assert_eq!(b.roles, vec!["invocation-logs".to_string()]);
    }

    #[tokio::test]
    async fn configured_and_denied() {
        let rules = [
            mock!(Client::get_bucket_encryption).then_output(|| {
                GetBucketEncryptionOutput::builder()
                    .server_side_encryption_configuration(
                        ServerSideEncryptionConfiguration::builder()
                            .rules(
                                ServerSideEncryptionRule::builder()
                                    .apply_server_side_encryption_by_default(
                                        ServerSideEncryptionByDefault::builder()
                                            .sse_algorithm(ServerSideEncryption::AwsKms)
                                            .kms_master_key_id(
                                                "arn:aws:kms:us-east-1:111122223333:key/k1",
                                            )
                                            .build()
                                            .unwrap(),
                                    )
                                    .bucket_key_enabled(true)
                                    .build(),
                            )
                            .build()
                            .unwrap(),
                    )
                    .build()
            }),
            mock!(Client::get_public_access_block).then_error(|| {
                GetPublicAccessBlockError::generic(err_meta("AccessDenied", "Access Denied"))
            }),
            mock!(Client::get_bucket_policy).then_error(|| {
                GetBucketPolicyError::generic(err_meta("NoSuchBucketPolicy", "none"))
            }),
            mock!(Client::get_object_lock_configuration).then_output(|| {
                GetObjectLockConfigurationOutput::builder()
                    .object_lock_configuration(
                        ObjectLockConfiguration::builder()
                            .object_lock_enabled(ObjectLockEnabled::Enabled)
                            .rule(
                                ObjectLockRule::builder()
                                    .default_retention(
                                        DefaultRetention::builder()
                                            .mode(ObjectLockRetentionMode::Compliance)
                                            .days(365)
                                            // moto adds Years: 0.
                                            .years(0)
                                            .build(),
                                    )
                                    .build(),
                            )
                            .build(),
                    )
                    .build()
            }),
        ];
        let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, rules.iter());
        let cx = CallContext::new(ACCOUNT, Some("us-east-1"));
        let b = perimeter::collect::s3::collect_bucket(
            &client,
            &cx,
            "trail-bucket",
            "us-east-1",
            vec![],
        )
        .await;
        let enc = b.encryption.found().unwrap();
        assert_eq!(enc.algorithm, "aws:kms");
        assert!(enc.bucket_key_enabled);
        assert!(b.public_access_block.is_unknown());
        let lock = b.object_lock.found().unwrap();
        assert!(lock.enabled);
        assert_eq!(lock.mode.as_deref(), Some("COMPLIANCE"));
        assert_eq!(lock.days, Some(365));
        assert_eq!(lock.years, None);
        let gaps = cx.gaps();
        assert_eq!(gaps.len(), 1);
        assert_eq!(gaps[0].operation, "GetPublicAccessBlock");
        assert_eq!(gaps[0].service, "s3");
        assert_eq!(gaps[0].region.as_deref(), Some("us-east-1"));
        assert_eq!(
            gaps[0].resource.as_deref(),
            Some("arn:aws:s3:::trail-bucket")
        );
    }
}

// ------------------------------------------------------------------ Bedrock

mod bedrock {
    use super::*;
    use aws_sdk_bedrock::Client;
    use aws_sdk_bedrock::operation::get_guardrail::GetGuardrailOutput;
    use aws_sdk_bedrock::operation::get_model_invocation_logging_configuration::GetModelInvocationLoggingConfigurationOutput;
    use aws_sdk_bedrock::operation::list_custom_models::ListCustomModelsOutput;
    use aws_sdk_bedrock::operation::list_guardrails::ListGuardrailsOutput;
    use aws_sdk_bedrock::operation::list_inference_profiles::ListInferenceProfilesOutput;
    use aws_sdk_bedrock::operation::list_tags_for_resource::ListTagsForResourceOutput;
    use aws_sdk_bedrock::types::{
        GuardrailContentFilter, GuardrailContentFilterType, GuardrailContentFiltersTier,
        GuardrailContentFiltersTierName, GuardrailContentPolicy, GuardrailFilterStrength,
        GuardrailPiiEntity, GuardrailPiiEntityType, GuardrailSensitiveInformationAction,
        GuardrailSensitiveInformationPolicy, GuardrailStatus, GuardrailSummary,
        InferenceProfileModel, InferenceProfileStatus, InferenceProfileSummary,
        InferenceProfileType, Tag,
    };
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::DateTime;
    use aws_smithy_types::body::SdkBody;

    const GR_ARN: &str = "arn:aws:bedrock:us-east-1:111122223333:guardrail/gr1";

    fn summary(version: &str) -> GuardrailSummary {
        GuardrailSummary::builder()
            .id("gr1")
            .arn(GR_ARN)
            .status(GuardrailStatus::Ready)
            .name("chat")
            .version(version)
            .created_at(DateTime::from_secs(0))
            .updated_at(DateTime::from_secs(0))
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn logging_absent_guardrail_detail_and_unimplemented_operation() {
        let rules = vec![
            mock!(Client::get_model_invocation_logging_configuration)
                .then_output(|| GetModelInvocationLoggingConfigurationOutput::builder().build()),
            mock!(Client::list_guardrails)
                .match_requests(|r| r.guardrail_identifier().is_none())
                .then_output(|| ListGuardrailsOutput::builder().guardrails(summary("DRAFT")).build().unwrap()),
            mock!(Client::list_guardrails)
                .match_requests(|r| r.guardrail_identifier() == Some("gr1"))
                .then_output(|| {
                    ListGuardrailsOutput::builder()
                        .guardrails(summary("DRAFT"))
                        .guardrails(summary("2"))
                        .guardrails(summary("1"))
                        .build()
                        .unwrap()
                }),
            mock!(Client::get_guardrail).then_output(|| {
                GetGuardrailOutput::builder()
                    .name("chat")
                    .guardrail_id("gr1")
                    .guardrail_arn(GR_ARN)
                    .version("DRAFT")
                    .status(GuardrailStatus::Ready)
                    .content_policy(
                        GuardrailContentPolicy::builder()
                            .filters(
                                GuardrailContentFilter::builder()
                                    .r#type(GuardrailContentFilterType::PromptAttack)
                                    .input_strength(GuardrailFilterStrength::High)
                                    .output_strength(GuardrailFilterStrength::None)
                                    .build()
                                    .unwrap(),
                            )
                            .tier(
                                GuardrailContentFiltersTier::builder()
                                    .tier_name(GuardrailContentFiltersTierName::Standard)
                                    .build()
                                    .unwrap(),
                            )
                            .build(),
                    )
                    .sensitive_information_policy(
                        GuardrailSensitiveInformationPolicy::builder()
                            .pii_entities(
                                GuardrailPiiEntity::builder()
                                    .r#type(GuardrailPiiEntityType::Email)
                                    .action(GuardrailSensitiveInformationAction::Anonymize)
                                    .build()
                                    .unwrap(),
                            )
                            .build(),
                    )
                    .kms_key_arn("arn:aws:kms:us-east-1:111122223333:key/k1")
                    .created_at(DateTime::from_secs(0))
                    .updated_at(DateTime::from_secs(0))
                    .blocked_input_messaging("no")
                    .blocked_outputs_messaging("no")
                    .build()
                    .unwrap()
            }),
            mock!(Client::list_tags_for_resource).then_output(|| {
                ListTagsForResourceOutput::builder()
                    .tags(Tag::builder().key("tenant").value("a").build().unwrap())
                    .build()
            }),
            mock!(Client::list_inference_profiles)
                .match_requests(|r| r.type_equals() == Some(&InferenceProfileType::SystemDefined))
                .then_output(|| {
                    ListInferenceProfilesOutput::builder()
                        .inference_profile_summaries(
                            InferenceProfileSummary::builder()
                                .inference_profile_name("US Claude")
                                .inference_profile_arn("arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0")
                                .inference_profile_id("us.anthropic.claude-3-haiku-20240307-v1:0")
                                .status(InferenceProfileStatus::Active)
                                .r#type(InferenceProfileType::SystemDefined)
                                .models(InferenceProfileModel::builder().model_arn("arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0").build())
                                .models(InferenceProfileModel::builder().model_arn("arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0").build())
                                .build()
                                .unwrap(),
                        )
                        .build()
                }),
            mock!(Client::list_inference_profiles)
                .match_requests(|r| r.type_equals() == Some(&InferenceProfileType::Application))
                .then_output(|| ListInferenceProfilesOutput::builder().build()),
            mock!(Client::list_custom_models).then_output(|| ListCustomModelsOutput::builder().build()),
            mock!(Client::list_model_invocation_jobs).then_output(|| {
                aws_sdk_bedrock::operation::list_model_invocation_jobs::ListModelInvocationJobsOutput::builder().build()
            }),
            mock!(Client::get_resource_policy).then_output(|| {
                aws_sdk_bedrock::operation::get_resource_policy::GetResourcePolicyOutput::builder().build()
            }),
            // The endpoint does not implement this operation.
            mock!(Client::list_enforced_guardrails_configuration).then_http_response(|| {
                HttpResponse::new(
                    StatusCode::try_from(501).unwrap(),
                    SdkBody::from(r#"{"message":"not implemented"}"#),
                )
            }),
        ];
        let client = mock_client!(aws_sdk_bedrock, RuleMode::MatchAny, rules.iter());
        let cx = CallContext::new(ACCOUNT, Some("us-east-1"));
        let b = perimeter::collect::bedrock::collect_bedrock(&client, &cx, 90).await;

        assert!(b.logging.is_absent());
        let gr = &b.guardrails.as_ref().unwrap()[0];
        assert!(gr.detail_collected);
        assert_eq!(gr.versions, vec!["1".to_string(), "2".to_string()]);
        assert_eq!(gr.content_filters[0].kind, "PROMPT_ATTACK");
        assert_eq!(gr.content_filters[0].input_strength, "HIGH");
        assert_eq!(gr.content_tier.as_deref(), Some("STANDARD"));
        assert_eq!(gr.pii_entities[0].kind, "EMAIL");
        assert_eq!(gr.pii_entities[0].action, "ANONYMIZE");
        assert_eq!(gr.tags.get("tenant").map(String::as_str), Some("a"));
        assert!(gr.kms_key_arn.is_some());
        let profiles = b.inference_profiles.as_ref().unwrap();
        assert_eq!(profiles.len(), 1);
        assert_eq!(profiles[0].kind, "SYSTEM_DEFINED");
        assert_eq!(profiles[0].models.len(), 2);
        assert_eq!(b.custom_models, Some(vec![]));

        // Not implemented: a gap, and the data stays unknown.
        assert_eq!(b.enforced_guardrails, None);
        let gaps = cx.gaps();
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        assert_eq!(gaps[0].operation, "ListEnforcedGuardrailsConfiguration");
        assert!(gaps[0].error.contains("501"), "{}", gaps[0].error);
    }
}

// ------------------------------------------------------------------ EC2 (no test-util: a hand-built client)

mod ec2 {
    use super::*;
    use aws_sdk_ec2::Client;
    use aws_sdk_ec2::operation::describe_network_interfaces::DescribeNetworkInterfacesOutput;
    use aws_sdk_ec2::operation::describe_security_groups::DescribeSecurityGroupsOutput;
    use aws_sdk_ec2::operation::describe_vpc_endpoints::DescribeVpcEndpointsOutput;
    use aws_sdk_ec2::operation::describe_vpcs::DescribeVpcsOutput;
    use aws_sdk_ec2::types::{
        IpPermission, IpRange, NetworkInterface, NetworkInterfaceType, SecurityGroup,
        SecurityGroupIdentifier, State, Vpc, VpcEndpoint, VpcEndpointType,
    };

    fn client(rules: &[Rule]) -> Client {
        let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
        for r in rules {
            interceptor = interceptor.with_rule(r);
        }
        let conf = aws_sdk_ec2::Config::builder()
            .behavior_version(aws_sdk_ec2::config::BehaviorVersion::latest())
            .region(aws_sdk_ec2::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_ec2::config::Credentials::new(
                "a", "b", None, None, "test",
            ))
            .http_client(create_mock_http_client())
            .interceptor(interceptor)
            .build();
        Client::from_conf(conf)
    }

    #[tokio::test]
    async fn lower_case_state_and_bedrock_filter() {
        let policy =
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;
        let rules = vec![
            mock!(Client::describe_vpcs).then_output(|| {
                DescribeVpcsOutput::builder()
                    .vpcs(
                        Vpc::builder()
                            .vpc_id("vpc-1")
                            .cidr_block("10.0.0.0/16")
                            .is_default(false)
                            .build(),
                    )
                    .build()
            }),
            mock!(Client::describe_network_interfaces).then_output(|| {
                DescribeNetworkInterfacesOutput::builder()
                    .network_interfaces(
                        NetworkInterface::builder()
                            .vpc_id("vpc-1")
                            .interface_type(NetworkInterfaceType::Interface)
                            .build(),
                    )
                    .network_interfaces(
                        NetworkInterface::builder()
                            .vpc_id("vpc-1")
                            .interface_type(NetworkInterfaceType::VpcEndpoint)
                            .build(),
                    )
                    .build()
            }),
            mock!(Client::describe_vpc_endpoints).then_output(move || {
                DescribeVpcEndpointsOutput::builder()
                    .vpc_endpoints(
                        VpcEndpoint::builder()
                            .vpc_endpoint_id("vpce-1")
                            .vpc_id("vpc-1")
                            .service_name("com.amazonaws.us-east-1.bedrock-runtime")
                            .vpc_endpoint_type(VpcEndpointType::Interface)
                            // moto's lower-case state.
                            .state(State::from("available"))
                            .private_dns_enabled(true)
                            .policy_document(policy)
                            .groups(SecurityGroupIdentifier::builder().group_id("sg-1").build())
                            .build(),
                    )
                    .vpc_endpoints(
                        VpcEndpoint::builder()
                            .vpc_endpoint_id("vpce-s3")
                            .vpc_id("vpc-1")
                            .service_name("com.amazonaws.us-east-1.s3")
                            .build(),
                    )
                    .build()
            }),
            mock!(Client::describe_security_groups).then_output(|| {
                DescribeSecurityGroupsOutput::builder()
                    .security_groups(
                        SecurityGroup::builder()
                            .group_id("sg-1")
                            .group_name("endpoints")
                            .vpc_id("vpc-1")
                            .ip_permissions(
                                IpPermission::builder()
                                    .ip_protocol("tcp")
                                    .from_port(443)
                                    .to_port(443)
                                    .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                                    .build(),
                            )
                            .build(),
                    )
                    .build()
            }),
        ];
        let client = client(&rules);
        let cx = CallContext::new(ACCOUNT, Some("us-east-1"));
        let ec2 = perimeter::collect::ec2::collect_ec2(&client, &cx)
            .await
            .unwrap();
        assert!(cx.gaps().is_empty(), "{:?}", cx.gaps());
        assert_eq!(ec2.vpcs.len(), 1);
        assert_eq!(
            ec2.vpcs[0].workload_interfaces,
            Some(1),
            "endpoint interfaces are not workloads"
        );
        assert_eq!(ec2.endpoints.len(), 1, "only Bedrock endpoints are kept");
        let e = &ec2.endpoints[0];
        assert!(e.state.eq_ignore_ascii_case("available"));
        assert_eq!(e.endpoint_type, "Interface");
        assert!(e.private_dns_enabled);
        assert_eq!(e.policy.as_ref().unwrap()["Statement"][0]["Principal"], "*");
        assert_eq!(
            ec2.security_groups[0].ingress[0].ipv4_ranges,
            vec!["0.0.0.0/0".to_string()]
        );
        assert_eq!(ec2.security_groups[0].ingress[0].from_port, Some(443));
    }
}
