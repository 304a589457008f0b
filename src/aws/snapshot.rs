//! A [`World`] built from describe calls: what the fix-quality lints and the
//! grader's culprit aliases need to judge an account they cannot hold, such
//! as a real one in live mode. [`snapshot`] sends only the catalogue's read
//! requests through a [`Reader`] and maps their JSON (the AWS CLI's shapes,
//! the same from the simulator and from a live account) into world types.
//!
//! What is read, for the judged service of a [`Scope`]: the service and its
//! task definition; the VPC of its subnets, with every subnet, route table,
//! NAT gateway, internet gateway and security group in it; the load balancers
//! in that VPC and the service's target groups (when elbv2 is describable);
//! the task definition's execution and task roles (and any the scope names)
//! with their trust policies, attached managed policies (the default
//! version's document) and inline policies; the ECR repositories of its
//! images and the Secrets Manager secrets it references (when describable).
//!
//! What a describe cannot give stays default, and so what depends on it
//! cannot be judged from a snapshot: application profiles and image
//! contents (so no `cost.oversized-task` lint: the need of an application is
//! not in any AWS API), tasks, ENIs and free-IP accounting, log groups,
//! SSM parameters, service events and deployments, the scheduler's state, and
//! rule ids of security groups. Policy documents are URL-decoded when they
//! come encoded (as IAM sends them); `Condition`, `NotResource` and
//! `NotPrincipal` are dropped, so a conditional grant counts as
//! unconditional and a `NotResource` grant is not judged. Routes to targets
//! the world does not model (transit gateways, peering, instances) are left
//! out.

use super::account::read_request;
use super::{CommandError, Input, Reader};
use crate::world::{
    Association, Cidr, CircuitBreaker, Cluster, ContainerDefinition, DeploymentConfig,
    EphemeralStorage, InternetGateway, LoadBalancer, ManagedPolicy, NatGateway, NetworkConfig,
    PolicyDocument, Repository, Role, Route, RouteDest, RouteTable, RouteTarget, RuntimePlatform,
    Secret, SecretValue, SecretVersion, SecurityGroup, Service, ServiceLoadBalancer, SgRule,
    Subnet, TargetGroup, TargetHealthCheck, TaskDefinition, TaskDefinitionInput, Vpc, World,
};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// What to snapshot: the judged service, and roles to read besides its
/// task definition's (e.g. the roles of the other snapshot being compared,
/// so that a role the fixes stopped using is still seen on both sides).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Cluster name or ARN.
    pub cluster: String,
    /// Service name or ARN.
    pub service: String,
    /// More IAM role names (or ARNs) to read.
    pub roles: Vec<String>,
}

impl Scope {
    /// The scope of one service.
    pub fn new(cluster: impl Into<String>, service: impl Into<String>) -> Scope {
        Scope {
            cluster: cluster.into(),
            service: service.into(),
            roles: Vec::new(),
        }
    }

    /// With the roles `world` holds (names) added to those to read.
    pub fn with_roles_of(mut self, world: &World) -> Scope {
        for name in world.roles.keys() {
            if !self.roles.contains(name) {
                self.roles.push(name.clone());
            }
        }
        self
    }
}

/// The account as the describe calls of `scope` show it (see the module
/// doc for what is read and what stays default). Fails when the service,
/// its task definition, or an ECS, EC2 or IAM read fails (a role, subnet or
/// policy that is gone is left out, not an error); elbv2, ECR and Secrets
/// Manager reads that fail (not answered live, not allowed) are left out.
pub fn snapshot<R: Reader + ?Sized>(reader: &R, scope: &Scope) -> Result<World, String> {
    Snap { r: reader }.build(scope)
}

struct Snap<'a, R: ?Sized> {
    r: &'a R,
}

/// `input` built from `(member, value)` pairs.
fn input(members: &[(&str, Value)]) -> Input {
    let mut i = Input::new();
    for (k, v) in members {
        i.set(*k, v.clone());
    }
    i
}

fn filter(name: &str, values: &[String]) -> Value {
    json!([{"Name": name, "Values": values}])
}

fn s(v: &Value, k: &str) -> String {
    v.get(k).and_then(Value::as_str).unwrap_or_default().into()
}

fn opt_s(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_string)
}

fn strs(v: &Value, k: &str) -> Vec<String> {
    v.get(k)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn items<'v>(v: &'v Value, k: &str) -> &'v [Value] {
    v.get(k)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn num(v: &Value, k: &str) -> Option<i64> {
    match v.get(k)? {
        Value::Number(n) => n.as_i64(),
        Value::String(t) => t.trim().parse().ok(),
        _ => None,
    }
}

/// The `Name` tag of an EC2 resource.
fn name_tag(v: &Value) -> String {
    items(v, "Tags")
        .iter()
        .find(|t| t.get("Key").and_then(Value::as_str) == Some("Name"))
        .map(|t| s(t, "Value"))
        .unwrap_or_default()
}

/// The last `/`-separated part of an ARN (a role's or a cluster's name).
fn last_part(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or(arn).to_string()
}

/// Whether an error says the resource is not there (rather than that it could not be read).
fn not_found(e: &CommandError) -> bool {
    match e {
        CommandError::Aws(a) => {
            a.code.contains("NotFound")
                || a.code.contains("NoSuchEntity")
                || a.code.contains("ResourceNotFound")
        }
        CommandError::Args(_) => false,
    }
}

impl<R: Reader + ?Sized> Snap<'_, R> {
    fn read(&self, service: &str, op: &str, i: Input) -> Result<Value, CommandError> {
        let req = read_request(service, op, i)?;
        self.r.read(&req)
    }

    /// A read that is needed: its error is the snapshot's.
    fn need(&self, service: &str, op: &str, i: Input) -> Result<Value, String> {
        self.read(service, op, i)
            .map_err(|e| format!("{service} {op}: {e}"))
    }

    /// A read whose resource may be gone: not found is `None`, other errors fail.
    fn maybe(&self, service: &str, op: &str, i: Input) -> Result<Option<Value>, String> {
        match self.read(service, op, i) {
            Ok(v) => Ok(Some(v)),
            Err(e) if not_found(&e) => Ok(None),
            Err(e) => Err(format!("{service} {op}: {e}")),
        }
    }

    /// A read of what may not be describable at all (elbv2, ECR, Secrets
    /// Manager): any error leaves it out.
    fn optional(&self, service: &str, op: &str, i: Input) -> Option<Value> {
        self.read(service, op, i).ok()
    }

    fn build(&self, scope: &Scope) -> Result<World, String> {
        let out = self.need(
            "ecs",
            "describe-services",
            input(&[
                ("cluster", json!(scope.cluster)),
                ("services", json!([scope.service])),
            ]),
        )?;
        let Some(sv) = items(&out, "services").first() else {
            return Err(format!(
                "service {} was not found in cluster {}",
                scope.service, scope.cluster
            ));
        };
        let service_arn = s(sv, "serviceArn");
        let parts: Vec<&str> = service_arn.split(':').collect();
        let region = parts
            .get(3)
            .filter(|r| !r.is_empty())
            .map(|r| r.to_string())
            .unwrap_or_else(|| self.r.region().to_string());
        let mut w = World::new(0, &region);
        w.policies.clear();
        if let Some(acct) = parts.get(4).filter(|a| !a.is_empty()) {
            w.account = acct.to_string();
        }
        let cluster_arn = s(sv, "clusterArn");
        let cluster = if cluster_arn.is_empty() {
            last_part(&scope.cluster)
        } else {
            last_part(&cluster_arn)
        };
        w.clusters.insert(
            cluster.clone(),
            Cluster {
                name: cluster.clone(),
                arn: cluster_arn,
            },
        );
        let svc = service(sv, &cluster);

        // The task definition and its roles.
        let td_out = self.need(
            "ecs",
            "describe-task-definition",
            input(&[("taskDefinition", json!(svc.task_definition))]),
        )?;
        let td = task_definition(td_out.get("taskDefinition").unwrap_or(&Value::Null))?;
        let mut roles: Vec<String> = [&td.def.execution_role_arn, &td.def.task_role_arn]
            .into_iter()
            .flatten()
            .map(|a| last_part(a))
            .collect();
        roles.extend(scope.roles.iter().map(|r| last_part(r)));
        let containers = td.def.container_definitions.clone();
        w.task_definitions.insert(
            (td.def.family.clone(), td.revision),
            std::sync::Arc::new(td),
        );

        self.network(&mut w, &svc)?;
        self.load_balancers(&mut w, &svc);
        let mut seen = BTreeSet::new();
        for name in roles {
            if seen.insert(name.clone()) {
                self.role(&mut w, &name)?;
            }
        }
        self.repositories(&mut w, &containers);
        self.secrets(&mut w, &containers);
        w.services
            .insert((svc.cluster.clone(), svc.name.clone()), svc);
        Ok(w)
    }

    /// The VPCs of the service's subnets, with everything networked in them.
    fn network(&self, w: &mut World, svc: &Service) -> Result<(), String> {
        let mut vpcs: BTreeSet<String> = BTreeSet::new();
        if !svc.network.subnets.is_empty() {
            if let Some(out) = self.maybe(
                "ec2",
                "describe-subnets",
                input(&[("SubnetIds", json!(svc.network.subnets))]),
            )? {
                vpcs.extend(items(&out, "Subnets").iter().map(|x| s(x, "VpcId")));
            }
        }
        if !svc.network.security_groups.is_empty() {
            if let Some(out) = self.maybe(
                "ec2",
                "describe-security-groups",
                input(&[("GroupIds", json!(svc.network.security_groups))]),
            )? {
                vpcs.extend(items(&out, "SecurityGroups").iter().map(|x| s(x, "VpcId")));
            }
        }
        vpcs.retain(|v| !v.is_empty());
        if vpcs.is_empty() {
            return Ok(());
        }
        let ids: Vec<String> = vpcs.into_iter().collect();
        let by_vpc = || ("Filters", filter("vpc-id", &ids));

        let out = self.need("ec2", "describe-vpcs", input(&[("VpcIds", json!(ids))]))?;
        for v in items(&out, "Vpcs") {
            let id = s(v, "VpcId");
            w.vpcs.insert(
                id.clone(),
                Vpc {
                    id,
                    name: name_tag(v),
                    cidr: s(v, "CidrBlock").parse().unwrap_or(Cidr::ANY),
                    // Attributes describe-vpcs does not show.
                    dns_support: true,
                    dns_hostnames: true,
                },
            );
        }
        let out = self.need("ec2", "describe-subnets", input(&[by_vpc()]))?;
        for x in items(&out, "Subnets") {
            let id = s(x, "SubnetId");
            let Ok(cidr) = s(x, "CidrBlock").parse() else {
                continue;
            };
            w.subnets.insert(
                id.clone(),
                Subnet {
                    id,
                    name: name_tag(x),
                    vpc_id: s(x, "VpcId"),
                    az: s(x, "AvailabilityZone"),
                    az_id: s(x, "AvailabilityZoneId"),
                    cidr,
                    map_public_ip_on_launch: x
                        .get("MapPublicIpOnLaunch")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                },
            );
        }
        let out = self.need("ec2", "describe-route-tables", input(&[by_vpc()]))?;
        for x in items(&out, "RouteTables") {
            let rt = route_table(x);
            w.route_tables.insert(rt.id.clone(), rt);
        }
        let out = self.need(
            "ec2",
            "describe-nat-gateways",
            input(&[("Filter", filter("vpc-id", &ids))]),
        )?;
        for x in items(&out, "NatGateways") {
            let addr = items(x, "NatGatewayAddresses")
                .first()
                .cloned()
                .unwrap_or(Value::Null);
            let id = s(x, "NatGatewayId");
            w.nat_gateways.insert(
                id.clone(),
                NatGateway {
                    id,
                    name: name_tag(x),
                    subnet_id: s(x, "SubnetId"),
                    vpc_id: s(x, "VpcId"),
                    state: s(x, "State"),
                    eni_id: s(&addr, "NetworkInterfaceId"),
                    public_ip: s(&addr, "PublicIp"),
                    allocation_id: s(&addr, "AllocationId"),
                    created: 0,
                },
            );
        }
        let out = self.need(
            "ec2",
            "describe-internet-gateways",
            input(&[("Filters", filter("attachment.vpc-id", &ids))]),
        )?;
        for x in items(&out, "InternetGateways") {
            let id = s(x, "InternetGatewayId");
            w.internet_gateways.insert(
                id.clone(),
                InternetGateway {
                    id,
                    name: name_tag(x),
                    vpc_id: items(x, "Attachments")
                        .first()
                        .and_then(|a| opt_s(a, "VpcId")),
                },
            );
        }
        let out = self.need("ec2", "describe-security-groups", input(&[by_vpc()]))?;
        for x in items(&out, "SecurityGroups") {
            let id = s(x, "GroupId");
            w.security_groups.insert(
                id.clone(),
                SecurityGroup {
                    id,
                    name: s(x, "GroupName"),
                    description: s(x, "Description"),
                    vpc_id: s(x, "VpcId"),
                    ingress: rules(items(x, "IpPermissions")),
                    egress: rules(items(x, "IpPermissionsEgress")),
                },
            );
        }
        Ok(())
    }

    /// The service's target groups and the load balancers in its VPC (or
    /// in front of it), when elbv2 is describable.
    fn load_balancers(&self, w: &mut World, svc: &Service) {
        let tgs: Vec<&String> = svc
            .load_balancers
            .iter()
            .map(|b| &b.target_group_arn)
            .collect();
        let mut fronting = BTreeSet::new();
        if !tgs.is_empty() {
            if let Some(out) = self.optional(
                "elbv2",
                "describe-target-groups",
                input(&[("TargetGroupArns", json!(tgs))]),
            ) {
                for x in items(&out, "TargetGroups") {
                    let tg = target_group(x);
                    fronting.extend(tg.load_balancer_arns.iter().cloned());
                    w.target_groups.insert(tg.arn.clone(), tg);
                }
            }
        }
        let Some(out) = self.optional("elbv2", "describe-load-balancers", Input::new()) else {
            return;
        };
        for x in items(&out, "LoadBalancers") {
            let arn = s(x, "LoadBalancerArn");
            let vpc = s(x, "VpcId");
            if !fronting.contains(&arn) && !w.vpcs.contains_key(&vpc) {
                continue;
            }
            w.load_balancers.insert(
                arn.clone(),
                LoadBalancer {
                    name: s(x, "LoadBalancerName"),
                    arn,
                    dns_name: s(x, "DNSName"),
                    scheme: s(x, "Scheme"),
                    vpc_id: vpc,
                    subnets: items(x, "AvailabilityZones")
                        .iter()
                        .map(|z| s(z, "SubnetId"))
                        .collect(),
                    security_groups: strs(x, "SecurityGroups"),
                    created: 0,
                    // Listeners are not surveyed: nothing judged from a snapshot reads them.
                    listeners: Vec::new(),
                },
            );
        }
    }

    /// A role, its trust policy, attached managed policies and inline policies.
    fn role(&self, w: &mut World, name: &str) -> Result<(), String> {
        let by_name = || input(&[("RoleName", json!(name))]);
        let Some(out) = self.maybe("iam", "get-role", by_name())? else {
            return Ok(());
        };
        let r = out.get("Role").cloned().unwrap_or(Value::Null);
        let trust = r
            .get("AssumeRolePolicyDocument")
            .and_then(policy_document)
            .unwrap_or_else(|| PolicyDocument {
                version: "2012-10-17".into(),
                id: None,
                statement: crate::world::Statements::Many(Vec::new()),
            });
        let mut role = Role {
            name: s(&r, "RoleName"),
            arn: s(&r, "Arn"),
            role_id: s(&r, "RoleId"),
            trust,
            attached: Vec::new(),
            inline: BTreeMap::new(),
            description: opt_s(&r, "Description"),
            created: 0,
        };
        if role.name.is_empty() {
            role.name = name.to_string();
        }
        let attached = self.need("iam", "list-attached-role-policies", by_name())?;
        for p in items(&attached, "AttachedPolicies") {
            let arn = s(p, "PolicyArn");
            role.attached.push(arn.clone());
            if let std::collections::btree_map::Entry::Vacant(e) = w.policies.entry(arn) {
                if let Some(policy) = self.policy(e.key(), &s(p, "PolicyName"))? {
                    e.insert(policy);
                }
            }
        }
        let names = self.need("iam", "list-role-policies", by_name())?;
        for pname in strs(&names, "PolicyNames") {
            let out = self.maybe(
                "iam",
                "get-role-policy",
                input(&[("RoleName", json!(name)), ("PolicyName", json!(pname))]),
            )?;
            if let Some(doc) = out
                .as_ref()
                .and_then(|o| o.get("PolicyDocument"))
                .and_then(policy_document)
            {
                role.inline.insert(pname, doc);
            }
        }
        w.roles.insert(role.name.clone(), role);
        Ok(())
    }

    /// A managed policy and its default version's document.
    fn policy(&self, arn: &str, name: &str) -> Result<Option<ManagedPolicy>, String> {
        let Some(out) = self.maybe("iam", "get-policy", input(&[("PolicyArn", json!(arn))]))?
        else {
            return Ok(None);
        };
        let p = out.get("Policy").cloned().unwrap_or(Value::Null);
        let version = s(&p, "DefaultVersionId");
        let doc = match self.maybe(
            "iam",
            "get-policy-version",
            input(&[("PolicyArn", json!(arn)), ("VersionId", json!(version))]),
        )? {
            Some(v) => v
                .get("PolicyVersion")
                .and_then(|pv| pv.get("Document"))
                .and_then(policy_document),
            None => None,
        };
        let Some(document) = doc else {
            return Ok(None);
        };
        let policy_name = s(&p, "PolicyName");
        Ok(Some(ManagedPolicy {
            name: if policy_name.is_empty() {
                name.to_string()
            } else {
                policy_name
            },
            arn: arn.to_string(),
            policy_id: s(&p, "PolicyId"),
            path: opt_s(&p, "Path").unwrap_or_else(|| "/".into()),
            document,
            version,
            created: 0,
        }))
    }

    /// The ECR repositories of the containers' images (no images: their
    /// contents and profiles are not describable).
    fn repositories(&self, w: &mut World, containers: &[ContainerDefinition]) {
        let names: BTreeSet<String> = containers
            .iter()
            .filter(|c| c.image.contains(".dkr.ecr."))
            .filter_map(|c| ecr_repository(&c.image))
            .collect();
        for name in names {
            let Some(out) = self.optional(
                "ecr",
                "describe-repositories",
                input(&[("repositoryNames", json!([name]))]),
            ) else {
                continue;
            };
            for x in items(&out, "repositories") {
                let name = s(x, "repositoryName");
                w.repositories.insert(
                    name.clone(),
                    Repository {
                        name,
                        arn: s(x, "repositoryArn"),
                        uri: s(x, "repositoryUri"),
                        created: 0,
                        images: Vec::new(),
                    },
                );
            }
        }
    }

    /// The Secrets Manager secrets the containers reference.
    fn secrets(&self, w: &mut World, containers: &[ContainerDefinition]) {
        let arns: BTreeSet<String> = containers
            .iter()
            .flat_map(|c| c.secrets.iter())
            .filter(|r| r.value_from.contains(":secretsmanager:"))
            // arn:aws:secretsmanager:region:account:secret:name[:json-key:stage:version]
            .map(|r| {
                r.value_from
                    .split(':')
                    .take(7)
                    .collect::<Vec<_>>()
                    .join(":")
            })
            .collect();
        for arn in arns {
            let Some(x) = self.optional(
                "secretsmanager",
                "describe-secret",
                input(&[("SecretId", json!(arn))]),
            ) else {
                continue;
            };
            let name = s(&x, "Name");
            let arn = s(&x, "ARN");
            // The region is the ARN's fourth field.
            let region = arn.split(':').nth(3).unwrap_or(&w.region).to_string();
            let versions = x
                .get("VersionIdsToStages")
                .and_then(|v| v.as_object())
                .map(|m| {
                    m.iter()
                        .map(|(id, stages)| SecretVersion {
                            id: id.clone(),
                            stages: stages
                                .as_array()
                                .map(|a| {
                                    a.iter()
                                        .filter_map(|s| s.as_str().map(str::to_string))
                                        .collect()
                                })
                                .unwrap_or_default(),
                            value: SecretValue::Unmodelled,
                        })
                        .collect()
                })
                .unwrap_or_default();
            w.secrets.insert(
                name.clone(),
                Secret {
                    name,
                    arn,
                    region,
                    created: 0,
                    kms_key_id: opt_s(&x, "KmsKeyId"),
                    description: opt_s(&x, "Description"),
                    versions,
                },
            );
        }
    }
}

/// The repository name of an image reference (`<registry>/<repo>:<tag>`).
fn ecr_repository(image: &str) -> Option<String> {
    let name = image.split('@').next()?;
    let (_, path) = name.split_once('/')?;
    let path = match path.rfind(':') {
        Some(i) => &path[..i],
        None => path,
    };
    (!path.is_empty()).then(|| path.to_string())
}

// ---------------------------------------------------------------- ECS

fn service(v: &Value, cluster: &str) -> Service {
    let net = v
        .get("networkConfiguration")
        .and_then(|n| n.get("awsvpcConfiguration"))
        .cloned()
        .unwrap_or(Value::Null);
    let dc = v
        .get("deploymentConfiguration")
        .cloned()
        .unwrap_or(Value::Null);
    let cb = dc
        .get("deploymentCircuitBreaker")
        .cloned()
        .unwrap_or(Value::Null);
    let flag = |v: &Value, k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
    Service {
        name: s(v, "serviceName"),
        arn: s(v, "serviceArn"),
        cluster: cluster.to_string(),
        task_definition: s(v, "taskDefinition"),
        desired_count: num(v, "desiredCount").unwrap_or(0).max(0) as u32,
        network: NetworkConfig {
            subnets: strs(&net, "subnets"),
            security_groups: strs(&net, "securityGroups"),
            assign_public_ip: s(&net, "assignPublicIp") == "ENABLED",
        },
        deployment_config: DeploymentConfig {
            maximum_percent: num(&dc, "maximumPercent").unwrap_or(200) as u32,
            minimum_healthy_percent: num(&dc, "minimumHealthyPercent").unwrap_or(100) as u32,
            circuit_breaker: CircuitBreaker {
                enable: flag(&cb, "enable"),
                rollback: flag(&cb, "rollback"),
            },
        },
        load_balancers: items(v, "loadBalancers")
            .iter()
            .map(|b| ServiceLoadBalancer {
                target_group_arn: s(b, "targetGroupArn"),
                container_name: s(b, "containerName"),
                container_port: num(b, "containerPort").unwrap_or(0) as u16,
            })
            .collect(),
        health_check_grace_period: num(v, "healthCheckGracePeriodSeconds").unwrap_or(0) as u32,
        deployments: Vec::new(),
        events: Default::default(),
        created_at: 0,
        status: opt_s(v, "status").unwrap_or_else(|| "ACTIVE".into()),
        sched: Default::default(),
        enable_execute_command: flag(v, "enableExecuteCommand"),
    }
}

/// `v` with only the members `keys` (the world's types refuse unknown ones).
fn keep(v: &Value, keys: &[&str]) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, x)| keys.contains(&k.as_str()) && !x.is_null())
                .map(|(k, x)| (k.clone(), x.clone()))
                .collect::<Map<String, Value>>(),
        ),
        o => o.clone(),
    }
}

fn keep_each(v: Option<&Value>, keys: &[&str]) -> Option<Value> {
    v.and_then(Value::as_array)
        .map(|a| Value::Array(a.iter().map(|x| keep(x, keys)).collect()))
}

/// A container definition as the world holds it, from DescribeTaskDefinition's shape.
fn container(v: &Value) -> Result<ContainerDefinition, String> {
    const FULL: &[&str] = &[
        "name",
        "image",
        "cpu",
        "memory",
        "memoryReservation",
        "essential",
        "portMappings",
        "environment",
        "secrets",
        "entryPoint",
        "command",
        "logConfiguration",
        "healthCheck",
        "stopTimeout",
        "readonlyRootFilesystem",
    ];
    let mut c = keep(v, FULL);
    if let Value::Object(m) = &mut c {
        let nested: [(&str, &[&str]); 5] = [
            (
                "portMappings",
                &[
                    "containerPort",
                    "hostPort",
                    "protocol",
                    "name",
                    "appProtocol",
                ],
            ),
            ("environment", &["name", "value"]),
            ("secrets", &["name", "valueFrom"]),
            (
                "logConfiguration",
                &["logDriver", "options", "secretOptions"],
            ),
            (
                "healthCheck",
                &["command", "interval", "timeout", "retries", "startPeriod"],
            ),
        ];
        for (k, keys) in nested {
            let kept = match m.get(k) {
                Some(Value::Array(_)) => keep_each(m.get(k), keys),
                Some(x @ Value::Object(_)) => Some(keep(x, keys)),
                _ => None,
            };
            if let Some(x) = kept {
                m.insert(k.into(), x);
            }
        }
        if let Some(Value::Object(l)) = m.get_mut("logConfiguration") {
            if let Some(so) = keep_each(l.get("secretOptions"), &["name", "valueFrom"]) {
                l.insert("secretOptions".into(), so);
            }
        }
    }
    serde_json::from_value(c.clone()).or_else(|_| {
        // What the lints read, when the rest has a shape the world does not model.
        let lean = keep(
            &c,
            &[
                "name",
                "image",
                "cpu",
                "memory",
                "secrets",
                "logConfiguration",
            ],
        );
        serde_json::from_value::<ContainerDefinition>(lean).map_err(|e| {
            format!(
                "container definition {} of the task definition: {e}",
                s(v, "name")
            )
        })
    })
}

fn task_definition(v: &Value) -> Result<TaskDefinition, String> {
    let arn = s(v, "taskDefinitionArn");
    if arn.is_empty() {
        return Err("ecs describe-task-definition: no task definition in the answer".into());
    }
    let containers = items(v, "containerDefinitions")
        .iter()
        .map(container)
        .collect::<Result<Vec<_>, _>>()?;
    let runtime_platform = v.get("runtimePlatform").map(|p| {
        let d = RuntimePlatform::default();
        RuntimePlatform {
            cpu_architecture: opt_s(p, "cpuArchitecture").unwrap_or(d.cpu_architecture),
            operating_system_family: opt_s(p, "operatingSystemFamily")
                .unwrap_or(d.operating_system_family),
        }
    });
    let ephemeral_storage = v
        .get("ephemeralStorage")
        .and_then(|e| num(e, "sizeInGiB"))
        .map(|n| EphemeralStorage {
            size_in_gi_b: n.max(0) as u32,
        });
    Ok(TaskDefinition {
        arn,
        revision: num(v, "revision").unwrap_or(0).max(0) as u32,
        status: opt_s(v, "status").unwrap_or_else(|| "ACTIVE".into()),
        registered_at: 0,
        def: TaskDefinitionInput {
            family: s(v, "family"),
            task_role_arn: opt_s(v, "taskRoleArn"),
            execution_role_arn: opt_s(v, "executionRoleArn"),
            network_mode: opt_s(v, "networkMode").unwrap_or_else(|| "awsvpc".into()),
            container_definitions: containers,
            requires_compatibilities: strs(v, "requiresCompatibilities"),
            cpu: s(v, "cpu"),
            memory: s(v, "memory"),
            runtime_platform,
            ephemeral_storage,
            volumes: Vec::new(),
            tags: Vec::new(),
        },
    })
}

// ---------------------------------------------------------------- EC2

fn route_table(x: &Value) -> RouteTable {
    let mut main = false;
    let associations = items(x, "Associations")
        .iter()
        .map(|a| {
            let is_main = a.get("Main").and_then(Value::as_bool).unwrap_or(false);
            main |= is_main;
            Association {
                id: s(a, "RouteTableAssociationId"),
                subnet_id: if is_main { None } else { opt_s(a, "SubnetId") },
            }
        })
        .collect();
    let routes = items(x, "Routes")
        .iter()
        .filter_map(|r| {
            let dest = match (
                opt_s(r, "DestinationCidrBlock"),
                opt_s(r, "DestinationPrefixListId"),
            ) {
                (Some(c), _) => RouteDest::Cidr(c.parse().ok()?),
                (None, Some(p)) => RouteDest::PrefixList(p),
                _ => return None,
            };
            let gateway = s(r, "GatewayId");
            let target = if let Some(n) = opt_s(r, "NatGatewayId") {
                RouteTarget::NatGateway(n)
            } else if gateway == "local" {
                RouteTarget::Local
            } else if gateway.starts_with("igw-") {
                RouteTarget::InternetGateway(gateway)
            } else if gateway.starts_with("vpce-") {
                RouteTarget::GatewayEndpoint(gateway)
            } else {
                return None;
            };
            let origin = match s(r, "Origin").as_str() {
                "CreateRouteTable" => "CreateRouteTable",
                "EnableVgwRoutePropagation" => "EnableVgwRoutePropagation",
                _ => "CreateRoute",
            };
            Some(Route {
                dest,
                target,
                origin,
            })
        })
        .collect();
    RouteTable {
        id: s(x, "RouteTableId"),
        name: name_tag(x),
        vpc_id: s(x, "VpcId"),
        main,
        associations,
        routes,
    }
}

/// Security group rules from `IpPermissions`: one rule per permission, with all its sources.
fn rules(perms: &[Value]) -> Vec<SgRule> {
    perms
        .iter()
        .map(|p| {
            let protocol = match s(p, "IpProtocol").as_str() {
                "6" => "tcp".to_string(),
                "17" => "udp".to_string(),
                "1" => "icmp".to_string(),
                "" => "-1".to_string(),
                o => o.to_string(),
            };
            let description = ["IpRanges", "UserIdGroupPairs", "PrefixListIds"]
                .iter()
                .flat_map(|k| items(p, k))
                .find_map(|x| opt_s(x, "Description"));
            SgRule {
                id: String::new(),
                from_port: num(p, "FromPort").unwrap_or(-1) as i32,
                to_port: num(p, "ToPort").unwrap_or(-1) as i32,
                protocol,
                cidrs: items(p, "IpRanges")
                    .iter()
                    .filter_map(|r| s(r, "CidrIp").parse().ok())
                    .collect(),
                groups: items(p, "UserIdGroupPairs")
                    .iter()
                    .map(|g| s(g, "GroupId"))
                    .collect(),
                prefix_lists: items(p, "PrefixListIds")
                    .iter()
                    .map(|g| s(g, "PrefixListId"))
                    .collect(),
                description,
            }
        })
        .collect()
}

// ---------------------------------------------------------------- ELB

fn target_group(x: &Value) -> TargetGroup {
    TargetGroup {
        name: s(x, "TargetGroupName"),
        arn: s(x, "TargetGroupArn"),
        port: num(x, "Port").unwrap_or(0) as u16,
        protocol: s(x, "Protocol"),
        vpc_id: s(x, "VpcId"),
        target_type: s(x, "TargetType"),
        health_check: TargetHealthCheck {
            protocol: s(x, "HealthCheckProtocol"),
            port: s(x, "HealthCheckPort"),
            path: s(x, "HealthCheckPath"),
            interval: num(x, "HealthCheckIntervalSeconds").unwrap_or(30) as u32,
            timeout: num(x, "HealthCheckTimeoutSeconds").unwrap_or(5) as u32,
            healthy_threshold: num(x, "HealthyThresholdCount").unwrap_or(5) as u32,
            unhealthy_threshold: num(x, "UnhealthyThresholdCount").unwrap_or(2) as u32,
            matcher: x
                .get("Matcher")
                .map(|m| s(m, "HttpCode"))
                .unwrap_or_default(),
        },
        deregistration_delay: 300,
        load_balancer_arns: strs(x, "LoadBalancerArns"),
        targets: Vec::new(),
    }
}

// ---------------------------------------------------------------- IAM

/// RFC 3986 percent-decoding, as IAM's documents need.
fn percent_decode(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut k = 0;
    while k < b.len() {
        if b[k] == b'%' {
            if let Some(n) = text
                .get(k + 1..k + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(n);
                k += 3;
                continue;
            }
        }
        out.push(b[k]);
        k += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A policy document from IAM's answer: JSON, a JSON string, or (as IAM
/// sends it) a URL-encoded JSON string. Members the world's grammar does not
/// model are dropped (see the module doc); `None` when it is no document.
pub fn policy_document(v: &Value) -> Option<PolicyDocument> {
    let v = match v {
        Value::String(t) => serde_json::from_str::<Value>(t)
            .or_else(|_| serde_json::from_str::<Value>(&percent_decode(t)))
            .ok()?,
        o => o.clone(),
    };
    let mut doc = keep(&v, &["Version", "Id", "Statement"]);
    let statement_keys = [
        "Sid",
        "Effect",
        "Principal",
        "Action",
        "NotAction",
        "Resource",
    ];
    let lean = |st: &Value| {
        let mut st = keep(st, &statement_keys);
        if let Some(Value::Object(p)) = st.get_mut("Principal") {
            p.retain(|k, _| k == "Service" || k == "AWS");
        }
        st
    };
    if let Value::Object(m) = &mut doc {
        let statement = match m.get("Statement") {
            Some(Value::Array(a)) => Value::Array(a.iter().map(lean).collect()),
            Some(st @ Value::Object(_)) => lean(st),
            _ => Value::Array(Vec::new()),
        };
        m.insert("Statement".into(), statement);
    }
    serde_json::from_value(doc).ok()
}

#[cfg(test)]
mod tests;
