//! Live mode: the same scenarios against a real sandbox AWS account, through
//! aws-config and the aws-sdk-* crates (cargo feature `live`). This part owns
//! the real-account [`Reader`] ([`LiveAccount`]), which answers the
//! catalogue's read operations with the AWS CLI's JSON shapes; the sandbox
//! `guard` every mutation must pass; the write-ahead [`journal`] of undo
//! records; and [`inject`], which applies a scenario's fault steps and undoes
//! them. It must not mutate anything the guard has not passed, and nothing
//! reachable from a [`Reader`] writes: [`LiveAccount`] implements only
//! `Reader`, and mutations live in [`inject`], behind the guard and the
//! journal.
//!
//! The SDK is async; a [`LiveAccount`] owns a current-thread tokio runtime
//! and blocks on it, so the rest of faultline stays synchronous.

pub mod cli;
pub mod fingerprint;
pub mod fix;
pub mod guard;
pub mod inject;
pub mod journal;
pub mod permissions;
pub mod plan;
pub mod play;
pub(crate) mod read;
pub mod session;
pub mod shape;
#[allow(missing_docs)]
mod shapes;
pub mod stack;

#[cfg(test)]
mod fixture;
#[cfg(test)]
mod moto;
#[cfg(test)]
mod play_tests;
#[cfg(test)]
mod serve_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_scenarios;

use crate::aws::{ArgError, AwsError, CommandError, ReadRequest, Reader};
use aws_sdk_ecs::error::{DisplayErrorContext, ProvideErrorMetadata};
use serde_json::Value;
use std::future::Future;

/// How to reach the account: region, profile, and (for tests) an endpoint
/// and fixed credentials.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// Region (default: the environment's or the profile's).
    pub region: Option<String>,
    /// Named profile of the shared config files (default: the environment's).
    pub profile: Option<String>,
    /// Endpoint for every service (default: AWS's; `AWS_ENDPOINT_URL` is honoured too).
    pub endpoint_url: Option<String>,
    /// Fixed access key and secret (default: the SDK's credential chain).
    pub static_credentials: Option<(String, String)>,
    /// How the account's time runs (default: the wall clock, as AWS's).
    pub clock: Option<AccountClock>,
}

/// The clock of an account whose time is not the wall's: `faultline serve`'s
/// simulated account, whose virtual time starts at `origin` when the server
/// starts (`since`) and runs `speed` times faster than the wall. Waiting on
/// such an account (the symptom, `submit`'s verification) reads and pauses
/// by its clock.
#[derive(Debug, Clone, Copy)]
pub struct AccountClock {
    /// The account's time at `since` (epoch ms).
    pub origin: crate::time::Millis,
    /// The wall instant of `origin`.
    pub since: std::time::Instant,
    /// Account seconds per wall second (above 0).
    pub speed: f64,
}

/// The SDK clients of one account and region.
#[derive(Clone, Debug)]
pub(crate) struct Clients {
    pub(crate) ecs: aws_sdk_ecs::Client,
    pub(crate) ec2: aws_sdk_ec2::Client,
    pub(crate) iam: aws_sdk_iam::Client,
    pub(crate) sts: aws_sdk_sts::Client,
    pub(crate) logs: aws_sdk_cloudwatchlogs::Client,
    pub(crate) cfn: aws_sdk_cloudformation::Client,
    pub(crate) elbv2: aws_sdk_elasticloadbalancingv2::Client,
}

/// A real AWS account seen read-only: the catalogue's diagnostics, answered
/// through the SDK in the AWS CLI's JSON shapes.
pub struct LiveAccount {
    rt: tokio::runtime::Runtime,
    region: String,
    pub(crate) clock: Option<AccountClock>,
    pub(crate) clients: Clients,
}

impl std::fmt::Debug for LiveAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveAccount")
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// Why live mode could not start.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LiveError {
    /// No region was given or configured.
    #[error("no AWS region: pass --region or set AWS_REGION (or a region in the profile)")]
    NoRegion,
    /// An account clock that does not run.
    #[error("the account's clock must run forward: speed {0} is not above 0")]
    Clock(f64),
    /// The async runtime could not start.
    #[error("could not start the async runtime: {0}")]
    Runtime(String),
}

impl LiveAccount {
    /// Connects (lazily: no request is sent until the first read).
    pub fn connect(opts: &ConnectOptions) -> Result<LiveAccount, LiveError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| LiveError::Runtime(e.to_string()))?;
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
        if let Some(r) = &opts.region {
            loader = loader.region(aws_config::Region::new(r.clone()));
        }
        if let Some(p) = &opts.profile {
            loader = loader.profile_name(p);
        }
        if let Some(u) = &opts.endpoint_url {
            loader = loader.endpoint_url(u);
        }
        if let Some((key, secret)) = &opts.static_credentials {
            loader = loader.credentials_provider(aws_sdk_ecs::config::Credentials::new(
                key.clone(),
                secret.clone(),
                None,
                None,
                "faultline-static",
            ));
        }
        let conf = rt.block_on(loader.load());
        let region = conf
            .region()
            .map(|r| r.to_string())
            .ok_or(LiveError::NoRegion)?;
        let clients = Clients {
            ecs: aws_sdk_ecs::Client::new(&conf),
            ec2: aws_sdk_ec2::Client::new(&conf),
            iam: aws_sdk_iam::Client::new(&conf),
            sts: aws_sdk_sts::Client::new(&conf),
            logs: aws_sdk_cloudwatchlogs::Client::new(&conf),
            cfn: aws_sdk_cloudformation::Client::new(&conf),
            elbv2: aws_sdk_elasticloadbalancingv2::Client::new(&conf),
        };
        if let Some(c) = &opts.clock {
            if !(c.speed > 0.0 && c.speed.is_finite()) {
                return Err(LiveError::Clock(c.speed));
            }
        }
        Ok(LiveAccount {
            rt,
            region,
            clock: opts.clock,
            clients,
        })
    }

    /// Runs an SDK future to completion on the account's runtime.
    pub(crate) fn block_on<F: Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    /// The account id of the caller's credentials (`sts get-caller-identity`).
    pub fn account_id(&self) -> Result<String, CommandError> {
        let out = self
            .block_on(self.clients.sts.get_caller_identity().send())
            .map_err(|e| sdk_error("GetCallerIdentity", e))?;
        out.account
            .ok_or_else(|| ArgError("GetCallerIdentity returned no account id".into()).into())
    }

    /// The read operations live mode answers, as `service operation`.
    pub fn mapped_operations() -> &'static [(&'static str, &'static str)] {
        read::MAPPED
    }
}

impl Reader for LiveAccount {
    fn region(&self) -> &str {
        &self.region
    }

    fn read(&self, req: &ReadRequest) -> Result<Value, CommandError> {
        self.block_on(read::run(&self.clients, req))
    }
}

/// An SDK error as faultline reports it: AWS's code and message when AWS
/// answered, otherwise why the request did not get an answer.
pub(crate) fn sdk_error<E, R>(api: &str, e: aws_sdk_ecs::error::SdkError<E, R>) -> CommandError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    match e.code() {
        Some(code) => AwsError::new(code, api, e.message().unwrap_or_default()).into(),
        None => ArgError(format!(
            "Could not get an answer from AWS for {api}: {}",
            DisplayErrorContext(&e)
        ))
        .into(),
    }
}
