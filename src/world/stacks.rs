//! CloudFormation stacks of the account, as data: what `cloudformation
//! describe-stacks` answers, and the stack-level tags CloudFormation
//! propagates to the resources it made. The scenarios build their accounts
//! without CloudFormation, so a world has no stack unless one is recorded
//! (`faultline serve --sandbox-stack` records the sandbox stack of live mode,
//! `infra/sandbox.yaml`, over the scenario's resources).

/// One stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stack {
    /// Its name.
    pub name: String,
    /// Its ARN (`arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>`).
    pub id: String,
    /// `CREATE_COMPLETE`, ...
    pub status: String,
    /// Creation instant (epoch ms).
    pub created: i64,
    /// Its description.
    pub description: String,
    /// Parameters, in the template's order.
    pub parameters: Vec<(String, String)>,
    /// Outputs, in the template's order.
    pub outputs: Vec<(String, String)>,
    /// Stack-level tags: CloudFormation propagates them to every resource
    /// of the stack that takes tags.
    pub tags: Vec<(String, String)>,
}

impl super::World {
    /// A resource's tags as AWS shows them: `own`, then the tags of the
    /// account's stacks (every resource of a served sandbox belongs to its
    /// stack) whose keys `own` does not have.
    pub fn with_stack_tags(&self, own: Vec<(String, String)>) -> Vec<(String, String)> {
        let mut out = own;
        for s in &self.stacks {
            for (k, v) in &s.tags {
                if !out.iter().any(|(x, _)| x == k) {
                    out.push((k.clone(), v.clone()));
                }
            }
        }
        out
    }
}
