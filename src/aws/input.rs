//! The members of a request, named as the AWS API names them
//! (`RouteTableId`, `taskDefinition`), with values in the API's JSON types.
//! The AWS CLI front end fills them from flags; other front ends (the AWS
//! wire protocols, a scenario timeline) fill them directly.

use super::catalogue::flag_name;
use super::ArgError;
use serde_json::{Map, Value};

/// A request's input: API member -> JSON value.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Input(Map<String, Value>);

impl Input {
    /// An empty input.
    pub fn new() -> Input {
        Input::default()
    }

    /// An input of these members (a wire protocol's request, decoded).
    pub fn from_members(members: Map<String, Value>) -> Input {
        Input(members)
    }

    /// Sets a member.
    pub fn set(&mut self, member: impl Into<String>, value: impl Into<Value>) -> &mut Input {
        self.0.insert(member.into(), value.into());
        self
    }

    /// With a member set (builder style).
    pub fn with(mut self, member: impl Into<String>, value: impl Into<Value>) -> Input {
        self.set(member, value);
        self
    }

    /// Whether a member is present.
    pub fn has(&self, member: &str) -> bool {
        self.0.contains_key(member)
    }

    /// The members, in the order they were set.
    pub fn members(&self) -> &Map<String, Value> {
        &self.0
    }

    fn invalid(member: &str, v: &Value, valid: &str) -> ArgError {
        // The SDKs' parameter validation (botocore's wording).
        ArgError(format!(
            "Parameter validation failed:\nInvalid type for parameter {member}, value: {v}, valid types: {valid}"
        ))
    }

    /// A scalar member as text (numbers and booleans as the CLI prints them).
    pub fn value(&self, member: &str) -> Result<Option<String>, ArgError> {
        match self.0.get(member) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(v) => Err(Self::invalid(member, v, "<class 'str'>")),
        }
    }

    /// A list of scalars as texts (a lone scalar is a list of one).
    pub fn values(&self, member: &str) -> Result<Option<Vec<String>>, ArgError> {
        match self.0.get(member) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(a)) => a
                .iter()
                .map(|x| match x {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(n) => Ok(n.to_string()),
                    Value::Bool(b) => Ok(b.to_string()),
                    v => Err(Self::invalid(member, v, "<class 'str'>")),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => self.value(member).map(|v| v.map(|s| vec![s])),
        }
    }

    /// A member the operation cannot do without.
    pub fn required(&self, member: &str) -> Result<String, ArgError> {
        self.value(member)?.ok_or_else(|| {
            ArgError(format!(
                "aws: error: the following arguments are required: {}",
                flag_name(member)
            ))
        })
    }

    /// A boolean member.
    pub fn switch(&self, member: &str) -> Result<Option<bool>, ArgError> {
        match self.0.get(member) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s == "true" || s == "false" => Ok(Some(s == "true")),
            Some(v) => Err(Self::invalid(member, v, "<class 'bool'>")),
        }
    }

    /// A structure member, as given.
    pub fn structure(&self, member: &str) -> Result<Option<Value>, ArgError> {
        Ok(self.0.get(member).filter(|v| !v.is_null()).cloned())
    }

    /// A list-of-structures member (a lone structure is a list of one).
    pub fn structures(&self, member: &str) -> Option<Vec<Value>> {
        match self.0.get(member) {
            None | Some(Value::Null) => None,
            Some(Value::Array(a)) => Some(a.clone()),
            Some(v) => Some(vec![v.clone()]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_lists_and_switches_read_back() {
        let i = Input::new()
            .with("RouteTableId", "rtb-1")
            .with("desiredCount", 3)
            .with("tasks", json!(["a", "b"]))
            .with("DryRun", true);
        assert_eq!(i.value("RouteTableId").unwrap().as_deref(), Some("rtb-1"));
        assert_eq!(i.value("desiredCount").unwrap().as_deref(), Some("3"));
        assert_eq!(i.values("tasks").unwrap().unwrap(), ["a", "b"]);
        assert_eq!(i.values("RouteTableId").unwrap().unwrap(), ["rtb-1"]);
        assert_eq!(i.switch("DryRun").unwrap(), Some(true));
        assert_eq!(i.value("Missing").unwrap(), None);
    }

    #[test]
    fn a_missing_required_member_reads_as_the_cli_says_it() {
        let e = Input::new().required("RouteTableId").unwrap_err();
        assert_eq!(
            e.0,
            "aws: error: the following arguments are required: --route-table-id"
        );
    }

    #[test]
    fn a_structure_where_a_string_belongs_is_a_validation_error() {
        let i = Input::new().with("cluster", json!({"a": 1}));
        assert!(i
            .value("cluster")
            .unwrap_err()
            .0
            .contains("Invalid type for parameter cluster"));
    }
}
