//! Which undo records of a run to replay: for each thing the run changed
//! (a route, an attachment, an inline or trust policy, a retention, a
//! service field), only the oldest record holds its state before the run.

use crate::live::journal::Undo;

/// What one undo record puts back, for finding records of the same thing.
fn slots(u: &Undo) -> Vec<String> {
    match u {
        Undo::CreateRoute {
            route_table_id,
            destination_cidr_block,
            ..
        }
        | Undo::DeleteRoute {
            route_table_id,
            destination_cidr_block,
        } => vec![format!("route {route_table_id} {destination_cidr_block}")],
        Undo::AttachRolePolicy {
            role_name,
            policy_arn,
        }
        | Undo::DetachRolePolicy {
            role_name,
            policy_arn,
        } => vec![format!("attached {role_name} {policy_arn}")],
        Undo::PutRolePolicy {
            role_name,
            policy_name,
            ..
        }
        | Undo::DeleteRolePolicy {
            role_name,
            policy_name,
        } => vec![format!("inline {role_name} {policy_name}")],
        Undo::PutRetentionPolicy { name, .. } => vec![format!("retention {name}")],
        Undo::UpdateAssumeRolePolicy { role_name, .. } => vec![format!("trust {role_name}")],
        Undo::RestoreService {
            cluster,
            service,
            task_definition,
            desired_count,
            network_configuration,
        } => [
            task_definition.as_ref().map(|_| "taskDefinition"),
            desired_count.as_ref().map(|_| "desiredCount"),
            network_configuration
                .as_ref()
                .map(|_| "networkConfiguration"),
        ]
        .into_iter()
        .flatten()
        .map(|f| format!("service {cluster} {service} {f}"))
        .collect(),
        // Deletions of what the run created (by tag or name) hold no earlier state.
        _ => Vec::new(),
    }
}

/// Steps in journal order, each undo record kept only for what no older
/// step of the run also changed: the oldest record of a thing holds its
/// state before the run, so undoing the newer ones too would only change it
/// back and forth (and a second undo would send them again). None: every
/// part of the record is superseded.
pub(super) fn superseded(steps: Vec<(usize, String, Undo)>) -> Vec<(usize, String, Option<Undo>)> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for (seq, note, u) in steps {
        let mine = slots(&u);
        let kept = if mine.is_empty() {
            Some(u)
        } else if let Undo::RestoreService {
            cluster,
            service,
            task_definition,
            desired_count,
            network_configuration,
        } = &u
        {
            let fresh = |f: &str| !seen.contains(&format!("service {cluster} {service} {f}"));
            let r = Undo::RestoreService {
                cluster: cluster.clone(),
                service: service.clone(),
                task_definition: task_definition.clone().filter(|_| fresh("taskDefinition")),
                desired_count: desired_count.filter(|_| fresh("desiredCount")),
                network_configuration: network_configuration
                    .clone()
                    .filter(|_| fresh("networkConfiguration")),
            };
            (!slots(&r).is_empty()).then_some(r)
        } else if mine.iter().any(|m| seen.contains(m)) {
            None
        } else {
            Some(u)
        };
        seen.extend(mine);
        out.push((seq, note, kept));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_oldest_record_of_a_thing_is_undone() {
        let route = |create: bool| {
            if create {
                Undo::CreateRoute {
                    route_table_id: "rtb-a".into(),
                    destination_cidr_block: "0.0.0.0/0".into(),
                    target: ("NatGatewayId".into(), "nat-1".into()),
                }
            } else {
                Undo::DeleteRoute {
                    route_table_id: "rtb-a".into(),
                    destination_cidr_block: "0.0.0.0/0".into(),
                }
            }
        };
        let service = |td: Option<&str>, n: Option<i32>| Undo::RestoreService {
            cluster: "prod".into(),
            service: "checkout".into(),
            task_definition: td.map(str::to_string),
            desired_count: n,
            network_configuration: None,
        };
        let steps = vec![
            (1, "fault".to_string(), route(true)),
            (2, "deploy".to_string(), service(Some("td:1"), None)),
            (3, "fix: route".to_string(), route(false)),
            (
                4,
                "fix: service".to_string(),
                service(Some("td:9"), Some(2)),
            ),
            (
                5,
                "created".to_string(),
                Undo::DeleteLogGroup { name: "/g".into() },
            ),
        ];
        let kept: Vec<Option<Undo>> = superseded(steps).into_iter().map(|s| s.2).collect();
        assert_eq!(kept[0], Some(route(true)));
        assert_eq!(kept[1], Some(service(Some("td:1"), None)));
        assert_eq!(kept[2], None, "the fault's record restores the route");
        assert_eq!(
            kept[3],
            Some(service(None, Some(2))),
            "the task definition is the deploy's to restore; the count is the fix's"
        );
        assert_eq!(kept[4], Some(Undo::DeleteLogGroup { name: "/g".into() }));
    }
}
