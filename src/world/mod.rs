//! The simulated AWS account: typed resources with AWS-format ids and ARNs,
//! generated from one seeded RNG.
//!
//! The world owns state only. It knows nothing of time passing (the engine)
//! or of the player (the REPL and grading); it offers lookups, id generation,
//! IP accounting and invariant checks that every other part relies on. It
//! never imports the engine: the bookkeeping the engine keeps with each task
//! is plain data declared here, in [`run`].

pub mod ecs;
pub mod iam;
pub mod ids;
pub mod nacl;
pub mod net;
pub mod run;
pub mod services;
pub mod stacks;
pub mod trail;

pub use ecs::*;
pub use iam::*;
pub use ids::Rng;
pub use nacl::{NaclAction, NaclEntry, NetworkAcl};
pub use net::*;
pub use run::*;
pub use services::*;
pub use stacks::Stack;
pub use trail::{Actor, ApiCall, Identity, Trail};

use std::collections::BTreeMap;

/// Tasks by id, in insertion order (deterministic), hashed for the engine's many lookups.
pub type TaskMap = indexmap::IndexMap<String, Task, rustc_hash::FxBuildHasher>;

/// The whole simulated account in one region.
#[derive(Debug, Clone)]
pub struct World {
    /// 12-digit account id.
    pub account: String,
    /// Region, e.g. `us-east-1`.
    pub region: String,
    /// The one seeded RNG all ids and choices come from.
    pub rng: Rng,
    /// VPCs by id.
    pub vpcs: BTreeMap<String, Vpc>,
    /// Subnets by id.
    pub subnets: BTreeMap<String, Subnet>,
    /// Route tables by id.
    pub route_tables: BTreeMap<String, RouteTable>,
    /// Internet gateways by id.
    pub internet_gateways: BTreeMap<String, InternetGateway>,
    /// NAT gateways by id.
    pub nat_gateways: BTreeMap<String, NatGateway>,
    /// VPC endpoints by id.
    pub vpc_endpoints: BTreeMap<String, VpcEndpoint>,
    /// Network ACLs by id.
    pub network_acls: BTreeMap<String, NetworkAcl>,
    /// Security groups by id.
    pub security_groups: BTreeMap<String, SecurityGroup>,
    /// Network interfaces by id (change them only through `create_eni` and `remove_eni`).
    pub enis: BTreeMap<String, NetworkInterface>,
    /// Addresses in use per subnet, kept with `enis`.
    used_ips: BTreeMap<String, IpPool>,
    /// IAM roles by name.
    pub roles: BTreeMap<String, Role>,
    /// Managed policies by ARN.
    pub policies: BTreeMap<String, ManagedPolicy>,
    /// ECR repositories by name.
    pub repositories: BTreeMap<String, Repository>,
    /// Log groups by name.
    pub log_groups: BTreeMap<String, LogGroup>,
    /// Secrets by name.
    pub secrets: BTreeMap<String, Secret>,
    /// SSM parameters by name.
    pub parameters: BTreeMap<String, Parameter>,
    /// Customer managed KMS keys by ARN.
    pub kms_keys: BTreeMap<String, KmsKey>,
    /// Clusters by name.
    pub clusters: BTreeMap<String, Cluster>,
    /// Task definitions by (family, revision).
    pub task_definitions: BTreeMap<(String, u32), std::sync::Arc<TaskDefinition>>,
    /// Services by (cluster, name).
    pub services: BTreeMap<(String, String), Service>,
    /// Tasks by id (stopped ones stay an hour).
    /// (Insertion-ordered, so iteration is deterministic; looked up by hash, since the
    /// engine looks tasks up on every step.)
    pub tasks: TaskMap,
    /// Load balancers by ARN.
    pub load_balancers: BTreeMap<String, LoadBalancer>,
    /// Target groups by ARN.
    pub target_groups: BTreeMap<String, TargetGroup>,
    /// Application profiles by name.
    pub profiles: BTreeMap<String, AppProfile>,
    /// Scenario-level names (`subnet:private-a`) to generated ids or ARNs.
    pub names: BTreeMap<String, String>,
    /// Public addresses AWS endpoints resolve to, by host name.
    pub endpoint_ips: BTreeMap<String, String>,
    /// Service quota values that differ from the defaults, by quota code (`L-3032A538`).
    pub quotas: BTreeMap<String, f64>,
    /// Service quota increase requests, oldest first.
    pub quota_requests: Vec<QuotaRequest>,
    /// CloudFormation stacks (none unless recorded; see [`stacks`]).
    pub stacks: Vec<Stack>,
    /// Every write API call made to the account, as CloudTrail records it.
    pub trail: Trail,
}

/// Public address blocks of a region, as (first octet, first second octet,
/// how many second octets): a few of the prefixes AWS publishes for the
/// region's EC2 and service endpoints in ip-ranges.json (e.g. us-east-1's
/// 3.208.0.0/12, 34.192.0.0/12, 44.192.0.0/11, 52.0.0.0/15, 54.80.0.0/13;
/// eu-west-1's 34.240.0.0/13, 52.16.0.0/15, 54.72.0.0/15, 63.32.0.0/14) [I:
/// chosen from memory of the published ranges, not a copy of the file]. A
/// region not listed uses us-east-1's.
fn public_blocks(region: &str) -> &'static [(u64, u64, u64)] {
    match region {
        "us-east-2" => &[(18, 188, 4), (18, 216, 8), (13, 58, 2), (52, 14, 1)],
        "us-west-1" => &[(52, 52, 2), (13, 56, 2), (54, 183, 1), (54, 193, 1)],
        "us-west-2" => &[
            (34, 208, 16),
            (35, 160, 8),
            (44, 224, 32),
            (52, 32, 4),
            (54, 68, 4),
            (54, 184, 8),
        ],
        "eu-west-1" => &[
            (34, 240, 8),
            (52, 16, 2),
            (52, 208, 8),
            (54, 72, 2),
            (54, 170, 2),
            (63, 32, 4),
        ],
        "eu-central-1" => &[
            (18, 184, 2),
            (3, 120, 4),
            (35, 156, 4),
            (52, 28, 1),
            (52, 57, 1),
        ],
        _ => &[
            (3, 208, 16),
            (18, 204, 4),
            (34, 192, 16),
            (44, 192, 32),
            (52, 0, 2),
            (54, 80, 8),
            (54, 144, 4),
            (54, 160, 8),
        ],
    }
}

impl World {
    /// An empty account: AWS-managed policies present, ids from `seed`.
    pub fn new(seed: u64, region: &str) -> World {
        let mut rng = Rng::new(seed);
        let account = rng.digits(12);
        let mut w = World {
            account,
            region: region.to_string(),
            rng,
            vpcs: BTreeMap::new(),
            subnets: BTreeMap::new(),
            route_tables: BTreeMap::new(),
            internet_gateways: BTreeMap::new(),
            nat_gateways: BTreeMap::new(),
            vpc_endpoints: BTreeMap::new(),
            network_acls: BTreeMap::new(),
            security_groups: BTreeMap::new(),
            enis: BTreeMap::new(),
            used_ips: BTreeMap::new(),
            roles: BTreeMap::new(),
            policies: BTreeMap::new(),
            repositories: BTreeMap::new(),
            log_groups: BTreeMap::new(),
            secrets: BTreeMap::new(),
            parameters: BTreeMap::new(),
            kms_keys: BTreeMap::new(),
            clusters: BTreeMap::new(),
            task_definitions: BTreeMap::new(),
            services: BTreeMap::new(),
            tasks: TaskMap::default(),
            load_balancers: BTreeMap::new(),
            target_groups: BTreeMap::new(),
            profiles: BTreeMap::new(),
            names: BTreeMap::new(),
            endpoint_ips: BTreeMap::new(),
            quotas: BTreeMap::new(),
            quota_requests: Vec::new(),
            stacks: Vec::new(),
            trail: Trail::new(seed),
        };
        for p in aws_managed_policies() {
            w.policies.insert(p.arn.clone(), p);
        }
        w
    }

    /// `arn:aws:<service>:<region>:<acct>:<rest>`.
    pub fn arn(&self, service: &str, rest: &str) -> String {
        concat(&[
            "arn:aws:",
            service,
            ":",
            &self.region,
            ":",
            &self.account,
            ":",
            rest,
        ])
    }

    /// `arn:aws:<service>:<region>:<acct>:<rest>` in another region.
    pub fn arn_in(&self, service: &str, region: &str, rest: &str) -> String {
        concat(&[
            "arn:aws:",
            service,
            ":",
            region,
            ":",
            &self.account,
            ":",
            rest,
        ])
    }

    /// The secret whose full ARN is `arn` (in whichever region it lives).
    pub fn secret_by_arn(&self, arn: &str) -> Option<&Secret> {
        self.secrets.values().find(|s| s.arn == arn)
    }

    /// A parameter by name in `region`.
    pub fn parameter_in(&self, region: &str, name: &str) -> Option<&Parameter> {
        let name = name.trim_start_matches('/');
        self.parameters
            .values()
            .find(|p| p.region == region && p.name.trim_start_matches('/') == name)
    }

    /// Role ARN for a role name.
    pub fn role_arn(&self, name: &str) -> String {
        format!("arn:aws:iam::{}:role/{name}", self.account)
    }

    /// The ECR registry host of this account.
    pub fn registry(&self) -> String {
        concat(&[&self.account, ".dkr.ecr.", &self.region, ".amazonaws.com"])
    }

    /// Resolves a scenario name (`subnet:private-a`) to its id.
    pub fn name(&self, key: &str) -> Option<&str> {
        self.names.get(key).map(|s| s.as_str())
    }

    /// The public address an AWS host resolves to (stable per world).
    pub fn endpoint_ip(&mut self, host: &str) -> String {
        if let Some(ip) = self.endpoint_ips.get(host) {
            return ip.clone();
        }
        let blocks = public_blocks(&self.region);
        let (first, second, span) = blocks[self.rng.below(blocks.len() as u64) as usize];
        let ip = format!(
            "{first}.{}.{}.{}",
            second + self.rng.below(span),
            self.rng.below(256),
            1 + self.rng.below(254)
        );
        self.endpoint_ips.insert(host.to_string(), ip.clone());
        ip
    }

    /// A service quota's applied value (`L-3032A538`: Fargate On-Demand
    /// vCPUs): the account's own, else what an established account runs
    /// with ([I] 1000; the documented default for a new account is 6).
    pub fn quota_value(&self, code: &str) -> f64 {
        self.quotas.get(code).copied().unwrap_or(1000.0)
    }

    /// The network ACL a subnet is associated with (every subnet has one).
    pub fn network_acl_for(&self, subnet_id: &str) -> Option<&NetworkAcl> {
        self.network_acls
            .values()
            .find(|a| a.associations.iter().any(|(_, s)| s == subnet_id))
    }

    /// The route table that governs `subnet_id`: its explicit association, else the VPC's main table.
    pub fn route_table_for(&self, subnet_id: &str) -> Option<&RouteTable> {
        let vpc = &self.subnets.get(subnet_id)?.vpc_id;
        self.route_tables
            .values()
            .find(|rt| {
                rt.associations
                    .iter()
                    .any(|a| a.subnet_id.as_deref() == Some(subnet_id))
            })
            .or_else(|| {
                self.route_tables
                    .values()
                    .find(|rt| rt.main && &rt.vpc_id == vpc)
            })
    }

    /// Network interfaces in a subnet.
    pub fn enis_in(&self, subnet_id: &str) -> impl Iterator<Item = &NetworkInterface> {
        let s = subnet_id.to_string();
        self.enis.values().filter(move |e| e.subnet_id == s)
    }

    /// `AvailableIpAddressCount` of a subnet.
    pub fn available_ips(&self, subnet_id: &str) -> u64 {
        match self.subnets.get(subnet_id) {
            Some(s) => {
                let used = self.used_ips.get(subnet_id).map(|u| u.len()).unwrap_or(0);
                s.cidr.usable().saturating_sub(used as u64)
            }
            None => 0,
        }
    }

    /// Deletes a network interface, freeing its address.
    pub fn remove_eni(&mut self, id: &str) -> Option<NetworkInterface> {
        let eni = self.enis.remove(id)?;
        if let Some(u) = self.used_ips.get_mut(&eni.subnet_id) {
            u.remove(&eni.private_ip);
        }
        Some(eni)
    }

    /// Creates an ENI in `subnet_id` with the lowest free address, or None when the subnet is full.
    pub fn create_eni(
        &mut self,
        subnet_id: &str,
        owner: EniOwner,
        description: String,
        interface_type: &str,
        security_groups: Vec<String>,
    ) -> Option<String> {
        let cidr = self.subnets.get(subnet_id)?.cidr;
        if !self.used_ips.contains_key(subnet_id) {
            // Host addresses start after the four AWS reserves (`Cidr::host`).
            let first = cidr.base.wrapping_add(4);
            self.used_ips
                .insert(subnet_id.to_string(), IpPool::new(first));
        }
        let used = self.used_ips.get_mut(subnet_id)?;
        // The lowest free host address.
        let ip = cidr.host(used.lowest_free())?;
        used.insert(ip);
        let id = self.rng.ec2_id("eni");
        // `0a:..` style, locally administered: `{:02x}` of six octets, the first `x a`.
        let mut mac = String::with_capacity(17);
        for i in 0..6 {
            let octet = if i == 0 {
                0x0a | (self.rng.below(16) as u8) << 4 & 0xf0
            } else {
                self.rng.below(256) as u8
            };
            if i > 0 {
                mac.push(':');
            }
            for nibble in [octet >> 4, octet & 0xf] {
                mac.push(char::from_digit(nibble as u32, 16).unwrap_or('0'));
            }
        }
        self.enis.insert(
            id.clone(),
            NetworkInterface {
                id: id.clone(),
                subnet_id: subnet_id.to_string(),
                private_ip: ip,
                public_ip: None,
                description,
                status: "in-use".into(),
                interface_type: interface_type.into(),
                owner,
                security_groups,
                mac,
                tags: Vec::new(),
            },
        );
        Some(id)
    }

    /// A task definition by ARN, `family:revision`, or family (latest ACTIVE revision).
    pub fn task_definition(&self, key: &str) -> Option<&TaskDefinition> {
        self.task_definition_shared(key).map(|td| td.as_ref())
    }

    /// Like [`World::task_definition`], as a shared handle (cheap to keep).
    pub fn task_definition_shared(&self, key: &str) -> Option<&std::sync::Arc<TaskDefinition>> {
        let short = key.rsplit("task-definition/").next().unwrap_or(key);
        if let Some((fam, rev)) = short.rsplit_once(':') {
            let rev: u32 = rev.parse().ok()?;
            return self.task_definitions.get(&(fam.to_string(), rev));
        }
        self.task_definitions
            .range((short.to_string(), 0)..=(short.to_string(), u32::MAX))
            .rev()
            .map(|(_, td)| td)
            .find(|td| td.status == "ACTIVE")
    }

    /// Next revision number of a family.
    pub fn next_revision(&self, family: &str) -> u32 {
        self.task_definitions
            .range((family.to_string(), 0)..=(family.to_string(), u32::MAX))
            .next_back()
            .map(|((_, r), _)| r + 1)
            .unwrap_or(1)
    }

    /// All policy documents that apply to a role (attached managed and inline).
    pub fn role_documents<'a>(&'a self, role: &'a Role) -> Vec<&'a PolicyDocument> {
        let mut docs: Vec<&PolicyDocument> = role
            .attached
            .iter()
            .filter_map(|arn| self.policies.get(arn).map(|p| &p.document))
            .collect();
        docs.extend(role.inline.values());
        docs
    }

    /// A role by ARN.
    pub fn role_by_arn(&self, arn: &str) -> Option<&Role> {
        let name = arn.rsplit('/').next()?;
        self.roles.get(name).filter(|r| r.arn == arn)
    }

    /// Evaluates `action` on `resource` for the role with ARN `role_arn`.
    pub fn role_allows(&self, role_arn: &str, action: &str, resource: &str) -> Decision {
        match self.role_by_arn(role_arn) {
            Some(role) => {
                // The documents in `role_documents` order, without collecting them.
                let attached = role
                    .attached
                    .iter()
                    .filter_map(|arn| self.policies.get(arn).map(|p| &p.document));
                evaluate(attached.chain(role.inline.values()), action, resource)
            }
            None => Decision::ImplicitDeny,
        }
    }

    /// A service by cluster (name or ARN) and service (name or ARN).
    pub fn service(&self, cluster: &str, service: &str) -> Option<&Service> {
        let (c, s) = (short_ref(cluster), short_ref(service));
        // An account has few services: a scan is cheaper than building an owned key.
        self.services
            .iter()
            .find(|((kc, ks), _)| kc == c && ks == s)
            .map(|(_, v)| v)
    }

    /// Mutable service lookup.
    pub fn service_mut(&mut self, cluster: &str, service: &str) -> Option<&mut Service> {
        let (c, s) = (short_ref(cluster), short_ref(service));
        self.services
            .iter_mut()
            .find(|((kc, ks), _)| kc == c && ks == s)
            .map(|(_, v)| v)
    }

    /// Checks the world's invariants; the first broken one is returned.
    pub fn check_invariants(&self) -> Result<(), String> {
        for sid in self.subnets.keys() {
            let n = self
                .network_acls
                .values()
                .filter(|a| a.associations.iter().any(|(_, s)| s == sid))
                .count();
            if n > 1 {
                return Err(format!("subnet {sid} is associated with {n} network ACLs"));
            }
        }
        for s in self.subnets.values() {
            let used = self.enis_in(&s.id).count() as u64;
            if used > s.cidr.usable() {
                return Err(format!(
                    "subnet {} hands out {used} addresses but has only {}",
                    s.id,
                    s.cidr.usable()
                ));
            }
            let indexed = self
                .used_ips
                .get(&s.id)
                .map(|u| u.len() as u64)
                .unwrap_or(0);
            if indexed != used {
                return Err(format!(
                    "subnet {}'s address index counts {indexed} but {used} ENIs exist",
                    s.id
                ));
            }
            let mut ips: Vec<u32> = self.enis_in(&s.id).map(|e| e.private_ip).collect();
            ips.sort_unstable();
            if ips.windows(2).any(|w| w[0] == w[1]) {
                return Err(format!("subnet {} has two ENIs with one address", s.id));
            }
        }
        let mut owners: BTreeMap<&str, usize> = BTreeMap::new();
        for e in self.enis.values() {
            if let EniOwner::Task(t) = &e.owner {
                *owners.entry(t.as_str()).or_default() += 1;
            }
        }
        if let Some((t, n)) = owners.iter().find(|(_, n)| **n > 1) {
            return Err(format!("task {t} holds {n} ENIs"));
        }
        for svc in self.services.values() {
            if svc.events.len() > MAX_SERVICE_EVENTS {
                return Err(format!(
                    "service {} keeps {} events",
                    svc.name,
                    svc.events.len()
                ));
            }
            if svc
                .events
                .iter()
                .zip(svc.events.iter().skip(1))
                .any(|(a, b)| a.created_at < b.created_at)
            {
                return Err(format!("service {} events are not newest first", svc.name));
            }
        }
        for ((c, s), svc) in &self.services {
            let live: std::collections::BTreeSet<&String> = self
                .tasks
                .values()
                .filter(|t| t.is_live() && &t.cluster == c && t.service.as_ref() == Some(s))
                .map(|t| &t.id)
                .collect();
            if live.len() != svc.sched.live.len()
                || !svc.sched.live.iter().all(|id| live.contains(id))
            {
                return Err(format!("service {s}'s index of live tasks is out of date"));
            }
        }
        for t in self.tasks.values() {
            if t.last_status == TaskStatus::Stopped
                && self
                    .enis
                    .values()
                    .any(|e| e.owner == EniOwner::Task(t.id.clone()))
            {
                return Err(format!("stopped task {} still holds an ENI", t.id));
            }
        }
        Ok(())
    }
}

/// The addresses in use in one subnet: a bitmap over its host addresses, so
/// that the lowest free one is found without walking every used one.
#[derive(Clone)]
struct IpPool {
    /// The subnet's first host address (bit 0).
    first: u32,
    /// Bit `n` set: host address `first + n` is in use.
    bits: Vec<u64>,
    /// Set bits.
    len: usize,
}

impl IpPool {
    fn new(first: u32) -> IpPool {
        IpPool {
            first,
            bits: Vec::new(),
            len: 0,
        }
    }

    fn len(&self) -> usize {
        self.len
    }

    /// Index of the lowest host address not in use (may be past the subnet's last).
    fn lowest_free(&self) -> u64 {
        match self.bits.iter().position(|w| *w != u64::MAX) {
            Some(i) => i as u64 * 64 + self.bits[i].trailing_ones() as u64,
            None => self.bits.len() as u64 * 64,
        }
    }

    fn insert(&mut self, ip: u32) {
        let n = ip.wrapping_sub(self.first) as usize;
        if self.bits.len() <= n / 64 {
            self.bits.resize(n / 64 + 1, 0);
        }
        let (w, b) = (&mut self.bits[n / 64], 1u64 << (n % 64));
        if *w & b == 0 {
            *w |= b;
            self.len += 1;
        }
    }

    fn remove(&mut self, ip: &u32) {
        let n = ip.wrapping_sub(self.first) as usize;
        if let Some(w) = self.bits.get_mut(n / 64) {
            let b = 1u64 << (n % 64);
            if *w & b != 0 {
                *w &= !b;
                self.len -= 1;
            }
        }
    }

    /// The addresses in use, ascending.
    fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.bits.iter().enumerate().flat_map(move |(i, w)| {
            (0..64)
                .filter(move |b| w & (1u64 << b) != 0)
                .map(move |b| self.first.wrapping_add((i * 64 + b) as u32))
        })
    }
}

/// Printed as the set of addresses it holds.
impl std::fmt::Debug for IpPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// The pieces one after the other, in a string of exactly their length (what
/// `format!` of plain strings gives, without growing its buffer piece by piece).
pub fn concat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

/// The last path element of an ARN, or the name itself (`.../prod` -> `prod`).
fn short_ref(name_or_arn: &str) -> &str {
    if name_or_arn.starts_with("arn:") {
        name_or_arn.rsplit('/').next().unwrap_or(name_or_arn)
    } else {
        name_or_arn
    }
}

/// Owned form of the last path element of an ARN, or the name itself.
pub fn short_name(name_or_arn: &str) -> String {
    if name_or_arn.starts_with("arn:") {
        name_or_arn
            .rsplit('/')
            .next()
            .unwrap_or(name_or_arn)
            .to_string()
    } else {
        name_or_arn.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A world with one /28 subnet (11 usable addresses, the first 10.0.0.4).
    fn small_subnet() -> (World, String) {
        let mut w = World::new(1, "us-east-1");
        let id = "subnet-0123".to_string();
        w.subnets.insert(
            id.clone(),
            Subnet {
                id: id.clone(),
                name: "tiny".into(),
                vpc_id: "vpc-1".into(),
                az: "us-east-1a".into(),
                az_id: "use1-az1".into(),
                cidr: "10.0.0.0/28".parse().expect("cidr"),
                map_public_ip_on_launch: false,
            },
        );
        (w, id)
    }

    fn eni(w: &mut World, subnet: &str) -> Option<String> {
        let owner = EniOwner::Task(w.rng.task_id());
        w.create_eni(subnet, owner, String::new(), "interface", Vec::new())
    }

    #[test]
    fn enis_take_the_lowest_free_address_until_the_subnet_is_full() {
        let (mut w, subnet) = small_subnet();
        let ids: Vec<String> = (0..11)
            .map(|_| eni(&mut w, &subnet).expect("free"))
            .collect();
        let ips: Vec<String> = ids
            .iter()
            .map(|i| ip_to_string(w.enis[i].private_ip))
            .collect();
        assert_eq!(ips[0], "10.0.0.4");
        assert_eq!(ips[10], "10.0.0.14");
        assert_eq!(w.available_ips(&subnet), 0);
        assert_eq!(
            eni(&mut w, &subnet),
            None,
            "a full subnet hands out nothing"
        );
        // Freed addresses are handed out again, lowest first.
        w.remove_eni(&ids[7]);
        w.remove_eni(&ids[2]);
        assert_eq!(w.available_ips(&subnet), 2);
        let a = eni(&mut w, &subnet).expect("free");
        let b = eni(&mut w, &subnet).expect("free");
        assert_eq!(ip_to_string(w.enis[&a].private_ip), "10.0.0.6");
        assert_eq!(ip_to_string(w.enis[&b].private_ip), "10.0.0.11");
        assert!(w.check_invariants().is_ok());
        let used = format!("{:?}", w.used_ips[&subnet]);
        assert!(used.starts_with("{167772164, 167772165, "), "{used}");
    }
}

#[cfg(test)]
mod endpoint_ip_tests {
    use super::*;

    #[test]
    fn endpoint_addresses_are_in_the_regions_own_public_blocks() {
        for (region, prefixes) in [
            ("us-east-1", &["3.", "18.", "34.", "44.", "52.", "54."][..]),
            ("eu-west-1", &["34.", "52.", "54.", "63."][..]),
            ("us-west-2", &["34.", "35.", "44.", "52.", "54."][..]),
        ] {
            let mut w = World::new(7, region);
            for i in 0..200 {
                let ip = w.endpoint_ip(&format!("host-{i}"));
                let o: Vec<u64> = ip.split('.').map(|x| x.parse().unwrap()).collect();
                let inside = public_blocks(region)
                    .iter()
                    .any(|(a, b, n)| o[0] == *a && (*b..b + n).contains(&o[1]));
                assert!(inside, "{region}: {ip}");
                assert!(prefixes.iter().any(|p| ip.starts_with(p)), "{region}: {ip}");
            }
            // Stable per host.
            assert_eq!(w.endpoint_ip("host-3"), w.endpoint_ip("host-3"));
        }
        // us-east-1's ECR is not given eu-west-1's 54.72.0.0/15, nor the reverse.
        let mut east = World::new(1, "us-east-1");
        let ip = east.endpoint_ip("api.ecr.us-east-1.amazonaws.com");
        assert!(
            !ip.starts_with("54.72.") && !ip.starts_with("63.32."),
            "{ip}"
        );
    }
}

/// A request to raise a service quota (RequestServiceQuotaIncrease).
#[derive(Debug, Clone, PartialEq)]
pub struct QuotaRequest {
    /// Request id.
    pub id: String,
    /// The support case opened for it.
    pub case_id: String,
    /// Who asked (an IAM ARN).
    pub requester: String,
    /// Service code (`fargate`).
    pub service_code: String,
    /// Quota code (`L-3032A538`).
    pub quota_code: String,
    /// The value asked for.
    pub desired_value: f64,
    /// When it was made (virtual milliseconds).
    pub created: i64,
}
