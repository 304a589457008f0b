//! The AWS service models `faultline serve` speaks: for each service of the
//! catalogue, its wire protocol and the shapes of the catalogue's operations,
//! cut from botocore's models by `scripts/gen_wire_models.py` into
//! `models.json` (built into the binary). The protocol codecs walk these
//! shapes: which member is a list, a map, a timestamp; what it is called on
//! the wire.

use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The models, as generated.
const MODELS: &str = include_str!("models.json");

/// Every service model.
#[derive(Debug, Deserialize)]
pub struct Models {
    /// The botocore version they were cut from.
    pub botocore: String,
    /// CLI service name (`ecs`, `elbv2`) -> model.
    pub services: HashMap<String, Service>,
}

/// One service's model.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    /// The protocol botocore speaks to it (`json`, `query`, `ec2`).
    pub protocol: String,
    /// Every protocol the model offers.
    pub protocols: Vec<String>,
    /// JSON protocols: `1.0` or `1.1`.
    pub json_version: Option<String>,
    /// JSON protocols: the `X-Amz-Target` prefix.
    pub target_prefix: Option<String>,
    /// The SigV4 service name.
    pub signing_name: String,
    /// The endpoint prefix (`ecs`, `elasticloadbalancing`).
    pub endpoint_prefix: String,
    /// The API version (`Version=` of query requests).
    pub api_version: String,
    /// Query protocols: the XML namespace of responses.
    pub xml_namespace: Option<String>,
    /// A JSON service that answers errors with their query-protocol codes.
    pub query_compatible: bool,
    /// API operation -> its shapes.
    pub operations: HashMap<String, Operation>,
    /// Shape name -> shape.
    pub shapes: HashMap<String, Shape>,
}

/// An operation's input and output.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    /// Input shape.
    pub input: Option<String>,
    /// Output shape.
    pub output: Option<String>,
    /// Query protocol: the element that wraps the output (`GetRoleResult`).
    pub result_wrapper: Option<String>,
}

/// A shape.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shape {
    /// `structure`, `list`, `map`, `string`, `integer`, `long`, `boolean`,
    /// `double`, `float`, `timestamp`, `blob`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A structure's members, in model order.
    #[serde(default)]
    pub members: Vec<Member>,
    /// A list's member.
    pub member: Option<Member>,
    /// A map's key.
    pub key: Option<Member>,
    /// A map's value.
    pub value: Option<Member>,
    /// A list or map serialized without its wrapping element.
    #[serde(default)]
    pub flattened: bool,
    /// A timestamp's wire format, when not the protocol's default.
    pub timestamp_format: Option<String>,
}

/// A reference to a shape: a structure's member, a list's member, a map's key or value.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// Member name (structures only).
    #[serde(default)]
    pub name: String,
    /// The shape it refers to.
    pub shape: String,
    /// Its name on the wire, when not its member name.
    pub location_name: Option<String>,
    /// EC2 query: its name in requests.
    pub query_name: Option<String>,
    /// Flattened (query protocol).
    #[serde(default)]
    pub flattened: bool,
}

impl Member {
    /// The member's element name in XML responses.
    pub fn xml_name(&self) -> &str {
        self.location_name.as_deref().unwrap_or(&self.name)
    }

    /// The member's key in EC2 query requests: `queryName`, else its
    /// `locationName` capitalised, else its name.
    pub fn ec2_query_name(&self) -> String {
        if let Some(q) = &self.query_name {
            return q.clone();
        }
        match &self.location_name {
            Some(l) => {
                let mut c = l.chars();
                match c.next() {
                    Some(f) => f.to_uppercase().chain(c).collect(),
                    None => String::new(),
                }
            }
            None => self.name.clone(),
        }
    }
}

impl Service {
    /// A shape by name (the generator keeps every shape an operation reaches).
    pub fn shape(&self, name: &str) -> &Shape {
        self.shapes
            .get(name)
            .unwrap_or_else(|| panic!("models.json lacks shape {name}: regenerate it"))
    }

    /// Whether this service speaks a JSON protocol.
    pub fn is_json(&self) -> bool {
        self.protocol == "json"
    }
}

/// The built-in models.
pub fn models() -> &'static Models {
    static M: OnceLock<Models> = OnceLock::new();
    M.get_or_init(|| serde_json::from_str(MODELS).expect("src/serve/models.json is valid"))
}

/// A service's model by CLI name.
pub fn service(name: &str) -> Option<&'static Service> {
    models().services.get(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::catalogue;

    #[test]
    fn every_operation_of_the_catalogue_has_a_wire_model() {
        let mut missing = Vec::new();
        let ops = catalogue::reads()
            .map(|o| (o.service, o.api))
            .chain(catalogue::writes().map(|o| (o.service, o.api)));
        for (service, api) in ops {
            let found = super::service(service).is_some_and(|s| s.operations.contains_key(api));
            if !found {
                missing.push(format!("{service} {api}"));
            }
        }
        assert!(
            missing.is_empty(),
            "no wire model for {missing:?}: run `faultline catalogue | python3 scripts/gen_wire_models.py > src/serve/models.json`"
        );
    }

    #[test]
    fn protocols_are_the_ones_botocore_speaks() {
        let m = models();
        assert_eq!(m.services["ecs"].protocol, "json");
        assert_eq!(m.services["iam"].protocol, "query");
        assert_eq!(m.services["ec2"].protocol, "ec2");
        // CloudWatch offers CBOR first; botocore prefers JSON 1.0 of the three.
        assert_eq!(m.services["cloudwatch"].protocol, "json");
        assert_eq!(
            m.services["cloudwatch"].json_version.as_deref(),
            Some("1.0")
        );
    }
}
