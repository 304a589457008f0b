//! The account's API call history, as CloudTrail records it: every write
//! made to the account (the scenario's history and the player's fixes), with
//! who made it. Plain data; the event's CloudTrail shape is made by the
//! `cloudtrail` operations when it is read.

use super::ids::Rng;
use crate::time::Millis;
use serde_json::Value;

/// Who makes API calls in the account: the people and pipelines a scenario's
/// history names, and the player.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The player, as `sts get-caller-identity` shows them (`OnCallEngineer/oncall`).
    Player,
    /// The CI/CD deploy pipeline (role `deploy-pipeline`): deploys and image pushes.
    Pipeline,
    /// Infrastructure as code (role `terraform-apply`): network and IAM changes.
    Terraform,
    /// A named engineer (role `PlatformEngineer`, the session named for them).
    Engineer,
}

impl Actor {
    /// Every actor, in a fixed order.
    pub const ALL: [Actor; 4] = [
        Actor::Player,
        Actor::Pipeline,
        Actor::Terraform,
        Actor::Engineer,
    ];
}

/// Who an actor is in the account: the role they assume and how they call.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The actor.
    pub actor: Actor,
    /// The IAM role's name.
    pub role: String,
    /// The role's id (`AROA...`).
    pub role_id: String,
    /// The role session name (CloudTrail's `Username`).
    pub session: String,
    /// The session's temporary access key id (`ASIA...`).
    pub access_key: String,
    /// Where the calls come from.
    pub source_ip: String,
    /// The caller's user agent.
    pub user_agent: String,
    /// Who may assume the role (a service principal, or an account's root).
    pub trusted: String,
    /// One line of description, as the role carries it.
    pub description: String,
}

/// One API call as CloudTrail keeps it.
#[derive(Debug, Clone)]
pub struct ApiCall {
    /// When the call completed (virtual).
    pub at: Millis,
    /// CloudTrail's event id (UUID).
    pub event_id: String,
    /// The service's request id (UUID).
    pub request_id: String,
    /// Who called.
    pub actor: Actor,
    /// The CLI service the call went to (`ecs`).
    pub service: String,
    /// The API operation (`UpdateService`).
    pub name: String,
    /// The request's members, as sent.
    pub request: Value,
    /// The response, when AWS accepted the call.
    pub response: Option<Value>,
    /// The error code and message, when AWS refused it.
    pub error: Option<(String, String)>,
}

/// The history of API calls, oldest first, and who is calling now.
#[derive(Debug, Clone)]
pub struct Trail {
    /// Calls, in the order they were made.
    pub calls: Vec<ApiCall>,
    /// Who makes the next calls (the scenario's history sets it; the player otherwise).
    pub actor: Actor,
    /// Who each actor is.
    pub people: Vec<Identity>,
    /// Event and request ids, apart from the world's ids so that recording
    /// a call never moves them.
    rng: Rng,
}

impl Trail {
    /// An empty history whose ids come from `seed`.
    pub fn new(seed: u64) -> Trail {
        let mut rng = Rng::new(seed ^ 0x0c10_d7a1_1000_0001);
        let key = |rng: &mut Rng| format!("ASIA{}", rng.hex(16).to_uppercase());
        let engineers = ["dana.okafor", "li.wei", "marta.nowak", "sam.patel"];
        let engineer = engineers[rng.below(engineers.len() as u64) as usize];
        let build = format!("AWSCodeBuild-{}", rng.uuid());
        let people = vec![
            Identity {
                actor: Actor::Player,
                role: "OnCallEngineer".into(),
                // As `sts get-caller-identity` names the player.
                role_id: "AROAEXAMPLEONCALL01".into(),
                session: "oncall".into(),
                access_key: key(&mut rng),
                source_ip: format!("203.0.113.{}", 10 + rng.below(200)),
                user_agent: "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 md/prompt#off md/command#fix".into(),
                trusted: "arn:aws:iam::${account}:root".into(),
                description: "On-call engineers' access for incident response".into(),
            },
            Identity {
                actor: Actor::Pipeline,
                role: "deploy-pipeline".into(),
                role_id: format!("AROA{}", rng.hex(17).to_uppercase()),
                session: build,
                access_key: key(&mut rng),
                source_ip: format!("20.{}.{}.{}", 40 + rng.below(160), rng.below(256), 1 + rng.below(254)),
                user_agent: "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#5.10.223-211.872.amzn2.x86_64 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython exec-env/AWS_ECS_EC2 cfg/retry-mode#standard md/installer#exe md/distrib#amzn.2 md/prompt#off".into(),
                trusted: "codebuild.amazonaws.com".into(),
                description: "CI/CD: builds images and deploys services".into(),
            },
            Identity {
                actor: Actor::Terraform,
                role: "terraform-apply".into(),
                role_id: format!("AROA{}", rng.hex(17).to_uppercase()),
                session: "terraform-run".into(),
                access_key: key(&mut rng),
                source_ip: format!("35.{}.{}.{}", 150 + rng.below(60), rng.below(256), 1 + rng.below(254)),
                user_agent: "APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.64.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.30.4 os/linux lang/go#1.22.6 md/GOOS#linux md/GOARCH#amd64".into(),
                trusted: "arn:aws:iam::${account}:root".into(),
                description: "Infrastructure as code: applies the network and IAM stacks".into(),
            },
            Identity {
                actor: Actor::Engineer,
                role: "PlatformEngineer".into(),
                role_id: format!("AROA{}", rng.hex(17).to_uppercase()),
                session: engineer.into(),
                access_key: key(&mut rng),
                source_ip: format!("198.51.100.{}", 10 + rng.below(200)),
                user_agent: "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off".into(),
                trusted: "arn:aws:iam::${account}:root".into(),
                description: "Platform engineers' day-to-day access".into(),
            },
        ];
        Trail {
            calls: Vec::new(),
            actor: Actor::Player,
            people,
            rng,
        }
    }

    /// Who `actor` is.
    pub fn identity(&self, actor: Actor) -> &Identity {
        self.people
            .iter()
            .find(|p| p.actor == actor)
            .unwrap_or(&self.people[0])
    }

    /// Records a call made now by the current actor: `result` is the response
    /// or the (code, message) of the error that refused it.
    pub fn record(
        &mut self,
        at: Millis,
        service: &str,
        name: &str,
        request: Value,
        result: Result<Value, (String, String)>,
    ) {
        let event_id = self.rng.uuid();
        let request_id = self.rng.uuid();
        let (response, error) = match result {
            Ok(v) => (Some(v), None),
            Err(e) => (None, Some(e)),
        };
        self.calls.push(ApiCall {
            at,
            event_id,
            request_id,
            actor: self.actor,
            service: service.to_string(),
            name: name.to_string(),
            request,
            response,
            error,
        });
    }
}
