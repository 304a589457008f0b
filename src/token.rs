//! Secrets shared with a client: random tokens, compared in constant time.

use std::io::Read;

/// A random token (128 bits from the operating system, in hex).
pub fn random_token() -> String {
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if read.is_err() {
        // No /dev/urandom: the wall clock and process id, hashed.
        let seed = format!("{:?}{}", std::time::SystemTime::now(), std::process::id());
        use sha2::Digest as _;
        let h = sha2::Sha256::digest(seed.as_bytes());
        return h[..16].iter().map(|b| format!("{b:02x}")).collect();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether two tokens are equal, in time that does not depend on where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}
