//! The operation catalogue: every AWS operation faultline knows, read or
//! write, declared once — service, CLI name, API name, one line of help, its
//! flags (kind, required, help, completion source) — and the simulator's
//! implementation of it. Parsing, `help`, did-you-mean, Tab completion and
//! flag checks are all driven from here, for diagnostics and fixes alike.
//!
//! Reads and writes are different types: a read runs over the world by
//! shared reference ([`ReadFn`]); only a [`WriteOp`] can change it.

use super::{CommandError, Input};
use crate::engine::Change;
use crate::time::Millis;
use crate::world::World;
use serde_json::Value;

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
    /// Network ACL ids.
    NetworkAcl,
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
    /// Listener ARNs.
    Listener,
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

/// What a read operation sees: the world (read-only) and the virtual now.
#[derive(Clone, Copy)]
pub struct ReadCtx<'a> {
    /// The account.
    pub world: &'a World,
    /// The virtual now.
    pub now: Millis,
}

/// The simulator's implementation of a read operation.
pub type ReadFn = fn(&ReadCtx, &Input) -> Result<Value, CommandError>;

/// The simulator's implementation of a write operation, run inside
/// [`crate::engine::Sim::change`]: it changes the world only when it succeeds.
pub type WriteFn = fn(&mut Change, &Input) -> Result<Value, CommandError>;

/// One operation: its declaration and its implementation (`F` is [`ReadFn`] or [`WriteFn`]).
#[derive(Clone, Copy)]
pub struct Op<F> {
    /// CLI service (`ecs`).
    pub service: &'static str,
    /// CLI operation (`describe-tasks`).
    pub name: &'static str,
    /// API operation name (`DescribeTasks`).
    pub api: &'static str,
    /// One line of help.
    pub summary: &'static str,
    /// Flags, in the order help lists them.
    pub flags: &'static [Flag],
    /// A positional argument (`logs tail <group>`), if the operation takes one.
    pub positional: Option<(&'static str, Complete)>,
    /// The simulator's implementation.
    pub run: F,
}

/// A read-only operation.
pub type ReadOp = Op<ReadFn>;
/// A mutating operation.
pub type WriteOp = Op<WriteFn>;

/// Any operation of the catalogue.
#[derive(Clone, Copy)]
pub enum Entry {
    /// A read-only operation.
    Read(&'static ReadOp),
    /// A mutating operation.
    Write(&'static WriteOp),
}

macro_rules! entry_field {
    ($($name:ident: $t:ty),*) => {
        $(
            #[doc = concat!("The operation's `", stringify!($name), "`.")]
            pub fn $name(&self) -> $t {
                match self {
                    Entry::Read(o) => o.$name,
                    Entry::Write(o) => o.$name,
                }
            }
        )*
    };
}

impl Entry {
    entry_field!(
        service: &'static str,
        name: &'static str,
        api: &'static str,
        summary: &'static str,
        flags: &'static [Flag],
        positional: Option<(&'static str, Complete)>
    );

    /// Whether the operation changes the account.
    pub fn is_write(&self) -> bool {
        matches!(self, Entry::Write(_))
    }

    /// The API member a flag of this operation fills (`--route-table-id` of
    /// EC2 is `RouteTableId`, `--task-definition` of ECS is `taskDefinition`).
    pub fn member(&self, flag: &str) -> String {
        member_name(self.service(), flag)
    }
}

/// Every read operation, across services.
pub fn reads() -> impl Iterator<Item = &'static ReadOp> {
    let tables: [&'static [ReadOp]; 10] = [
        super::sim::ecs::OPS,
        super::sim::ec2::OPS,
        super::sim::logs::OPS,
        super::sim::iam::OPS,
        super::sim::elbv2::OPS,
        super::sim::misc::OPS,
        super::sim::read::STS,
        super::sim::cloudtrail::OPS,
        super::sim::service_quotas::OPS,
        super::sim::cloudformation::OPS,
    ];
    tables.into_iter().flat_map(|t| t.iter())
}

/// Every write operation, across services.
pub fn writes() -> impl Iterator<Item = &'static WriteOp> {
    super::sim::write::OPS.iter()
}

/// Every operation, reads first, in help order.
pub fn entries() -> impl Iterator<Item = Entry> {
    reads().map(Entry::Read).chain(writes().map(Entry::Write))
}

/// Finds an operation by CLI service and name.
pub fn find(service: &str, name: &str) -> Option<Entry> {
    entries().find(|o| o.service() == service && o.name() == name)
}

/// Finds a read operation.
pub fn find_read(service: &str, name: &str) -> Option<&'static ReadOp> {
    reads().find(|o| o.service == service && o.name == name)
}

/// Finds a write operation.
pub fn find_write(service: &str, name: &str) -> Option<&'static WriteOp> {
    writes().find(|o| o.service == service && o.name == name)
}

/// Finds an operation by its API name (`DescribeTasks`).
pub fn find_api(api: &str) -> Option<Entry> {
    entries().find(|o| o.api() == api)
}

/// The services with operations, in help order.
pub fn services() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = Vec::new();
    for op in entries() {
        if !v.contains(&op.service()) {
            v.push(op.service());
        }
    }
    v
}

/// Whether a service's API names its members in camelCase (the JSON
/// protocols of ECS, CloudWatch Logs and ECR) rather than PascalCase.
fn camel_case(service: &str) -> bool {
    matches!(service, "ecs" | "logs" | "ecr")
}

/// The API member name for a CLI flag or positional name: the inverse of the
/// CLI's `xform_name` (`route-table-id` -> `RouteTableId`, `group_name` -> `groupName`).
pub fn member_name(service: &str, flag: &str) -> String {
    let mut out = String::with_capacity(flag.len());
    let mut upper = !camel_case(service);
    for c in flag.chars() {
        if c == '-' || c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The CLI flag for an API member (`RouteTableId` -> `--route-table-id`), for error texts.
pub fn flag_name(member: &str) -> String {
    let mut out = String::from("--");
    for (i, c) in member.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
