//! The sandbox stack (`infra/sandbox.yaml`) as live mode sees it: its name
//! (the value of every resource's `faultline:sandbox` tag), its outputs, and
//! how a scenario's placeholders (`${rtb:private-a}`, `${role:...}`) bind to
//! them.

use super::LiveAccount;
use crate::aws::{ArgError, CommandError};
use std::collections::BTreeMap;

pub use crate::scenario::live::SANDBOX_TAG;
/// The tag key of resources a run created; its value is the run id.
pub const RUN_TAG: &str = "faultline:run";

pub use crate::scenario::live::BINDINGS;

/// A deployed sandbox stack: its name and outputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stack {
    /// The stack name (the sandbox tag's value).
    pub name: String,
    /// Output key -> value.
    pub outputs: BTreeMap<String, String>,
    /// Parameter key -> value (empty when not read from CloudFormation).
    pub parameters: BTreeMap<String, String>,
}

impl Stack {
    /// A stack known by its outputs (tests; or outputs read elsewhere).
    pub fn from_outputs(name: &str, outputs: BTreeMap<String, String>) -> Stack {
        Stack {
            name: name.to_string(),
            outputs,
            parameters: BTreeMap::new(),
        }
    }

    /// Reads a stack's outputs with CloudFormation `DescribeStacks`; refuses a
    /// stack that is not in a `*_COMPLETE` state (other than a deletion).
    pub fn load(live: &LiveAccount, name: &str) -> Result<Stack, CommandError> {
        let api = "DescribeStacks";
        let out = live
            .block_on(live.clients.cfn.describe_stacks().stack_name(name).send())
            .map_err(|e| super::sdk_error(api, e))?;
        let Some(s) = out.stacks.unwrap_or_default().into_iter().next() else {
            return Err(ArgError(format!("no stack named {name}")).into());
        };
        let status = s
            .stack_status
            .as_ref()
            .map(|x| x.as_str().to_string())
            .unwrap_or_default();
        if !status.ends_with("_COMPLETE") || status.starts_with("DELETE") {
            return Err(ArgError(format!(
                "stack {name} is {status}; live mode needs a complete stack (CREATE_COMPLETE or UPDATE_COMPLETE)"
            ))
            .into());
        }
        let outputs = s
            .outputs
            .unwrap_or_default()
            .into_iter()
            .filter_map(|o| Some((o.output_key?, o.output_value?)))
            .collect();
        let mut stack = Stack::from_outputs(name, outputs);
        stack.parameters = s
            .parameters
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| Some((p.parameter_key?, p.parameter_value?)))
            .collect();
        Ok(stack)
    }

    /// An output's value.
    pub fn output(&self, key: &str) -> Result<&str, String> {
        self.outputs.get(key).map(String::as_str).ok_or_else(|| {
            format!(
                "stack {} has no output {key}; deploy infra/sandbox.yaml (its outputs: {})",
                self.name,
                self.outputs.keys().cloned().collect::<Vec<_>>().join(", ")
            )
        })
    }

    /// A parameter's value, or the template's default when the stack was
    /// not read from CloudFormation.
    pub fn parameter(&self, key: &str, default: &str) -> String {
        self.parameters
            .get(key)
            .cloned()
            .unwrap_or_else(|| default.to_string())
    }

    /// What a scenario placeholder (without `${}`) names in this stack, if
    /// the stack has it.
    pub fn bind(&self, key: &str) -> Option<String> {
        let (_, out) = BINDINGS.iter().find(|(k, _)| *k == key)?;
        self.outputs.get(*out).cloned()
    }

    /// `faultline:sandbox=<name>`, as the stack's `SandboxTag` output writes it.
    pub fn tag(&self) -> String {
        format!("{SANDBOX_TAG}={}", self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_bind_to_outputs() {
        let s = Stack::from_outputs(
            "sb",
            [("PrivateRouteTableA".to_string(), "rtb-1".to_string())].into(),
        );
        assert_eq!(s.bind("rtb:private-a").as_deref(), Some("rtb-1"));
        assert_eq!(s.bind("rtb:private-b"), None);
        assert_eq!(s.bind("nope"), None);
        assert!(s.output("VpcId").unwrap_err().contains("no output VpcId"));
        assert_eq!(s.tag(), "faultline:sandbox=sb");
    }

    #[test]
    fn every_binding_names_an_output_of_the_template() {
        let template = include_str!("../../infra/sandbox.yaml");
        let outputs = &template[template.find("\nOutputs:").expect("an Outputs section")..];
        for (key, out) in BINDINGS {
            assert!(
                outputs.contains(&format!("\n  {out}:")),
                "{key} binds to {out}, which infra/sandbox.yaml does not output"
            );
        }
    }
}
