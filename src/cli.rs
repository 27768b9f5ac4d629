//! Command-line interface (clap). Raw arguments only; `app` validates and runs them.

use std::path::PathBuf;

use crate::collect::options;
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "perimeter",
    version,
    about = "Audits the security perimeter around Amazon Bedrock workloads (read-only)",
    long_about = "perimeter reads AWS accounts (one, a list, or a whole AWS Organization), never changes them, \
and scores what it finds against a five-control Bedrock baseline (scoped IAM, VPC endpoints, customer-managed \
KMS keys, logging, guardrails) plus multi-tenant isolation and cross-Region inference versus SCPs.\n\n\
Exit codes: 0 no failing finding at or above --fail-on; 1 failing findings; 2 usage or runtime error."
)]
pub struct Cli {
    /// More log output on stderr (-v info, -vv debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// No progress display and no log output except errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Collect from AWS, evaluate every check and report.
    Audit(AuditArgs),
    /// Collect only, writing a snapshot.
    Collect(CollectArgs),
    /// Evaluate a saved snapshot (or an IAM authorization-details dump) offline.
    Evaluate(EvaluateArgs),
    /// The check catalogue.
    Checks {
        #[command(subcommand)]
        command: ChecksCommand,
    },
    /// Compliance frameworks and their requirements.
    Frameworks {
        #[command(subcommand)]
        command: FrameworksCommand,
    },
    /// The IAM policy engine.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// Cross-Region inference reasoning.
    Cris {
        #[command(subcommand)]
        command: CrisCommand,
    },
    /// Where the Bedrock calls of accounts with a residency requirement were actually
    /// served, from CloudTrail event history (exit 1 when a call was served outside).
    Residency(ResidencyArgs),
    /// New, resolved and changed findings between two runs (snapshots, JSON reports, or
    /// run ids from --history).
    Diff(DiffArgs),
    /// Evidence packs an auditor can verify later.
    Evidence {
        #[command(subcommand)]
        command: EvidenceCommand,
    },
    /// Runs recorded with --history.
    History {
        #[command(subcommand)]
        command: HistoryCommand,
    },
    /// Merge snapshots (e.g. the shards of one organisation) into one.
    Merge {
        /// Snapshots to merge.
        #[arg(required = true, num_args = 1..)]
        snapshots: Vec<PathBuf>,
        /// Where to write the merged snapshot.
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
    /// Print the read-only IAM policy perimeter itself needs.
    Permissions,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older run: a snapshot, a JSON report, or a run id (with --history).
    pub old: String,
    /// The newer run.
    pub new: String,
    /// History database for run ids.
    #[arg(long)]
    pub history: Option<PathBuf>,
    /// perimeter.toml used to evaluate snapshots.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// table or json.
    #[arg(long, value_enum, ignore_case = true, default_value = "table")]
    pub format: TableOrJson,
    /// Exit 1 when a finding fails in NEW that did not fail in OLD.
    #[arg(long)]
    pub fail_on_new: bool,
}

#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Evaluate a snapshot and pack snapshot, reports, catalogue and a SHA-256 manifest.
    Pack {
        snapshot: PathBuf,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        /// Sign the manifest with this Ed25519 secret key: a file holding 64 hex characters
        /// (see `evidence keygen`), or the 64 hex characters themselves.
        #[arg(long)]
        sign: Option<PathBuf>,
        #[arg(long)]
        config: Option<PathBuf>,
        /// Mutes to apply, as in `audit --mutes`.
        #[arg(long)]
        mutes: Option<PathBuf>,
    },
    /// Check a pack: exit 0 only if every file and the manifest are intact.
    Verify {
        pack: PathBuf,
        /// The signer's Ed25519 public key: a file holding 64 hex characters, or the hex
        /// itself; the signature must hold.
        #[arg(long)]
        verify_key: Option<PathBuf>,
        /// text or json.
        #[arg(long, value_enum, ignore_case = true, default_value = "text")]
        format: TextOrJson,
    },
    /// Make an Ed25519 key pair for signing packs: DIR/perimeter.key and DIR/perimeter.pub.
    Keygen {
        #[arg(long, default_value = ".")]
        out_dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// List recorded runs.
    List {
        #[arg(long)]
        history: PathBuf,
        #[arg(long, value_enum, ignore_case = true, default_value = "table")]
        format: TableOrJson,
    },
    /// Show one recorded run as a report.
    Show {
        run: i64,
        #[arg(long)]
        history: PathBuf,
        /// table or json.
        #[arg(long, value_enum, ignore_case = true, default_value = "table")]
        format: TableOrJson,
    },
}

fn severity(s: &str) -> Result<crate::catalogue::Severity, String> {
    s.parse()
}

/// `--format` of the report-producing commands (a comma list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    Html,
    Ocsf,
    Sarif,
    Junit,
    /// AWS Security Finding Format, for Security Hub's BatchImportFindings.
    Asff,
}

/// `--format` of the listing commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableOrJson {
    Table,
    Json,
}

/// `--format` of the explaining commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    Text,
    Json,
}

#[derive(Debug, Args, Clone)]
pub struct SourceArgs {
    /// Named profile from the shared AWS config files.
    #[arg(long)]
    pub profile: Option<String>,
    /// Regions to read: a comma list, or `all` for every Region enabled in the account.
    /// Default: the configured Region (AWS_REGION / profile), else us-east-1.
    #[arg(long, value_delimiter = ',')]
    pub regions: Vec<String>,
    /// Send every AWS call to this endpoint (AWS_ENDPOINT_URL works too).
    #[arg(long)]
    pub endpoint_url: Option<String>,
    /// Audit every account of the AWS Organization (from the management account).
    #[arg(long)]
    pub org: bool,
    /// Role assumed in member accounts with --org.
    #[arg(long, default_value = options::DEFAULT_ROLE_NAME)]
    pub role_name: String,
    /// External id for the member-account role.
    #[arg(long)]
    pub external_id: Option<String>,
    /// Only these account ids (comma list).
    #[arg(long, value_delimiter = ',')]
    pub accounts: Vec<String>,
    /// Skip these account ids (comma list).
    #[arg(long, value_delimiter = ',')]
    pub exclude_accounts: Vec<String>,
    /// Only accounts under these OUs (ids or names, any depth; comma list).
    #[arg(long, value_delimiter = ',')]
    pub ous: Vec<String>,
    /// Collect only shard K of N (e.g. 2/4): a stable partition of the account list.
    #[arg(long)]
    pub shard: Option<String>,
    /// AWS calls in flight across the run.
    #[arg(long, default_value_t = options::DEFAULT_CONCURRENCY)]
    pub concurrency: usize,
    /// AWS calls in flight within one account, per service and Region (AWS throttles each
    /// service per account and Region; IAM, Organizations and STS count as Region "global").
    #[arg(long, default_value_t = options::DEFAULT_ACCOUNT_CONCURRENCY)]
    pub account_concurrency: usize,
    /// Timeout per AWS call, in seconds.
    #[arg(long, default_value_t = options::DEFAULT_CALL_TIMEOUT_SECS)]
    pub call_timeout: u64,
    /// Timeout per account, in seconds (the account becomes a gap; the others go on).
    #[arg(long, default_value_t = options::DEFAULT_ACCOUNT_TIMEOUT_SECS)]
    pub account_timeout: u64,
    /// Days of CloudTrail event history to read (1-90: event history keeps 90 days).
    #[arg(long, default_value_t = options::DEFAULT_ACTIVITY_DAYS)]
    pub event_days: u32,
    /// Most pages (50 events each) of event history read per account, Region and event
    /// source; a window cut short is reported, and what it would decide is unknown.
    #[arg(long, default_value_t = options::DEFAULT_EVENT_PAGES)]
    pub event_pages: usize,
    /// Most attempts per AWS call, retries included. Default: AWS_MAX_ATTEMPTS or the
    /// profile's max_attempts, else 5.
    #[arg(long)]
    pub max_attempts: Option<u32>,
    /// Retry mode: standard or adaptive. Default: AWS_RETRY_MODE or the profile's
    /// retry_mode, else standard.
    #[arg(long, value_parser = ["standard", "adaptive"])]
    pub retry_mode: Option<String>,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output formats (comma list): table, json, csv, html, ocsf, sarif, junit, asff.
    #[arg(
        long,
        value_enum,
        ignore_case = true,
        value_delimiter = ',',
        default_value = "table"
    )]
    pub format: Vec<Format>,
    /// Write each format to a file in this folder (perimeter.json, ...); the table still
    /// goes to stdout.
    #[arg(long)]
    pub output_dir: Option<PathBuf>,
    /// perimeter.toml with tag keys, thresholds, residency and overrides.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Exit 1 when a finding fails at or above this severity (critical, high, medium, low, info).
    #[arg(long, default_value = "low", value_parser = severity)]
    pub fail_on: crate::catalogue::Severity,
    /// Focus the table's compliance summary on one framework.
    #[arg(long)]
    pub framework: Option<String>,
    /// List passing findings in the table too (and every unknown one, uncollapsed).
    #[arg(long)]
    pub show_pass: bool,
    // The global -v/--verbose itself, declared again under the same id so that its value
    // reaches the table options: clap gives a global's value to a subcommand's argument of
    // the same id (and back up to `Cli::verbose`) wherever on the line it was given.
    /// More log output on stderr (-v info, -vv debug); the table also lists what
    /// --show-pass lists.
    #[arg(id = "verbose", short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Mutes file (TOML): accepted findings with a reason, an owner and an expiry date.
    #[arg(long)]
    pub mutes: Option<PathBuf>,
    /// Record the run in this SQLite history database.
    #[arg(long)]
    pub history: Option<PathBuf>,
    /// With --history: exit 1 only for findings failing now that did not fail in the
    /// previous recorded run.
    #[arg(long, requires = "history")]
    pub fail_on_new: bool,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Also write the collected snapshot here.
    #[arg(long)]
    pub snapshot_out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Where to write the snapshot (`-` for stdout).
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// A snapshot written by `perimeter collect` or `audit --snapshot-out`.
    #[arg(required_unless_present = "gaad")]
    pub snapshot: Option<PathBuf>,
    /// Build the snapshot from an `aws iam get-account-authorization-details` dump instead.
    #[arg(long, conflicts_with = "snapshot")]
    pub gaad: Option<PathBuf>,
    /// Account id of the GAAD dump (default: taken from the ARNs in it).
    #[arg(long, requires = "gaad")]
    pub account_id: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Subcommand)]
pub enum ChecksCommand {
    /// List the checks.
    List {
        /// Only this control (iam, network, kms, logging, guardrails, tenant, cris).
        #[arg(long)]
        control: Option<String>,
        /// Only checks mapped to this framework.
        #[arg(long)]
        framework: Option<String>,
        /// table or json.
        #[arg(long, value_enum, ignore_case = true, default_value = "table")]
        format: TableOrJson,
    },
    /// Everything about one check: why it matters and how to fix it.
    Explain {
        code: String,
        /// text or json.
        #[arg(long, value_enum, ignore_case = true, default_value = "text")]
        format: TextOrJson,
    },
}

#[derive(Debug, Subcommand)]
pub enum FrameworksCommand {
    /// List the frameworks.
    List {
        #[arg(long, value_enum, ignore_case = true, default_value = "table")]
        format: TableOrJson,
    },
    /// A framework's requirements and the checks that evidence them.
    Show {
        name: String,
        #[arg(long, value_enum, ignore_case = true, default_value = "table")]
        format: TableOrJson,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Decide request cases: "is this allowed, and why (not)?"
    #[command(after_help = SIMULATE_HELP)]
    Simulate {
        /// A JSON file of one case or an array of cases, or `-` for stdin.
        cases: PathBuf,
        /// json or text.
        #[arg(long, value_enum, ignore_case = true, default_value = "json")]
        format: TextOrJson,
    },
}

/// The case format, shown by `perimeter policy simulate --help`.
const SIMULATE_HELP: &str = r#"Case format (every `policies` field is optional; fields not listed, such as
"expected" or "note", are ignored):

  {
    "id": "optional label, echoed back",
    "policies": {
      "identity":             [ {policy document}, ... ],
      "permissions_boundary": [ {policy document} ],
      "scp":                  [ [docs at the root], [docs at an OU], ..., [docs at the account] ],
      "resource":             [ {resource policy: bucket, key, trust, ...} ],
      "vpc_endpoint":         [ {endpoint policy the request passes through} ]
    },
    "request": {
      "principal": "arn:aws:iam::111122223333:role/app",
      "action": "bedrock:InvokeModel",
      "resource": "arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
      "resource_account": "111122223333",
      "context": { "aws:RequestedRegion": "us-east-2", "aws:PrincipalTag/team": "ml" },
      "principal_is_service_linked_role": false
    }
  }

An omitted `scp` means no SCPs govern the account (the management account); an empty
inner list allows nothing at that level. The context is complete: keys not given are
absent. KMS key-policy semantics apply to a KMS key ARN, role-trust semantics to
sts:AssumeRole* on a role ARN ("service_semantics" can say so explicitly).

Output: {"id", "decision": "Allow" | "ExplicitDeny" | "ImplicitDeny", "reasons": [...]} per
case. Reasons name the policy and statement that allowed or denied; for an implicit deny,
`ConditionNotMet` reasons name each statement that would have allowed the request and the
condition that did not hold. A malformed case is reported for that case (exit 2); the
others are still answered.

Example:
  echo '{"policies":{"identity":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Action":"bedrock:InvokeModel","Resource":"*","Condition":{"StringEquals":
    {"aws:RequestedRegion":"eu-west-1"}}}]}]},"request":{"principal":
    "arn:aws:iam::111122223333:role/app","action":"bedrock:InvokeModel","resource":
    "arn:aws:bedrock:us-east-1::foundation-model/x","context":{"aws:RequestedRegion":
    "us-east-1"}}}' | perimeter policy simulate - --format text"#;

#[derive(Debug, Args)]
pub struct ResidencyArgs {
    /// Only this account (a 12-digit id).
    #[arg(long)]
    pub account: Option<String>,
    /// Use this snapshot instead of collecting from AWS.
    #[arg(long)]
    pub snapshot: Option<PathBuf>,
    /// How to reach AWS for live collection: the same flags as `audit`.
    #[command(flatten)]
    pub source: SourceArgs,
    /// The configuration holding `[residency]` (and geography overrides).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// text or json.
    #[arg(long, value_enum, ignore_case = true, default_value = "text")]
    pub format: TextOrJson,
}

#[derive(Debug, Subcommand)]
pub enum CrisCommand {
    /// Why cross-Region inference works or fails for an account, per destination Region.
    Explain {
        /// The account to explain.
        #[arg(long)]
        account: String,
        /// One inference profile id or ARN (default: every profile the account can use).
        #[arg(long)]
        inference_profile: Option<String>,
        /// Use this snapshot instead of collecting from AWS.
        #[arg(long)]
        snapshot: Option<PathBuf>,
        /// How to reach AWS for live collection: the same flags as `audit` (--profile is
        /// the AWS named profile of the organisation's management account).
        #[command(flatten)]
        source: SourceArgs,
        #[arg(long)]
        config: Option<PathBuf>,
        /// text or json.
        #[arg(long, value_enum, ignore_case = true, default_value = "text")]
        format: TextOrJson,
    },
}
