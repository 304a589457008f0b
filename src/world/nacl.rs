//! Network ACLs: stateless subnet firewalls, evaluated in rule-number order
//! (the lowest-numbered matching rule decides; `*` (32767) denies what no
//! rule matched), separately for each direction.

use super::net::Cidr;

/// The last, catch-all rule number (`*` in the console).
pub const CATCH_ALL: u32 = 32767;

/// The Linux ephemeral port range a Fargate task's connections come from
/// (net.ipv4.ip_local_port_range; the VPC guide's NACL page: "Linux kernels
/// ... use ports 32768-61000").
pub const EPHEMERAL: (u16, u16) = (32768, 60999);

/// Allow or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NaclAction {
    /// `allow`.
    Allow,
    /// `deny`.
    Deny,
}

impl NaclAction {
    /// As the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            NaclAction::Allow => "allow",
            NaclAction::Deny => "deny",
        }
    }
}

/// One entry of a network ACL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NaclEntry {
    /// Rule number, 1..=32766, or [`CATCH_ALL`].
    pub rule_number: u32,
    /// Outbound (`true`) or inbound.
    pub egress: bool,
    /// Protocol number as text: `-1` (all), `6` (TCP), `17` (UDP), `1` (ICMP).
    pub protocol: String,
    /// Allow or deny.
    pub action: NaclAction,
    /// The IPv4 range the rule matches (the other end of the traffic).
    pub cidr: Cidr,
    /// Ports (TCP and UDP rules).
    pub port_range: Option<(u16, u16)>,
}

impl NaclEntry {
    /// Whether the entry matches TCP traffic to or from `ip` on `port` (the
    /// destination port of the packet).
    pub fn matches_tcp(&self, ip: u32, port: u16) -> bool {
        let proto = match self.protocol.as_str() {
            "-1" => true,
            "6" => self
                .port_range
                .is_none_or(|(from, to)| from <= port && port <= to),
            _ => false,
        };
        proto && self.cidr.contains(ip)
    }
}

/// A network ACL.
#[derive(Debug, Clone)]
pub struct NetworkAcl {
    /// `acl-...`.
    pub id: String,
    /// Its VPC.
    pub vpc_id: String,
    /// Whether it is the VPC's default ACL.
    pub is_default: bool,
    /// Entries, both directions.
    pub entries: Vec<NaclEntry>,
    /// Associations: (`aclassoc-...`, subnet id).
    pub associations: Vec<(String, String)>,
    /// The Name tag.
    pub name: Option<String>,
}

impl NetworkAcl {
    /// A VPC's default ACL: rule 100 allows everything, both ways; `*` denies.
    pub fn default_for(id: String, vpc_id: String) -> NetworkAcl {
        let mut entries = Vec::new();
        for egress in [false, true] {
            for (n, action) in [(100, NaclAction::Allow), (CATCH_ALL, NaclAction::Deny)] {
                entries.push(NaclEntry {
                    rule_number: n,
                    egress,
                    protocol: "-1".into(),
                    action,
                    cidr: Cidr::ANY,
                    port_range: None,
                });
            }
        }
        NetworkAcl {
            id,
            vpc_id,
            is_default: true,
            entries,
            associations: Vec::new(),
            name: None,
        }
    }

    /// The decision for TCP traffic in one direction, with the rule that
    /// made it (None: the implicit catch-all).
    pub fn decide_tcp(&self, egress: bool, ip: u32, port: u16) -> (NaclAction, Option<u32>) {
        let mut rules: Vec<&NaclEntry> =
            self.entries.iter().filter(|e| e.egress == egress).collect();
        rules.sort_by_key(|e| e.rule_number);
        rules
            .into_iter()
            .find(|e| e.matches_tcp(ip, port))
            .map(|e| (e.action, Some(e.rule_number)))
            .unwrap_or((NaclAction::Deny, None))
    }

    /// Whether a TCP connection from `ip` into this ACL's subnet on `port`
    /// passes both ways: the request in, and the reply out to every port of
    /// the client's ephemeral range.
    pub fn allows_tcp_in(&self, ip: u32, port: u16) -> bool {
        self.decide_tcp(false, ip, port).0 == NaclAction::Allow
            && self
                .ephemeral_probes(true)
                .into_iter()
                .all(|p| self.decide_tcp(true, ip, p).0 == NaclAction::Allow)
    }

    /// Ports of the ephemeral range where a decision in direction `egress`
    /// can change: its ends and the boundaries of the rules inside it.
    fn ephemeral_probes(&self, egress: bool) -> Vec<u16> {
        let (lo, hi) = EPHEMERAL;
        let mut ports = vec![lo, hi];
        for e in self.entries.iter().filter(|e| e.egress == egress) {
            if let Some((a, b)) = e.port_range {
                for p in [a.saturating_sub(1), a, b, b.saturating_add(1)] {
                    if (lo..=hi).contains(&p) {
                        ports.push(p);
                    }
                }
            }
        }
        ports
    }

    /// Whether a TCP connection from this ACL's subnet to `ip`:`port`
    /// passes both ways: the request out on `port`, and the reply in on
    /// every port of the ephemeral range (the ACL is stateless).
    pub fn allows_tcp_out(&self, ip: u32, port: u16) -> bool {
        if self.decide_tcp(true, ip, port).0 != NaclAction::Allow {
            return false;
        }
        // The decision only changes at a rule's port boundaries.
        self.ephemeral_probes(false)
            .into_iter()
            .all(|p| self.decide_tcp(false, ip, p).0 == NaclAction::Allow)
    }
}

/// An EC2-style id derived from `parts` (`acl-0...`), for network ACLs and
/// their associations: derived, not drawn, so that adding them to a world
/// moves none of its other ids.
pub fn derived_id(prefix: &str, parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts.iter().chain(std::iter::once(&prefix)) {
        for b in p.bytes().chain(std::iter::once(0xff)) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{prefix}-0{h:016x}")
}

impl super::World {
    /// Gives a VPC its default network ACL (if it has none) and associates
    /// every subnet of the VPC that has no ACL with it.
    pub fn ensure_default_nacl(&mut self, vpc_id: &str) {
        let existing = self
            .network_acls
            .values()
            .find(|a| a.vpc_id == vpc_id && a.is_default)
            .map(|a| a.id.clone());
        let id = match existing {
            Some(id) => id,
            None => {
                let id = derived_id("acl", &[&self.account, vpc_id]);
                self.network_acls.insert(
                    id.clone(),
                    NetworkAcl::default_for(id.clone(), vpc_id.to_string()),
                );
                id
            }
        };
        let loose: Vec<String> = self
            .subnets
            .values()
            .filter(|s| s.vpc_id == vpc_id)
            .filter(|s| self.network_acl_for(&s.id).is_none())
            .map(|s| s.id.clone())
            .collect();
        if let Some(acl) = self.network_acls.get_mut(&id) {
            for s in loose {
                let assoc = derived_id("aclassoc", &[&id, &s]);
                acl.associations.push((assoc, s));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(
        n: u32,
        egress: bool,
        proto: &str,
        action: NaclAction,
        cidr: &str,
        ports: Option<(u16, u16)>,
    ) -> NaclEntry {
        NaclEntry {
            rule_number: n,
            egress,
            protocol: proto.into(),
            action,
            cidr: cidr.parse().unwrap(),
            port_range: ports,
        }
    }

    const PUBLIC: u32 = 0x3400_0001; // 52.0.0.1

    #[test]
    fn the_default_acl_allows_everything_both_ways() {
        let acl = NetworkAcl::default_for("acl-1".into(), "vpc-1".into());
        assert!(acl.allows_tcp_out(PUBLIC, 443));
        assert_eq!(
            acl.decide_tcp(false, PUBLIC, 40000),
            (NaclAction::Allow, Some(100))
        );
    }

    #[test]
    fn the_lowest_numbered_matching_rule_decides_whatever_the_order_written() {
        let mut acl = NetworkAcl::default_for("acl-1".into(), "vpc-1".into());
        // A deny numbered below the allow wins, though written after it.
        acl.entries.push(entry(
            90,
            true,
            "6",
            NaclAction::Deny,
            "0.0.0.0/0",
            Some((443, 443)),
        ));
        assert_eq!(
            acl.decide_tcp(true, PUBLIC, 443),
            (NaclAction::Deny, Some(90))
        );
        assert_eq!(
            acl.decide_tcp(true, PUBLIC, 80),
            (NaclAction::Allow, Some(100))
        );
        assert!(!acl.allows_tcp_out(PUBLIC, 443));
        // Numbered above the allow, it never decides.
        acl.entries.retain(|e| e.rule_number != 90);
        acl.entries.push(entry(
            110,
            true,
            "6",
            NaclAction::Deny,
            "0.0.0.0/0",
            Some((443, 443)),
        ));
        assert!(acl.allows_tcp_out(PUBLIC, 443));
    }

    #[test]
    fn stateless_the_reply_needs_the_ephemeral_ports_inbound() {
        let mut acl = NetworkAcl::default_for("acl-1".into(), "vpc-1".into());
        // Inbound: only 443 from anywhere (the usual mistake: rules written as if stateful).
        acl.entries
            .retain(|e| e.egress || e.rule_number == CATCH_ALL);
        acl.entries.push(entry(
            100,
            false,
            "6",
            NaclAction::Allow,
            "0.0.0.0/0",
            Some((443, 443)),
        ));
        assert_eq!(acl.decide_tcp(true, PUBLIC, 443).0, NaclAction::Allow);
        assert!(!acl.allows_tcp_out(PUBLIC, 443));
        // Half the ephemeral range is not enough: some connections' replies are dropped.
        acl.entries.push(entry(
            110,
            false,
            "6",
            NaclAction::Allow,
            "0.0.0.0/0",
            Some((32768, 49151)),
        ));
        assert!(!acl.allows_tcp_out(PUBLIC, 443));
        acl.entries.push(entry(
            120,
            false,
            "6",
            NaclAction::Allow,
            "0.0.0.0/0",
            Some((49152, 65535)),
        ));
        assert!(acl.allows_tcp_out(PUBLIC, 443));
        // The catch-all denies what no other rule matched.
        assert_eq!(
            acl.decide_tcp(false, PUBLIC, 22),
            (NaclAction::Deny, Some(CATCH_ALL))
        );
    }

    #[test]
    fn a_rule_matches_only_its_cidr_and_protocol() {
        let e = entry(
            100,
            true,
            "6",
            NaclAction::Allow,
            "10.0.0.0/16",
            Some((443, 443)),
        );
        assert!(e.matches_tcp(0x0a00_0105, 443));
        assert!(!e.matches_tcp(PUBLIC, 443));
        assert!(
            !entry(100, true, "17", NaclAction::Allow, "0.0.0.0/0", None).matches_tcp(PUBLIC, 443)
        );
        assert!(entry(100, true, "-1", NaclAction::Allow, "0.0.0.0/0", None).matches_tcp(PUBLIC, 1));
    }
}
