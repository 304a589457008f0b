//! Virtual time: instants in milliseconds since the Unix epoch, durations, and
//! the formats AWS prints. Nothing here reads the wall clock.

use std::fmt;

/// A virtual instant, milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = i64;

/// One second in [`Millis`].
pub const SECOND: Millis = 1000;
/// One minute in [`Millis`].
pub const MINUTE: Millis = 60 * SECOND;
/// One hour in [`Millis`].
pub const HOUR: Millis = 60 * MINUTE;

fn civil(days: i64) -> (i64, u32, u32) {
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Days since the epoch for a civil date (inverse of `civil`).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The instant as the AWS CLI prints ECS timestamps:
/// `2026-03-12T14:32:05.123000+00:00`.
pub fn iso(t: Millis) -> String {
    let days = t.div_euclid(86_400_000);
    let ms = t.rem_euclid(86_400_000);
    let (y, mo, d) = civil(days);
    let (h, mi, s, frac) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    // As Python's isoformat, which the CLI uses: no fraction when it is zero.
    if frac == 0 {
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}+00:00")
    } else {
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{frac:03}000+00:00")
    }
}

/// Parses an ISO 8601 instant (`2026-03-12T14:00:00Z`, `...+00:00`, with or
/// without fractional seconds, or a bare date) into [`Millis`].
pub fn parse_iso(text: &str) -> Option<Millis> {
    let t = text.trim();
    let (date, rest) = match t.find(['T', ' ']) {
        Some(i) => (&t[..i], &t[i + 1..]),
        None => (t, ""),
    };
    let mut d = date.split('-');
    let y: i64 = d.next()?.parse().ok()?;
    let mo: u32 = d.next()?.parse().ok()?;
    let da: u32 = d.next()?.parse().ok()?;
    if d.next().is_some() || !(1..=12).contains(&mo) || !(1..=31).contains(&da) {
        return None;
    }
    let mut ms = days_from_civil(y, mo, da) * 86_400_000;
    if rest.is_empty() {
        return Some(ms);
    }
    let (clock, offset) = match rest.find(['Z', 'z', '+']).or_else(|| rest.rfind('-')) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let mut parts = clock.split(':');
    let h: i64 = parts.next()?.parse().ok()?;
    let mi: i64 = parts.next().unwrap_or("0").parse().ok()?;
    let s: f64 = parts.next().unwrap_or("0").parse().ok()?;
    if h > 23 || mi > 59 || !(0.0..61.0).contains(&s) {
        return None;
    }
    ms += h * HOUR + mi * MINUTE + (s * 1000.0).round() as i64;
    let off = offset.trim_start_matches(['Z', 'z']);
    if !off.is_empty() {
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let o = off.trim_start_matches(['+', '-']);
        let (oh, om) = o.split_once(':').unwrap_or((o, "0"));
        let oh: i64 = oh.parse().ok()?;
        let om: i64 = om.parse().ok()?;
        ms -= sign * (oh * HOUR + om * MINUTE);
    }
    Some(ms)
}

/// Wall-clock style `HH:MM:SS` of the instant (UTC).
pub fn hms(t: Millis) -> String {
    let ms = t.rem_euclid(86_400_000);
    format!(
        "{:02}:{:02}:{:02}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60
    )
}

/// A signed virtual duration with a human form (`-40m`, `1h30m`, `90s`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Dur(pub Millis);

impl Dur {
    /// Parses `-40m`, `15m`, `1h30m`, `90s`, `2h`, `500ms`, `0`.
    pub fn parse(text: &str) -> Result<Dur, String> {
        Dur::parse_or(text, "expected a duration such as 90s, 15m, 1h30m or -40m")
    }

    /// Like [`Dur::parse`], with `expected` saying what would be right in errors.
    pub fn parse_or(text: &str, expected: &str) -> Result<Dur, String> {
        let t = text.trim();
        if t.is_empty() {
            return Err(format!("empty duration; {expected}"));
        }
        let (neg, body) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.strip_prefix('+').unwrap_or(t)),
        };
        if body == "0" {
            return Ok(Dur(0));
        }
        let mut total: Millis = 0;
        let mut num = String::new();
        let mut chars = body.chars().peekable();
        let mut any = false;
        while let Some(c) = chars.next() {
            if c.is_ascii_digit() {
                num.push(c);
                continue;
            }
            let unit = if c == 'm' && chars.peek() == Some(&'s') {
                chars.next();
                "ms"
            } else {
                match c {
                    'h' => "h",
                    'm' => "m",
                    's' => "s",
                    'd' => "d",
                    _ => return Err(format!("'{text}': unknown unit '{c}'; {expected}")),
                }
            };
            if num.is_empty() {
                return Err(format!(
                    "'{text}': a number must come before '{unit}'; {expected}"
                ));
            }
            let n: Millis = num
                .parse()
                .map_err(|_| format!("'{text}': duration too large"))?;
            num.clear();
            let scale = match unit {
                "ms" => 1,
                "s" => SECOND,
                "m" => MINUTE,
                "h" => HOUR,
                _ => 24 * HOUR,
            };
            total = n
                .checked_mul(scale)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(|| format!("'{text}': duration too large"))?;
            any = true;
        }
        if !num.is_empty() || !any {
            return Err(format!("'{text}': missing unit; {expected}"));
        }
        Ok(Dur(if neg { -total } else { total }))
    }
}

impl fmt::Display for Dur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut ms = self.0;
        if ms < 0 {
            write!(f, "-")?;
            ms = -ms;
        }
        if ms == 0 {
            return write!(f, "0s");
        }
        let (h, m, s, rest) = (ms / HOUR, ms / MINUTE % 60, ms / SECOND % 60, ms % 1000);
        if h > 0 {
            write!(f, "{h}h")?;
        }
        if m > 0 {
            write!(f, "{m}m")?;
        }
        if s > 0 {
            write!(f, "{s}s")?;
        }
        if rest > 0 {
            write!(f, "{rest}ms")?;
        }
        Ok(())
    }
}

impl<'de> serde::Deserialize<'de> for Dur {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Dur;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration such as 90s, 15m, 1h30m or -40m")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Dur, E> {
                Dur::parse(v).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Dur, E> {
                if v == 0 {
                    Ok(Dur(0))
                } else {
                    Err(E::custom(format!(
                        "{v}: a duration needs a unit, such as {v}s or {v}m"
                    )))
                }
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Dur, E> {
                self.visit_i64(v as i64)
            }
        }
        d.deserialize_any(V)
    }
}

impl serde::Serialize for Dur {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_format() {
        let t = days_from_civil(2026, 3, 12) * 86_400_000 + 14 * HOUR + 32 * MINUTE + 5_123;
        assert_eq!(iso(t), "2026-03-12T14:32:05.123000+00:00");
        assert_eq!(hms(t), "14:32:05");
        assert_eq!(iso(0), "1970-01-01T00:00:00+00:00");
        assert_eq!(parse_iso("2026-03-12T14:32:05.123000+00:00"), Some(t));
        assert_eq!(parse_iso("2026-03-12T14:32:05.123Z"), Some(t));
        assert_eq!(parse_iso("2026-03-12T16:32:05.123+02:00"), Some(t));
        assert_eq!(
            parse_iso("2026-03-12"),
            Some(days_from_civil(2026, 3, 12) * 86_400_000)
        );
        assert_eq!(parse_iso("2026-13-12"), None);
        assert_eq!(parse_iso("yesterday"), None);
    }

    #[test]
    fn durations() {
        assert_eq!(Dur::parse("-40m"), Ok(Dur(-40 * MINUTE)));
        assert_eq!(Dur::parse("1h30m"), Ok(Dur(90 * MINUTE)));
        assert_eq!(Dur::parse("500ms"), Ok(Dur(500)));
        assert_eq!(Dur::parse("0"), Ok(Dur(0)));
        assert!(Dur::parse("40").is_err());
        assert!(Dur::parse("m").is_err());
        assert!(Dur::parse("4x").is_err());
        assert!(Dur::parse("99999999999999999h").is_err());
        assert_eq!(Dur(-(90 * MINUTE + 5 * SECOND)).to_string(), "-1h30m5s");
    }
}
