//! Value encodings of protocol-v7.md §2.6: timestamps, `minTimeout` durations, hex checksums,
//! base64 (with the reference's CRLF line wrapping).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use time::{Date, Month, PrimitiveDateTime, Time};

use super::error::DecodeErrorKind as K;
use super::json::{Obj, Result, Writer, V};

// ---------------------------------------------------------------------------------------------
// Timestamps

/// A UTC time with microsecond precision, as the wire carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(PrimitiveDateTime);

impl Timestamp {
    /// 1970-01-01T00:00:00.000000Z
    pub const UNIX_EPOCH: Timestamp = Timestamp(PrimitiveDateTime::new(
        time::macros::date!(1970 - 01 - 01),
        Time::MIDNIGHT,
    ));

    /// Now, truncated to microseconds.
    pub fn now() -> Self {
        Self::from_system_time(SystemTime::now())
    }

    /// Converts a system time (truncated to microseconds; clamped to years 0000..=9999).
    pub fn from_system_time(t: SystemTime) -> Self {
        let micros = match t.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_micros()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_micros()).unwrap_or(i64::MAX),
        };
        Self::from_unix_micros(micros)
    }

    /// From microseconds since the Unix epoch, clamped to years 0000..=9999.
    pub fn from_unix_micros(micros: i64) -> Self {
        const MIN: i64 = -62_167_219_200_000_000; // 0000-01-01T00:00:00Z
        const MAX: i64 = 253_402_300_799_999_999; // 9999-12-31T23:59:59.999999Z
        let m = micros.clamp(MIN, MAX);
        let dt = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(m) * 1000)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        Timestamp(PrimitiveDateTime::new(dt.date(), dt.time()))
    }

    /// Microseconds since the Unix epoch.
    pub fn unix_micros(self) -> i64 {
        let nanos = self.0.assume_utc().unix_timestamp_nanos();
        i64::try_from(nanos / 1000).unwrap_or(0)
    }

    /// From calendar fields (UTC); `None` when a field is out of range.
    pub fn from_parts(
        year: i32,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
        micro: u32,
    ) -> Option<Self> {
        if !(0..=9999).contains(&year) {
            return None;
        }
        let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
        let time = Time::from_hms_micro(hour, minute, second, micro).ok()?;
        Some(Timestamp(PrimitiveDateTime::new(date, time)))
    }

    /// Parses the reference's lenient form: `YYYY-MM-DDTHH:MM:SS`, an optional `.` fraction (first
    /// six digits used, more skipped), and anything after that ignored (`Z`, an offset, which is
    /// not applied, or nothing).
    pub fn parse(s: &str) -> std::result::Result<Self, String> {
        let b = s.as_bytes();
        let bad = || format!("\"{s}\" is not YYYY-MM-DDTHH:MM:SS[.ffffff][Z]");
        if b.len() < 19
            || b[4] != b'-'
            || b[7] != b'-'
            || b[10] != b'T'
            || b[13] != b':'
            || b[16] != b':'
        {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| -> std::result::Result<u32, String> {
            let part = &b[r];
            if part.iter().all(u8::is_ascii_digit) {
                Ok(part.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
            } else {
                Err(bad())
            }
        };
        let (y, mo, d, h, mi, se) = (
            num(0..4)?,
            num(5..7)?,
            num(8..10)?,
            num(11..13)?,
            num(14..16)?,
            num(17..19)?,
        );
        let mut micro = 0u32;
        if b.get(19) == Some(&b'.') {
            let digits = b[20..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 {
                return Err(bad());
            }
            for i in 0..6 {
                let dgt = if i < digits {
                    u32::from(b[20 + i] - b'0')
                } else {
                    0
                };
                micro = micro * 10 + dgt;
            }
        }
        let to_u8 = |n: u32| u8::try_from(n).map_err(|_| bad());
        Self::from_parts(
            i32::try_from(y).map_err(|_| bad())?,
            to_u8(mo)?,
            to_u8(d)?,
            to_u8(h)?,
            to_u8(mi)?,
            to_u8(se)?,
            micro,
        )
        .ok_or_else(|| format!("\"{s}\" is out of range"))
    }

    pub(crate) fn read(v: V<'_>) -> Result<Self> {
        let s = v.str_cow()?;
        Self::parse(&s).map_err(|m| v.err(K::InvalidTimestamp(m)))
    }

    pub(crate) fn write(&self, w: &mut Writer) {
        w.str(&self.to_string());
    }
}

impl fmt::Display for Timestamp {
    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (d, t) = (self.0.date(), self.0.time());
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
            d.year(),
            u8::from(d.month()),
            d.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.microsecond()
        )
    }
}

impl std::str::FromStr for Timestamp {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Self::parse(s)
    }
}

// ---------------------------------------------------------------------------------------------
// Durations (alert-rule `minTimeout`)

const NS_PER_SEC: u128 = 1_000_000_000;
const DAY_NS: u128 = 86_400 * NS_PER_SEC;
/// The reference's year: 365.2422 days.
const YEAR_NS: u128 = 31_556_926_080_000_000;
const MONTH_NS: u128 = YEAR_NS / 12;

/// Parses a `minTimeout` value (§2.6): ISO-8601 (fractional seconds allowed), a bare number of
/// seconds (rounded half up), or a Go-style sum such as `1h30m`.
pub fn parse_duration(s: &str) -> std::result::Result<Duration, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("empty duration".into());
    }
    if t.starts_with('-') {
        return Err(format!("\"{s}\" is negative"));
    }
    let ns = if t.starts_with('P') {
        parse_iso(t).ok_or_else(|| format!("\"{s}\" is not an ISO-8601 duration"))?
    } else if is_decimal(t) {
        let secs: f64 = t.parse().map_err(|_| format!("\"{s}\" is not a number"))?;
        let rounded = (secs + 0.5).floor();
        if !(0.0..1.8e10).contains(&rounded) {
            return Err(format!("\"{s}\" is out of range"));
        }
        (rounded as u128) * NS_PER_SEC
    } else {
        parse_go(t).ok_or_else(|| {
            format!("\"{s}\" is not an ISO-8601 duration, a number of seconds or a sum like 1h30m")
        })?
    };
    let secs = u64::try_from(ns / NS_PER_SEC).map_err(|_| format!("\"{s}\" is out of range"))?;
    Ok(Duration::new(secs, (ns % NS_PER_SEC) as u32))
}

fn is_decimal(t: &str) -> bool {
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
        && !(int.is_empty() && frac.is_none())
}

/// `P[nY][nM][nW][nD][T[nH][nM][n[.f]S]]`
fn parse_iso(t: &str) -> Option<u128> {
    let body = t.strip_prefix('P')?;
    let (date, time) = match body.split_once('T') {
        Some((d, tm)) => {
            if tm.is_empty() {
                return None;
            }
            (d, Some(tm))
        }
        None => (body, None),
    };
    if date.is_empty() && time.is_none() {
        return None;
    }
    let mut total: u128 = 0;
    let mut units = |part: &str, table: &[(char, u128)], allow_frac: bool| -> Option<()> {
        let mut rest = part;
        let mut last = 0usize;
        while !rest.is_empty() {
            let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
            let (num, tail) = rest.split_at(end);
            let unit = tail.chars().next()?;
            let idx = table.iter().position(|(u, _)| *u == unit)?;
            if idx < last || num.is_empty() {
                return None;
            }
            last = idx + 1;
            let scale = table[idx].1;
            let (ip, fp) = match num.split_once('.') {
                Some((i, f)) if allow_frac && unit == 'S' && !i.is_empty() && !f.is_empty() => {
                    (i, f)
                }
                Some(_) => return None,
                None => (num, ""),
            };
            let whole: u128 = ip.parse().ok()?;
            total = total.checked_add(whole.checked_mul(scale)?)?;
            if !fp.is_empty() {
                let digits: String = fp.chars().chain(std::iter::repeat('0')).take(9).collect();
                total = total.checked_add(digits.parse::<u128>().ok()?)?;
            }
            rest = &tail[unit.len_utf8()..];
        }
        Some(())
    };
    units(
        date,
        &[
            ('Y', YEAR_NS),
            ('M', MONTH_NS),
            ('W', 7 * DAY_NS),
            ('D', DAY_NS),
        ],
        false,
    )?;
    if let Some(tm) = time {
        units(
            tm,
            &[
                ('H', 3600 * NS_PER_SEC),
                ('M', 60 * NS_PER_SEC),
                ('S', NS_PER_SEC),
            ],
            true,
        )?;
    }
    Some(total)
}

/// `1h30m`, `500ms`, `2d`: a concatenation of `<digits><unit>`.
fn parse_go(t: &str) -> Option<u128> {
    const UNITS: &[(&str, u128)] = &[
        ("ns", 1),
        ("us", 1_000),
        ("µs", 1_000),
        ("ms", 1_000_000),
        ("s", NS_PER_SEC),
        ("m", 60 * NS_PER_SEC),
        ("h", 3600 * NS_PER_SEC),
        ("d", DAY_NS),
        ("w", 7 * DAY_NS),
        ("y", YEAR_NS),
    ];
    let mut rest = t;
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let end = rest.find(|c: char| !c.is_ascii_digit())?;
        if end == 0 {
            return None;
        }
        let n: u128 = rest[..end].parse().ok()?;
        rest = &rest[end..];
        let (unit, scale) = UNITS
            .iter()
            .filter(|(u, _)| rest.starts_with(u))
            .max_by_key(|(u, _)| u.len())?;
        total = total.checked_add(n.checked_mul(*scale)?)?;
        rest = &rest[unit.len()..];
    }
    Some(total)
}

/// Formats a duration as ISO-8601 the way the reference does: days, then `T` hours, minutes and
/// seconds, zero parts omitted; a sub-second remainder as `%0.9lf` seconds (`PT1.500000000S`).
pub fn format_duration(d: Duration) -> String {
    let secs = d.as_secs();
    let nanos = d.subsec_nanos();
    let (days, h, m, s) = (
        secs / 86_400,
        (secs % 86_400) / 3600,
        (secs % 3600) / 60,
        secs % 60,
    );
    let mut out = String::from("P");
    if days > 0 {
        out.push_str(&format!("{days}D"));
    }
    if h > 0 || m > 0 || s > 0 || nanos > 0 {
        out.push('T');
        if h > 0 {
            out.push_str(&format!("{h}H"));
        }
        if m > 0 {
            out.push_str(&format!("{m}M"));
        }
        if nanos > 0 {
            out.push_str(&format!("{s}.{nanos:09}S"));
        } else if s > 0 {
            out.push_str(&format!("{s}S"));
        }
    }
    if out == "P" {
        out.push_str("T0S");
    }
    out
}

pub(crate) fn read_duration(v: V<'_>) -> Result<Duration> {
    let s = v.str_cow()?;
    parse_duration(&s).map_err(|m| v.err(K::InvalidDuration(m)))
}

// ---------------------------------------------------------------------------------------------
// Hex and base64

/// Reads a hex checksum (either case) of at most `max` bytes; `""` is empty.
pub(crate) fn read_hex(v: V<'_>, max: usize) -> Result<Vec<u8>> {
    let s = v.str_cow()?;
    if s.len() % 2 != 0 {
        return Err(v.err(K::InvalidHex(format!("odd number of digits ({})", s.len()))));
    }
    if s.len() / 2 > max {
        return Err(v.err(K::TooLong {
            max,
            got: s.len() / 2,
        }));
    }
    let digit = |c: u8| -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    };
    s.as_bytes()
        .chunks(2)
        .enumerate()
        .map(|(i, p)| match (digit(p[0]), digit(p[1])) {
            (Some(hi), Some(lo)) => Ok(hi << 4 | lo),
            _ => Err(v.err(K::InvalidHex(format!(
                "non-hex character at position {}",
                if digit(p[0]).is_none() {
                    2 * i
                } else {
                    2 * i + 1
                }
            )))),
        })
        .collect()
}

/// Reads an optional hex key; absent = empty.
pub(crate) fn hex_d(o: &Obj<'_>, key: &'static str, max: usize) -> Result<Vec<u8>> {
    Ok(o.get(key)
        .map(|v| read_hex(v, max))
        .transpose()?
        .unwrap_or_default())
}

/// Reads an optional base64 key; absent = empty.
pub(crate) fn base64_d(o: &Obj<'_>, key: &'static str, max: usize) -> Result<Vec<u8>> {
    Ok(o.get(key)
        .map(|v| read_base64(v, max))
        .transpose()?
        .unwrap_or_default())
}

/// Reads an optional timestamp key.
pub(crate) fn timestamp_opt(o: &Obj<'_>, key: &'static str) -> Result<Option<Timestamp>> {
    o.get(key).map(Timestamp::read).transpose()
}

pub(crate) fn write_hex(w: &mut Writer, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 0xf) as usize] as char);
    }
    w.str(&s);
}

/// Reads standard base64 (padding required), skipping CR, LF, space and tab; at most `max`
/// decoded bytes.
pub(crate) fn read_base64(v: V<'_>, max: usize) -> Result<Vec<u8>> {
    let s = v.str_cow()?;
    let cleaned: Vec<u8> = s
        .bytes()
        .filter(|b| !matches!(b, b'\r' | b'\n' | b' ' | b'\t'))
        .collect();
    // Check the size before decoding: 4 characters carry at most 3 bytes.
    if cleaned.len() / 4 * 3 > max + 2 {
        return Err(v.err(K::TooLong {
            max,
            got: cleaned.len() / 4 * 3,
        }));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&cleaned)
        .map_err(|e| v.err(K::InvalidBase64(e.to_string())))?;
    if bytes.len() > max {
        return Err(v.err(K::TooLong {
            max,
            got: bytes.len(),
        }));
    }
    Ok(bytes)
}

pub(crate) fn write_base64(w: &mut Writer, bytes: &[u8]) {
    w.str(&base64::engine::general_purpose::STANDARD.encode(bytes));
}

/// Base64 as Poco's `Base64Encoder` writes it: CRLF after every 72 output characters produced by
/// complete 3-byte groups (so a trailing CRLF appears when the input length is a multiple of 3
/// and the output length a multiple of 72; the final padded group never gets one).
pub fn base64_wrapped(bytes: &[u8]) -> String {
    let plain = base64::engine::general_purpose::STANDARD.encode(bytes);
    let full = bytes.len() / 3 * 4;
    let mut out = String::with_capacity(plain.len() + plain.len() / 72 * 2 + 2);
    for (i, chunk) in plain.as_bytes().chunks(72).enumerate() {
        // chunks of ASCII base64 are valid UTF-8
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        let end = i * 72 + chunk.len();
        if chunk.len() == 72 && end <= full {
            out.push_str("\r\n");
        }
    }
    out
}

pub(crate) fn write_base64_wrapped(w: &mut Writer, bytes: &[u8]) {
    w.str(&base64_wrapped(bytes));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_parse_leniently_and_print_six_digits() {
        let cases = [
            ("2024-01-31T12:00:00Z", "2024-01-31T12:00:00.000000Z"),
            ("2024-01-31T12:00:00", "2024-01-31T12:00:00.000000Z"),
            ("2024-01-31T12:00:00.5Z", "2024-01-31T12:00:00.500000Z"),
            (
                "2024-01-31T12:00:00.123456789Z",
                "2024-01-31T12:00:00.123456Z",
            ),
            ("2024-01-31T12:00:00+02:00", "2024-01-31T12:00:00.000000Z"),
            ("1970-01-01T00:00:00.000000Z", "1970-01-01T00:00:00.000000Z"),
        ];
        for (input, out) in cases {
            assert_eq!(Timestamp::parse(input).expect(input).to_string(), out);
        }
        for bad in [
            "2024-13-01T00:00:00Z",
            "2024-01-31 12:00:00",
            "yesterday",
            "2024-01-31T12:00:00.Z",
            "",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Timestamp::UNIX_EPOCH.unix_micros(), 0);
        let t = Timestamp::from_unix_micros(1_706_702_400_123_456);
        assert_eq!(t.to_string(), "2024-01-31T12:00:00.123456Z");
        assert_eq!(t.unix_micros(), 1_706_702_400_123_456);
    }

    #[test]
    fn durations_in_all_three_forms() {
        let s = |n| Duration::from_secs(n);
        assert_eq!(parse_duration("PT1S"), Ok(s(1)));
        assert_eq!(parse_duration("P1DT2H"), Ok(s(26 * 3600)));
        assert_eq!(parse_duration("PT1.5S"), Ok(Duration::from_millis(1500)));
        assert_eq!(
            parse_duration("PT1.500000000S"),
            Ok(Duration::from_millis(1500))
        );
        assert_eq!(parse_duration("10"), Ok(s(10)));
        assert_eq!(parse_duration("1.5"), Ok(s(2)));
        assert_eq!(parse_duration("1.4"), Ok(s(1)));
        assert_eq!(parse_duration("1h30m"), Ok(s(5400)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("P1W"), Ok(s(7 * 86400)));
        for bad in [
            "", "P", "PT", "abc", "1x", "PT1H2", "P1S", "-PT1S", "PT1M1H",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(format_duration(s(1)), "PT1S");
        assert_eq!(format_duration(s(60)), "PT1M");
        assert_eq!(format_duration(s(26 * 3600)), "P1DT2H");
        assert_eq!(format_duration(s(90)), "PT1M30S");
        assert_eq!(
            format_duration(Duration::from_millis(1500)),
            "PT1.500000000S"
        );
        assert_eq!(format_duration(s(86400)), "P1D");
    }

    #[test]
    fn base64_wraps_like_poco() {
        assert_eq!(base64_wrapped(b"log content"), "bG9nIGNvbnRlbnQ=");
        // 54 bytes -> exactly 72 characters from full groups: trailing CRLF
        let out = base64_wrapped(&[0u8; 54]);
        assert_eq!(out.len(), 74);
        assert!(out.ends_with("\r\n"));
        // 55 bytes -> 72 + 4 (padded group): CRLF between them
        let out = base64_wrapped(&[0u8; 55]);
        assert_eq!(&out[72..74], "\r\n");
        assert_eq!(out.len(), 78);
        // 53 bytes -> 68 + 4 = 72 characters, last group padded: no CRLF
        let out = base64_wrapped(&[0u8; 53]);
        assert_eq!(out.len(), 72);
    }
}
