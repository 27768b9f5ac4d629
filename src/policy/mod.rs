//! A pure, synchronous IAM policy engine: parse policy documents into a validated AST,
//! evaluate requests with AWS's policy evaluation logic (identity policies, permissions
//! boundaries, SCPs, resource policies incl. KMS key and role trust policies, VPC endpoint
//! policies), and answer analysis questions over the same AST. [`limits`] knows how large
//! each kind of document can be in AWS.
//!
//! ```
//! use perimeter::policy::{evaluate, Context, DecisionEffect, Labeled, Policy, PolicySet, Request};
//! let p = Policy::parse(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow",
//!     "Action":"bedrock:InvokeModel","Resource":"*"}}"#).unwrap();
//! let set = PolicySet { identity: vec![Labeled::new("identity[0]", &p)], ..Default::default() };
//! let req = Request::new("arn:aws:iam::111122223333:role/app", "bedrock:InvokeModel",
//!     "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1");
//! assert_eq!(evaluate(&set, &req).effect, DecisionEffect::Allow);
//! ```

pub mod analysis;
pub mod arn;
pub mod ast;
pub mod condition;
pub mod context;
pub mod error;
pub mod eval;
pub mod ip;
pub mod limits;
mod parse;
pub mod simulate;
mod vars;
pub mod wildcard;

pub use analysis::{
    ActionVerdict, OpenDecision, OpenEffect, RegionVerdict, allowed_actions, evaluate_open,
    evaluate_scp, scp_denied_regions,
};
pub use ast::{
    ActionPattern, ActionSpec, Effect, Policy, PolicyVersion, PrincipalEntry, PrincipalMatch,
    PrincipalSpec, PrincipalType, PrincipalValue, Principals, ResourcePattern, ResourceSpec,
    Statement,
};
pub use condition::{Condition, ConditionValue, Operator, OperatorBase, SetQualifier};
pub use context::{Context, Request, UnknownKeys};
pub use error::PolicyError;
pub use eval::{
    Decision, DecisionEffect, Labeled, PolicySet, Reason, ServiceSemantics, evaluate,
    evaluate_effect,
};
pub use simulate::{Case, SimulateOutput, simulate};
pub use wildcard::{Pattern, wildcard_match};
