//! Seeded randomness and AWS-shaped identifiers.
//!
//! Every id in the simulated account comes from one [`Rng`] seeded by the
//! scenario seed, so the same scenario and seed give the same ids everywhere.

/// A small, portable, seeded PRNG (SplitMix64): the same seed gives the same
/// sequence on every platform and every build.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Rng {
            state: seed ^ 0x6a09_e667_f3bc_c909,
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            lo + self.below((hi - lo + 1) as u64) as i64
        }
    }

    /// `len` lowercase hex digits.
    pub fn hex(&mut self, len: usize) -> String {
        let mut s = String::with_capacity(len);
        self.push_hex(&mut s, len);
        s
    }

    /// Appends `len` lowercase hex digits to `out` (what [`Rng::hex`] returns).
    fn push_hex(&mut self, out: &mut String, len: usize) {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut left = len;
        while left > 0 {
            let v = self.next_u64();
            for i in 0..16.min(left) {
                out.push(DIGITS[((v >> (i * 4)) & 0xf) as usize] as char);
            }
            left -= 16.min(left);
        }
    }

    /// `len` decimal digits, the first one non-zero.
    pub fn digits(&mut self, len: usize) -> String {
        let mut s = String::with_capacity(len);
        for i in 0..len {
            let d = if i == 0 {
                1 + self.below(9)
            } else {
                self.below(10)
            };
            s.push(char::from_digit(d as u32, 10).unwrap_or('0'));
        }
        s
    }

    /// An EC2-style id: `prefix-` and 17 hex digits (`subnet-0a1b...`).
    pub fn ec2_id(&mut self, prefix: &str) -> String {
        let mut s = String::with_capacity(prefix.len() + 18);
        s.push_str(prefix);
        s.push_str("-0");
        self.push_hex(&mut s, 16);
        s
    }

    /// An ECS task id: 32 hex digits.
    pub fn task_id(&mut self) -> String {
        self.hex(32)
    }

    /// An ECS deployment id: `ecs-svc/` and 19 digits.
    pub fn deployment_id(&mut self) -> String {
        format!("ecs-svc/{}", self.digits(19))
    }

    /// A request id in UUID form, as AWS prints in error texts.
    pub fn uuid(&mut self) -> String {
        // 32 hex digits grouped 8-4-4-4-12 (built in place: ids are made by the thousand).
        let mut h = String::with_capacity(36);
        self.push_hex(&mut h, 32);
        for at in [8, 13, 18, 23] {
            h.insert(at, '-');
        }
        h
    }

    /// Picks one element of `items` (None when empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            items.get(self.below(items.len() as u64) as usize)
        }
    }

    /// Chooses `k` distinct indices of `0..n`, in ascending order.
    pub fn choose_indices(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..n).collect();
        for i in 0..n.saturating_sub(1) {
            let j = i + self.below((n - i) as u64) as usize;
            idx.swap(i, j);
        }
        idx.truncate(k.min(n));
        idx.sort_unstable();
        idx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_ids() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        assert_eq!(a.ec2_id("subnet"), b.ec2_id("subnet"));
        assert_eq!(a.task_id(), b.task_id());
        assert_ne!(Rng::new(7).task_id(), Rng::new(8).task_id());
    }

    #[test]
    fn id_shapes() {
        let mut r = Rng::new(1);
        let id = r.ec2_id("subnet");
        assert_eq!(id.len(), "subnet-".len() + 17);
        assert!(id.starts_with("subnet-0"));
        assert_eq!(r.task_id().len(), 32);
        let d = r.deployment_id();
        assert_eq!(d.len(), "ecs-svc/".len() + 19);
        assert_eq!(r.uuid().len(), 36);
        let (mut a, mut b) = (Rng::new(3), Rng::new(3));
        let h = a.hex(32);
        let want = format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        );
        assert_eq!(b.uuid(), want);
        assert_eq!(Rng::new(4).hex(20).len(), 20);
        assert_eq!(r.choose_indices(5, 2).len(), 2);
        assert_eq!(r.choose_indices(1, 3), vec![0]);
    }
}
