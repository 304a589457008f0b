//! Read-only AWS operations: one table describes every operation (service,
//! name, flags with their kinds, help and completion source), and each
//! operation is a function from the world, by shared reference, to the AWS
//! CLI's JSON response. Nothing here can change the world.

use super::{ArgError, AwsError, CommandError, Invocation};
use crate::time::Millis;
use crate::world::World;
use serde_json::{json, Value};

/// What a read operation sees: the world (read-only) and the virtual now.
#[derive(Clone, Copy)]
pub struct ReadCtx<'a> {
    /// The account.
    pub world: &'a World,
    /// The virtual now.
    pub now: Millis,
}

/// How a flag's value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagKind {
    /// One string.
    Str,
    /// One or more strings (`--tasks a b`).
    List,
    /// An integer.
    Int,
    /// A switch without a value (`--force-new-deployment`).
    Bool,
    /// JSON or shorthand (`--filters Name=x,Values=y`).
    Structure,
    /// A time: ISO 8601, epoch seconds, or relative to now (`-30m`, `now`).
    Timestamp,
}

/// Where completion candidates for a flag's value come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Complete {
    /// Nothing to suggest.
    Nothing,
    /// Fixed choices.
    Choices(&'static [&'static str]),
    /// ECS cluster names.
    Cluster,
    /// ECS service names.
    Service,
    /// ECS task ids.
    Task,
    /// Task definition `family:revision`s.
    TaskDefinition,
    /// Log group names.
    LogGroup,
    /// Log stream names.
    LogStream,
    /// VPC ids.
    Vpc,
    /// Subnet ids.
    Subnet,
    /// Route table ids.
    RouteTable,
    /// Security group ids.
    SecurityGroup,
    /// NAT gateway ids.
    NatGateway,
    /// Internet gateway ids.
    InternetGateway,
    /// Network interface ids.
    NetworkInterface,
    /// VPC endpoint ids.
    VpcEndpoint,
    /// IAM role names.
    Role,
    /// IAM role ARNs.
    RoleArn,
    /// Managed policy ARNs.
    PolicyArn,
    /// Inline policy names (of any role).
    InlinePolicy,
    /// Load balancer ARNs.
    LoadBalancer,
    /// Target group ARNs.
    TargetGroup,
    /// ECR repository names.
    Repository,
    /// Secret names or ARNs.
    Secret,
    /// SSM parameter names.
    Parameter,
}

/// One flag of an operation.
#[derive(Debug, Clone, Copy)]
pub struct Flag {
    /// Name without `--`.
    pub name: &'static str,
    /// Value kind.
    pub kind: FlagKind,
    /// Whether the AWS CLI requires it.
    pub required: bool,
    /// One line of help.
    pub help: &'static str,
    /// Completion source of its value.
    pub complete: Complete,
}

/// A flag (shorthand for the operation tables).
pub const fn flag(
    name: &'static str,
    kind: FlagKind,
    help: &'static str,
    complete: Complete,
) -> Flag {
    Flag {
        name,
        kind,
        required: false,
        help,
        complete,
    }
}

/// A required flag.
pub const fn required(
    name: &'static str,
    kind: FlagKind,
    help: &'static str,
    complete: Complete,
) -> Flag {
    Flag {
        name,
        kind,
        required: true,
        help,
        complete,
    }
}

/// A read operation's function.
pub type ReadFn = fn(&ReadCtx, &mut Invocation) -> Result<Value, CommandError>;

/// One read-only operation.
#[derive(Clone, Copy)]
pub struct Op {
    /// CLI service (`ecs`).
    pub service: &'static str,
    /// CLI operation (`describe-tasks`).
    pub name: &'static str,
    /// API operation name for error texts (`DescribeTasks`).
    pub api: &'static str,
    /// One line of help.
    pub summary: &'static str,
    /// Flags, in the order help lists them.
    pub flags: &'static [Flag],
    /// A positional argument (`logs tail <group>`), if the operation takes one.
    pub positional: Option<(&'static str, Complete)>,
    /// The operation.
    pub run: ReadFn,
}

/// Every read operation, across services.
pub fn ops() -> Vec<&'static Op> {
    let tables: [&'static [Op]; 7] = [
        super::ecs::OPS,
        super::ec2::OPS,
        super::logs::OPS,
        super::iam::OPS,
        super::elbv2::OPS,
        super::misc::OPS,
        STS,
    ];
    tables.iter().flat_map(|t| t.iter()).collect()
}

/// Finds a read operation.
pub fn find(service: &str, name: &str) -> Option<&'static Op> {
    ops()
        .into_iter()
        .find(|o| o.service == service && o.name == name)
}

/// Flags every command takes (the AWS CLI's global options the game honours or ignores).
pub const GLOBAL_FLAGS: &[Flag] = &[
    flag(
        "query",
        FlagKind::Str,
        "JMESPath query to apply to the response",
        Complete::Nothing,
    ),
    flag(
        "output",
        FlagKind::Str,
        "json, text or table",
        Complete::Choices(&["json", "text", "table"]),
    ),
    flag(
        "region",
        FlagKind::Str,
        "region (the scenario's only)",
        Complete::Nothing,
    ),
    flag(
        "profile",
        FlagKind::Str,
        "ignored: the simulator has one account",
        Complete::Nothing,
    ),
    flag(
        "no-cli-pager",
        FlagKind::Bool,
        "ignored: output is never paged",
        Complete::Nothing,
    ),
    flag(
        "no-paginate",
        FlagKind::Bool,
        "ignored: every result is returned",
        Complete::Nothing,
    ),
];

/// Checks the invocation's flags against the operation's table: unknown flags
/// (with a suggestion), missing required ones, values of the wrong kind.
pub fn check_flags(op: &Op, inv: &Invocation) -> Result<(), ArgError> {
    for name in inv.flag_names() {
        let known = op
            .flags
            .iter()
            .chain(GLOBAL_FLAGS.iter())
            .find(|f| f.name == name);
        if known.is_none() {
            let all: Vec<&str> = op.flags.iter().map(|f| f.name).collect();
            let near = crate::suggest::closest(name, all.iter().copied());
            let hint = near
                .map(|n| format!("\n(did you mean --{n}?)"))
                .unwrap_or_default();
            return Err(ArgError(format!("Unknown options: --{name}{hint}")));
        }
    }
    let missing: Vec<String> = op
        .flags
        .iter()
        .filter(|f| f.required && !inv.has(f.name))
        .map(|f| format!("--{}", f.name))
        .collect();
    if !missing.is_empty() {
        return Err(ArgError(format!(
            "aws: error: the following arguments are required: {}",
            missing.join(", ")
        )));
    }
    Ok(())
}

/// Runs a read operation (flags checked first). Global flags are left for the renderer.
pub fn run(op: &Op, ctx: &ReadCtx, inv: &mut Invocation) -> Result<Value, CommandError> {
    check_flags(op, inv)?;
    for g in GLOBAL_FLAGS {
        if g.kind == FlagKind::Bool {
            inv.switch(g.name)?;
        }
    }
    inv.value("profile")?;
    if let Some(r) = inv.value("region")? {
        if r != ctx.world.region {
            // [I] what the CLI shows for a region where the resources are not.
            return Err(AwsError::new(
                "UnrecognizedClientException",
                op.api,
                format!(
                    "The simulated account has resources only in {}; --region {r} has none.",
                    ctx.world.region
                ),
            )
            .into());
        }
    }
    (op.run)(ctx, inv)
}

/// `sts get-caller-identity`: who the player is.
fn get_caller_identity(ctx: &ReadCtx, inv: &mut Invocation) -> Result<Value, CommandError> {
    inv.finish_except(&["query", "output"])?;
    let acct = &ctx.world.account;
    Ok(json!({
        "UserId": "AROAEXAMPLEONCALL01:oncall",
        "Account": acct,
        "Arn": format!("arn:aws:sts::{acct}:assumed-role/OnCallEngineer/oncall"),
    }))
}

/// STS operations.
pub const STS: &[Op] = &[Op {
    service: "sts",
    name: "get-caller-identity",
    api: "GetCallerIdentity",
    summary: "Returns the identity you are playing as",
    flags: &[],
    positional: None,
    run: get_caller_identity,
}];

/// A resource-not-found style error helper for operations.
pub fn not_found(code: &str, op: &str, message: impl Into<String>) -> CommandError {
    AwsError::new(code, op, message).into()
}

/// Parses `--filters Name=a,Values=x,y Name=b,Values=z` (shorthand or JSON) into pairs.
pub fn filters(
    inv: &mut Invocation,
    flag_name: &str,
) -> Result<Vec<(String, Vec<String>)>, CommandError> {
    let Some(words) = inv.values(flag_name)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let text = words.join(" ");
    let parsed: Vec<Value> = if text.trim_start().starts_with('[') {
        match super::args::parse_value(&text) {
            Ok(Value::Array(a)) => a,
            _ => return Err(ArgError(format!("Error parsing parameter '--{flag_name}': Expected a list of Name/Values structures")).into()),
        }
    } else {
        let mut v = Vec::new();
        for w in &words {
            v.push(
                super::args::parse_value(w).map_err(|e| {
                    ArgError(format!("Error parsing parameter '--{flag_name}': {e}"))
                })?,
            );
        }
        v
    };
    for f in parsed {
        let name = f
            .get("Name")
            .and_then(|n| n.as_str())
            .map(|s| s.to_string());
        let values: Vec<String> = match f.get("Values") {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|x| x.as_str().map(|s| s.to_string()))
                .collect(),
            Some(Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        };
        match name {
            Some(n) if !values.is_empty() => out.push((n, values)),
            _ => {
                return Err(ArgError(format!(
                    "Error parsing parameter '--{flag_name}': Expected: 'Name=<name>,Values=<value>,<value>', received: '{f}'"
                ))
                .into())
            }
        }
    }
    Ok(out)
}

/// Parses a timestamp flag: ISO 8601 (`2026-03-12T14:00:00Z`), epoch seconds,
/// `now`, or a duration relative to now (`-30m`, `2h` ago is `-2h`).
pub fn timestamp(text: &str, now: Millis) -> Result<Millis, String> {
    let t = text.trim();
    if t == "now" {
        return Ok(now);
    }
    if let Ok(d) = crate::time::Dur::parse(t) {
        return Ok(now + d.0);
    }
    if let Ok(secs) = t.parse::<i64>() {
        return Ok(secs * 1000);
    }
    crate::time::parse_iso(t).ok_or_else(|| {
        format!("Unable to parse parameter value '{t}': expected an ISO 8601 time (2026-03-12T14:00:00Z), epoch seconds, now, or -30m")
    })
}
