//! Scaled integers: libvirt's unit suffixes (`virScaleInteger`), used by `unit=` attributes in
//! XML and by virsh's size arguments, and numbers read as C's `strtoul` reads them.

/// Why a scaled value was refused; the Display is libvirt's detail text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScaleError {
    #[error("unknown suffix '{0}'")]
    UnknownSuffix(String),
    /// The number times its unit does not fit: `value too large: 99E`.
    #[error("value too large: {0}")]
    TooLarge(String),
    /// No number, or one `strtoull` cannot hold (libvirt says nothing more).
    #[error("malformed number '{0}'")]
    Malformed(String),
}

/// The multiplier of a unit suffix; an empty suffix means `default`.
pub fn unit_scale(suffix: &str, default: u64) -> Result<u64, ScaleError> {
    if suffix.is_empty() {
        return Ok(default);
    }
    let unknown = || ScaleError::UnknownSuffix(suffix.to_string());
    let lower = suffix.to_ascii_lowercase();
    if matches!(lower.as_str(), "b" | "byte" | "bytes") {
        return Ok(1);
    }
    // The first character picks the power; it may be any character, so split on chars.
    let mut chars = lower.chars();
    let power = match chars.next() {
        Some('k') => 1,
        Some('m') => 2,
        Some('g') => 3,
        Some('t') => 4,
        Some('p') => 5,
        Some('e') => 6,
        _ => return Err(unknown()),
    };
    let base: u64 = match chars.as_str() {
        "" | "ib" => 1024,
        "b" => 1000,
        _ => return Err(unknown()),
    };
    Ok(base.pow(power))
}

/// `value * scale(unit)`, refusing overflow.
pub fn scale(value: u64, unit: &str, default: u64) -> Result<u64, ScaleError> {
    value
        .checked_mul(unit_scale(unit, default)?)
        .ok_or_else(|| ScaleError::TooLarge(format!("{value}{unit}")))
}

/// The leading unsigned number of `text` as `strtoull` reads it (blanks, then an optional
/// `+`, then decimal digits) and the rest; `None` when there are no digits.
pub fn leading_number(text: &str) -> Option<(Option<u64>, &str)> {
    let t = text.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let t = t.strip_prefix('+').unwrap_or(t);
    let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return None;
    }
    Some((t[..digits].parse::<u64>().ok(), &t[digits..]))
}

/// Parses `NUMBER[SUFFIX]` as virsh's scaled arguments do; returns bytes (or the command's
/// default unit times the number).
pub fn parse_scaled(text: &str, default: u64) -> Result<u64, ScaleError> {
    let malformed = || ScaleError::Malformed(text.to_string());
    let (value, suffix) = leading_number(text).ok_or_else(malformed)?;
    scale(value.ok_or_else(malformed)?, suffix, default)
}

/// virsh's `vshPrettyCapacity`: `%.2f` with the largest 1024-based unit below the value.
pub fn pretty_capacity(bytes: u64) -> String {
    const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut unit = 0;
    while unit + 1 < UNITS.len() && bytes >= 1u64 << (10 * (unit + 1)) {
        unit += 1;
    }
    let value = bytes as f64 / (1u64 << (10 * unit)) as f64;
    format!("{value:.2} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes() {
        assert_eq!(parse_scaled("1G", 1), Ok(1 << 30));
        assert_eq!(parse_scaled("1GB", 1), Ok(1_000_000_000));
        assert_eq!(parse_scaled("1gib", 1), Ok(1 << 30));
        assert_eq!(parse_scaled("10", 1024), Ok(10240));
        assert_eq!(parse_scaled("3bytes", 1024), Ok(3));
        assert_eq!(
            parse_scaled("10X", 1),
            Err(ScaleError::UnknownSuffix("X".into()))
        );
        assert!(parse_scaled("abc", 1).is_err());
        assert_eq!(
            parse_scaled("99999999999E", 1),
            Err(ScaleError::TooLarge("99999999999E".into()))
        );
        assert_eq!(
            parse_scaled("99999999999999999999", 1),
            Err(ScaleError::Malformed("99999999999999999999".into()))
        );
    }

    #[test]
    fn multibyte_suffixes_are_unknown_not_a_panic() {
        for s in ["é", "ı", "kı", "Ké", "€", "mé"] {
            assert_eq!(
                parse_scaled(&format!("1{s}"), 1),
                Err(ScaleError::UnknownSuffix(s.into()))
            );
        }
    }

    #[test]
    fn numbers_read_as_strtoul_reads_them() {
        assert_eq!(parse_scaled(" 10", 1024), Ok(10240));
        assert_eq!(parse_scaled("+1M", 1), Ok(1 << 20));
        assert_eq!(parse_scaled(" +1M", 1), Ok(1 << 20));
        assert!(parse_scaled("-1", 1).is_err());
        assert!(parse_scaled("", 1).is_err());
    }

    #[test]
    fn pretty() {
        assert_eq!(pretty_capacity(0), "0.00 B");
        assert_eq!(pretty_capacity(107374182400), "100.00 GiB");
        assert_eq!(pretty_capacity(1536), "1.50 KiB");
        assert_eq!(pretty_capacity(10 << 20), "10.00 MiB");
    }
}
