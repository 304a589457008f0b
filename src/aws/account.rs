//! Requests and the account that answers them. A request is an operation of
//! the catalogue and its input members; an [`Account`] evaluates it. Reads
//! take the account by shared reference, so a diagnostic cannot change it;
//! only [`Account::write`] can.

use super::catalogue::{member_name, Op, ReadCtx, ReadOp, WriteOp};
use super::{ArgError, AwsError, CommandError, Input};
use crate::engine::Sim;
use crate::world::World;
use serde_json::Value;

/// A request of operation `F`'s kind: the operation and its input.
#[derive(Clone)]
pub struct Request<F: 'static> {
    op: &'static Op<F>,
    input: Input,
}

/// A read-only request.
pub type ReadRequest = Request<super::catalogue::ReadFn>;
/// A mutating request.
pub type WriteRequest = Request<super::catalogue::WriteFn>;

impl<F> Request<F> {
    /// A request of `op` with `input`, whose members must be the operation's
    /// (named as the API names them) and include every required one.
    pub fn new(op: &'static Op<F>, input: Input) -> Result<Request<F>, ArgError> {
        let known = |m: &str| {
            op.flags
                .iter()
                .any(|f| member_name(op.service, f.name) == m)
                || op
                    .positional
                    .is_some_and(|(p, _)| member_name(op.service, p) == m)
        };
        if let Some(m) = input.members().keys().find(|m| !known(m)) {
            // botocore's parameter validation wording.
            return Err(ArgError(format!(
                "Parameter validation failed:\nUnknown parameter in input: \"{m}\", must be one of: {}",
                op.flags
                    .iter()
                    .map(|f| member_name(op.service, f.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        if let Some(f) = op
            .flags
            .iter()
            .find(|f| f.required && !input.has(&member_name(op.service, f.name)))
        {
            return Err(ArgError(format!(
                "Parameter validation failed:\nMissing required parameter in input: \"{}\"",
                member_name(op.service, f.name)
            )));
        }
        Ok(Request { op, input })
    }

    /// The operation.
    pub fn op(&self) -> &'static Op<F> {
        self.op
    }

    /// The input members.
    pub fn input(&self) -> &Input {
        &self.input
    }
}

impl<F> std::fmt::Debug for Request<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}",
            self.op.api,
            serde_json::to_string(&self.input).unwrap_or_default()
        )
    }
}

/// What answers read-only requests: an account seen without the power to
/// change it. Diagnostics hold only this.
pub trait Reader {
    /// The region the account's resources are in.
    fn region(&self) -> &str;
    /// Answers a read-only request.
    fn read(&self, req: &ReadRequest) -> Result<Value, CommandError>;
    /// Answers a read-only request sent to another region (`--region`). By
    /// default nothing is sent outside the account's region.
    fn read_in(&self, region: &str, req: &ReadRequest) -> Result<Value, CommandError> {
        if region == self.region() || GLOBAL_SERVICES.contains(&req.op.service) {
            return self.read(req);
        }
        // [I] worded for any account: a live session sends nothing outside its own region.
        Err(AwsError::new(
            "UnrecognizedClientException",
            req.op.api,
            format!(
                "This session answers for {} only; --region {region} is another region, and nothing was sent there.",
                self.region()
            ),
        )
        .into())
    }
}

/// Services whose resources are the same in every region: IAM is global,
/// and STS answers who the caller is from any region.
pub const GLOBAL_SERVICES: &[&str] = &["iam", "sts"];

/// An AWS account that answers the catalogue's operations: the simulator,
/// or (with the `live` feature) a real sandbox account.
pub trait Account: Reader {
    /// Applies a mutating request; on error nothing changed.
    fn write(&mut self, req: &WriteRequest) -> Result<Value, CommandError>;
    /// What a mutating request sent to another region would meet, without
    /// changing anything: `Some(Err)` when AWS would refuse it there (a
    /// resource it names is not in that region), `Some(Ok)` when it would
    /// be accepted, `None` when the account cannot tell.
    fn refused_in(
        &self,
        _region: &str,
        _req: &WriteRequest,
    ) -> Option<Result<Value, CommandError>> {
        None
    }
}

impl Reader for ReadCtx<'_> {
    fn region(&self) -> &str {
        &self.world.region
    }

    fn read(&self, req: &ReadRequest) -> Result<Value, CommandError> {
        (req.op.run)(self, &req.input)
    }
}

impl Reader for Sim {
    fn region(&self) -> &str {
        &self.world().region
    }

    fn read(&self, req: &ReadRequest) -> Result<Value, CommandError> {
        let ctx = ReadCtx {
            world: self.world(),
            now: self.now(),
        };
        ctx.read(req)
    }

    /// The simulated account has every resource in its one region; in any
    /// other, as in a real account used in one region, a regional service
    /// answers from an empty region: lists are empty and named resources
    /// are not found (ClusterNotFoundException, InvalidGroup.NotFound, ...).
    /// IAM and STS are global and answer as in the account's own region.
    fn read_in(&self, region: &str, req: &ReadRequest) -> Result<Value, CommandError> {
        if region == self.region() || GLOBAL_SERVICES.contains(&req.op.service) {
            return self.read(req);
        }
        let mut empty = World::new(0, region);
        empty.account = self.world().account.clone();
        let ctx = ReadCtx {
            world: &empty,
            now: self.now(),
        };
        ctx.read(req)
    }
}

impl Account for Sim {
    /// Tried on an empty region of the same account, thrown away after.
    fn refused_in(&self, region: &str, req: &WriteRequest) -> Option<Result<Value, CommandError>> {
        if region == self.region() || GLOBAL_SERVICES.contains(&req.op.service) {
            return None;
        }
        let mut empty = World::new(0, region);
        empty.account = self.world().account.clone();
        let mut scratch = Sim::new(empty, self.now());
        Some(scratch.change(|c| (req.op.run)(c, &req.input)))
    }

    fn write(&mut self, req: &WriteRequest) -> Result<Value, CommandError> {
        let out = self.change(|c| (req.op.run)(c, &req.input));
        // Every call that reached AWS is in the account's history; one the
        // client refused before sending it is not.
        let result = match &out {
            Ok(v) => Ok(v.clone()),
            Err(CommandError::Aws(e)) => Err((e.code.clone(), e.message.clone())),
            Err(CommandError::Args(_)) => return out,
        };
        let now = self.now();
        let request = serde_json::to_value(req.input()).unwrap_or_default();
        self.trail_mut()
            .record(now, req.op.service, req.op.api, request, result);
        let v = out?;
        Ok(super::sim::write::response(self, req.op, v))
    }
}

/// Shorthand: a read request by CLI service and operation name (for code
/// that builds requests directly; panics on an unknown operation, which is a
/// programming error, not input).
pub fn read_request(service: &str, name: &str, input: Input) -> Result<ReadRequest, ArgError> {
    let op: &'static ReadOp = super::catalogue::find_read(service, name)
        .unwrap_or_else(|| panic!("no read operation {service} {name} in the catalogue"));
    Request::new(op, input)
}

/// Shorthand: a write request by CLI service and operation name (panics on an
/// unknown operation, a programming error).
pub fn write_request(service: &str, name: &str, input: Input) -> Result<WriteRequest, ArgError> {
    let op: &'static WriteOp = super::catalogue::find_write(service, name)
        .unwrap_or_else(|| panic!("no write operation {service} {name} in the catalogue"));
    Request::new(op, input)
}
