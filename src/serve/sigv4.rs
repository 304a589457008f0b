//! AWS Signature Version 4, as far as `faultline serve` needs it: the access
//! key id, region and service a request was signed for (the key id picks the
//! team's world), and, when teams have tokens, a check that the request was
//! signed with the team's token as its secret access key. The secret itself
//! never travels; a signature made with another one does not match.

use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// What the `Authorization` header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// The access key id (`red`).
    pub key_id: String,
    /// The scope's date (`20261202`).
    pub date: String,
    /// The scope's region.
    pub region: String,
    /// The scope's service (`ecs`, `elasticloadbalancing`).
    pub service: String,
    /// The signed headers, lower case, in order.
    pub signed_headers: Vec<String>,
    /// The signature (hex).
    pub signature: String,
}

/// Reads an `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` header.
pub fn parse(header: &str) -> Option<Credential> {
    let rest = header.trim().strip_prefix("AWS4-HMAC-SHA256")?.trim();
    let mut cred = None;
    let mut signed = None;
    let mut sig = None;
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k {
            "Credential" => cred = Some(v),
            "SignedHeaders" => signed = Some(v),
            "Signature" => sig = Some(v),
            _ => {}
        }
    }
    let mut scope = cred?.split('/');
    let key_id = scope.next()?.to_string();
    let date = scope.next()?.to_string();
    let region = scope.next()?.to_string();
    let service = scope.next()?.to_string();
    Some(Credential {
        key_id,
        date,
        region,
        service,
        signed_headers: signed?.split(';').map(str::to_string).collect(),
        signature: sig?.to_string(),
    })
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC-SHA256 (RFC 2104): SHA-256's block is 64 bytes.
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(data);
    let mut outer = Sha256::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// SigV4's encoding of a path or query component (RFC 3986 unreserved kept).
fn encode(s: &str, keep_slash: bool) -> String {
    let mut o = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) || (keep_slash && b == b'/') {
            o.push(b as char);
        } else {
            let _ = write!(o, "%{b:02X}");
        }
    }
    o
}

/// The request as signed: method, path, query string, headers (name, value), body.
pub struct Signed<'a> {
    /// `POST`.
    pub method: &'a str,
    /// The path (`/`).
    pub path: &'a str,
    /// The raw query string (without `?`).
    pub query: &'a str,
    /// Header lookup by lower-case name (all values of that name).
    pub header: &'a dyn Fn(&str) -> Vec<String>,
    /// The body.
    pub body: &'a [u8],
}

/// Whether `cred`'s signature is the one `secret` makes for the request.
pub fn verify(cred: &Credential, secret: &str, req: &Signed) -> bool {
    let mut query: Vec<(String, String)> = req
        .query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                encode(&super::wire::percent_decode(k), false),
                encode(&super::wire::percent_decode(v), false),
            )
        })
        .collect();
    query.sort();
    let query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut canonical = format!(
        "{}\n{}\n{}\n",
        req.method,
        encode(&super::wire::percent_decode(req.path), true),
        query.join("&")
    );
    for h in &cred.signed_headers {
        let values: Vec<String> = (req.header)(h)
            .iter()
            .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        let _ = writeln!(canonical, "{h}:{}", values.join(","));
    }
    let payload = (req.header)("x-amz-content-sha256")
        .into_iter()
        .next()
        .unwrap_or_else(|| hex(&Sha256::digest(req.body)));
    let _ = write!(canonical, "\n{}\n{payload}", cred.signed_headers.join(";"));
    let Some(amz_date) = (req.header)("x-amz-date").into_iter().next() else {
        return false;
    };
    let scope = format!(
        "{}/{}/{}/aws4_request",
        cred.date, cred.region, cred.service
    );
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), cred.date.as_bytes());
    let k_region = hmac(&k_date, cred.region.as_bytes());
    let k_service = hmac(&k_region, cred.service.as_bytes());
    let k_signing = hmac(&k_service, b"aws4_request");
    let mine = hex(&hmac(&k_signing, to_sign.as_bytes()));
    // Compared in constant time: the signature is a secret's proof.
    mine.len() == cred.signature.len()
        && mine
            .bytes()
            .zip(cred.signature.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        assert_eq!(
            hex(&hmac(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    /// AWS's published example (the `get-vanilla` case of the SigV4 test suite).
    #[test]
    fn the_sigv4_test_suites_vanilla_get_verifies() {
        let cred = parse("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31").unwrap();
        assert_eq!(cred.key_id, "AKIDEXAMPLE");
        assert_eq!(cred.region, "us-east-1");
        let header = |h: &str| match h {
            "host" => vec!["example.amazonaws.com".to_string()],
            "x-amz-date" => vec!["20150830T123600Z".to_string()],
            _ => vec![],
        };
        let req = Signed {
            method: "GET",
            path: "/",
            query: "",
            header: &header,
            body: b"",
        };
        assert!(verify(
            &cred,
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            &req
        ));
        assert!(!verify(&cred, "another-secret", &req));
    }
}
