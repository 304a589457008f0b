//! Task definition rules Fargate enforces at RegisterTaskDefinition: valid
//! CPU/memory pairs, awslogs needs an execution role, container limits fit.

use super::messages as m;
use crate::error::AwsError;
use crate::world::TaskDefinitionInput;

/// Valid Fargate task sizes [V]: CPU units to the memory values (MiB) allowed.
pub fn valid_memory(cpu: u32) -> Option<Vec<u32>> {
    let range = |lo: u32, hi: u32, step: u32| (lo..=hi).step_by(step as usize).collect::<Vec<_>>();
    Some(match cpu {
        256 => vec![512, 1024, 2048],
        512 => range(1024, 4096, 1024),
        1024 => range(2048, 8192, 1024),
        2048 => range(4096, 16384, 1024),
        4096 => range(8192, 30720, 1024),
        8192 => range(16384, 61440, 4096),
        16384 => range(32768, 122880, 8192),
        _ => return None,
    })
}

/// Whether `cpu` units with `memory` MiB is a Fargate task size.
pub fn is_valid_size(cpu: u32, memory: u32) -> bool {
    valid_memory(cpu).is_some_and(|v| v.contains(&memory))
}

/// Parses task CPU as ECS accepts it: `"256"`, `"1024"`, `"0.25 vCPU"`, `"1 vcpu"`.
pub fn parse_cpu(s: &str) -> Option<u32> {
    let t = s.trim().to_ascii_lowercase();
    if let Some(v) = t.strip_suffix("vcpu") {
        let f: f64 = v.trim().parse().ok()?;
        return Some((f * 1024.0).round() as u32);
    }
    t.parse().ok()
}

/// Parses task memory as ECS accepts it: `"512"`, `"2048"`, `"0.5 GB"`, `"2gb"`.
pub fn parse_memory(s: &str) -> Option<u32> {
    let t = s.trim().to_ascii_lowercase();
    if let Some(v) = t.strip_suffix("gb") {
        let f: f64 = v.trim().parse().ok()?;
        return Some((f * 1024.0).round() as u32);
    }
    t.parse().ok()
}

/// Checks a RegisterTaskDefinition input as ECS does for Fargate, and
/// normalises CPU and memory to units and MiB.
pub fn check(mut def: TaskDefinitionInput) -> Result<TaskDefinitionInput, AwsError> {
    let op = "RegisterTaskDefinition";
    let client = |msg: String| AwsError::new("ClientException", op, msg);
    if def.family.is_empty()
        || def.family.len() > 255
        || !def
            .family
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        // [V] ECS: "Family contains invalid characters" style; wording [I].
        return Err(client(format!(
            "Family '{}' is invalid. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.",
            def.family
        )));
    }
    if def.container_definitions.is_empty() {
        return Err(client("Container list cannot be empty.".into())); // [I]
    }
    if def.network_mode != "awsvpc" {
        // [I] wording of the Fargate network-mode rule.
        return Err(client(
            "Fargate only supports network mode ‘awsvpc’.".into(),
        ));
    }
    let (Some(cpu), Some(mem)) = (parse_cpu(&def.cpu), parse_memory(&def.memory)) else {
        return Err(client(m::no_fargate_configuration(&def.cpu, &def.memory)));
    };
    if !is_valid_size(cpu, mem) {
        return Err(client(m::no_fargate_configuration(
            &cpu.to_string(),
            &mem.to_string(),
        )));
    }
    def.cpu = cpu.to_string();
    def.memory = mem.to_string();
    if def.execution_role_arn.is_none()
        && def
            .container_definitions
            .iter()
            .any(|c| c.awslogs().is_some())
    {
        return Err(client(m::AWSLOGS_NEEDS_EXECUTION_ROLE.into()));
    }
    if def.container_definitions.iter().any(|c| {
        c.awslogs()
            .is_some_and(|o| !o.contains_key("awslogs-stream-prefix"))
    }) {
        return Err(client(m::AWSLOGS_NEEDS_STREAM_PREFIX.into()));
    }
    let mut names = std::collections::BTreeSet::new();
    let mut mem_total = 0u32;
    let mut cpu_total = 0u32;
    for c in &def.container_definitions {
        if !names.insert(c.name.as_str()) {
            return Err(client(format!(
                "Duplicate container name found: {}.",
                c.name
            ))); // [I]
        }
        if let (Some(hard), Some(soft)) = (c.memory, c.memory_reservation) {
            if soft > hard {
                // [I] after ECS's memory/memoryReservation rule.
                return Err(client(format!(
                    "Invalid setting for container '{}'. At least one of 'memory' or 'memoryReservation' must be specified for a container. 'memoryReservation' must be less than 'memory'.",
                    c.name
                )));
            }
        }
        mem_total += c.memory.or(c.memory_reservation).unwrap_or(0);
        cpu_total += c.cpu;
    }
    if mem_total > mem {
        // [V] §4: container memory total must be lower than task memory; wording [I].
        return Err(client(format!(
            "Invalid 'memory' setting for container. The sum of container memory ({mem_total} MiB) must be lower than task memory ({mem} MiB)."
        )));
    }
    if cpu_total > cpu {
        return Err(client(format!(
            "Invalid 'cpu' setting for task. The sum of container cpu ({cpu_total}) must not exceed task cpu ({cpu})."
        )));
    }
    if !def.container_definitions.iter().any(|c| c.essential) {
        return Err(client(
            "A task definition must have at least one essential container.".into(),
        )); // [I]
    }
    if let Some(e) = &def.ephemeral_storage {
        if !(21..=200).contains(&e.size_in_gi_b) {
            // [V] ECS: ephemeral storage between 21 and 200 GiB when set.
            return Err(client(format!(
                "The ephemeral storage size must be between 21 and 200 GiB. Specified size: {} GiB.",
                e.size_in_gi_b
            )));
        }
    }
    Ok(def)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert!(is_valid_size(256, 512));
        assert!(is_valid_size(256, 2048));
        assert!(!is_valid_size(256, 4096));
        assert!(is_valid_size(4096, 30720));
        assert!(!is_valid_size(8192, 18432));
        assert!(is_valid_size(16384, 122880));
        assert!(!is_valid_size(300, 1024));
        assert_eq!(parse_cpu("0.25 vCPU"), Some(256));
        assert_eq!(parse_memory("0.5 GB"), Some(512));
        assert_eq!(parse_memory("2GB"), Some(2048));
    }

    #[test]
    fn invalid_pair_is_rejected_with_the_aws_text() {
        let def: TaskDefinitionInput = serde_json::from_str(
            r#"{"family":"web","cpu":"256","memory":"4096","containerDefinitions":[{"name":"web","image":"nginx"}]}"#,
        )
        .unwrap();
        let e = check(def).unwrap_err();
        assert_eq!(
            e.to_string(),
            "An error occurred (ClientException) when calling the RegisterTaskDefinition operation: No Fargate configuration exists for given values: 256 CPU, 4096 memory"
        );
    }

    #[test]
    fn awslogs_needs_execution_role() {
        let def: TaskDefinitionInput = serde_json::from_str(
            r#"{"family":"web","cpu":"256","memory":"512","containerDefinitions":[{"name":"web","image":"nginx",
              "logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/web","awslogs-region":"us-east-1"}}}]}"#,
        )
        .unwrap();
        let e = check(def).unwrap_err();
        assert_eq!(e.code, "ClientException");
        assert_eq!(e.message, "Fargate requires task definition to have execution role ARN to support log driver awslogs.");
    }

    #[test]
    fn awslogs_on_fargate_needs_a_stream_prefix() {
        let def: TaskDefinitionInput = serde_json::from_str(
            r#"{"family":"web","cpu":"256","memory":"512","executionRoleArn":"arn:aws:iam::123456789012:role/exec","containerDefinitions":[{"name":"web","image":"nginx",
              "logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/web","awslogs-region":"us-east-1","awslogs-stream-prefx":"ecs"}}}]}"#,
        )
        .unwrap();
        let e = check(def).unwrap_err();
        assert_eq!(e.code, "ClientException");
        assert_eq!(e.message, "Fargate requires log configuration options to include awslogs-stream-prefix to support log driver awslogs.");
    }
}
