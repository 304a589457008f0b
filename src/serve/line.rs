//! A request of the catalogue written back as the AWS CLI line that sends
//! it: what a team's journal and timeline show for a request that came over
//! the wire, and what a replay of the journal runs.

use crate::aws::catalogue::{member_name, Flag, FlagKind, Op};
use crate::aws::Input;
use serde_json::Value;

fn quote(s: &str) -> String {
    shlex::try_quote(s)
        .map(|q| q.into_owned())
        .unwrap_or_else(|_| format!("'{}'", s.replace('\0', "")))
}

/// The CLI line of `op` with `input` (members without a flag of their own,
/// such as the API's paging members, are left out).
pub fn cli_line<F>(op: &Op<F>, input: &Input) -> String {
    let mut line = format!("{} {}", op.service, op.name);
    for (member, value) in input.members() {
        let Some(flag) = op
            .flags
            .iter()
            .find(|f| member_name(op.service, f.name) == *member)
        else {
            continue;
        };
        if let Some(words) = words(flag, value) {
            line.push(' ');
            line.push_str(&words);
        }
    }
    line
}

fn words(flag: &Flag, value: &Value) -> Option<String> {
    let name = flag.name;
    Some(match (flag.kind, value) {
        (_, Value::Null) => return None,
        (FlagKind::Bool, Value::Bool(true)) => format!("--{name}"),
        (FlagKind::Bool, Value::Bool(false)) => format!("--no-{name}"),
        (FlagKind::List, Value::Array(items)) if items.iter().all(Value::is_string) => {
            let items: Vec<String> = items.iter().filter_map(Value::as_str).map(quote).collect();
            format!("--{name} {}", items.join(" "))
        }
        (_, Value::String(s)) => format!("--{name} {}", quote(s)),
        (_, Value::Number(n)) => format!("--{name} {n}"),
        (_, other) => format!("--{name} {}", quote(&other.to_string())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::catalogue::{find_read, find_write};
    use crate::awscli::command;

    #[test]
    fn a_request_written_as_a_line_parses_back_to_the_same_input() {
        let cases = [
            (
                "ecs",
                "describe-services",
                serde_json::json!({"cluster": "prod", "services": ["checkout", "it's"], "include": ["TAGS"]}),
            ),
            (
                "ec2",
                "describe-route-tables",
                serde_json::json!({"Filters": [{"Name": "vpc-id", "Values": ["vpc-1"]}]}),
            ),
        ];
        for (service, name, members) in cases {
            let op = find_read(service, name).unwrap();
            let Value::Object(m) = members else { panic!() };
            let input = Input::from_members(m);
            let line = cli_line(op, &input);
            let cmd = command::parse(&line, "us-east-1").unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(cmd.input, input, "{line}");
        }
        let op = find_write("ecs", "update-service").unwrap();
        let Value::Object(m) = serde_json::json!({"cluster": "prod", "service": "checkout", "forceNewDeployment": true, "desiredCount": 2})
        else {
            panic!()
        };
        let input = Input::from_members(m);
        let line = cli_line(op, &input);
        assert_eq!(
            line,
            "ecs update-service --cluster prod --service checkout --force-new-deployment --desired-count 2"
        );
        assert_eq!(command::parse(&line, "us-east-1").unwrap().input, input);
    }
}
