//! Scaled integers: libvirt's unit suffixes (`virScaleInteger`), used by `unit=` attributes in
//! XML and by virsh's size arguments.

/// Why a scaled value was refused; the Display is libvirt's detail text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScaleError {
    #[error("unknown suffix '{0}'")]
    UnknownSuffix(String),
    #[error("value too large")]
    Overflow,
    #[error("malformed number '{0}'")]
    Malformed(String),
}

/// The multiplier of a unit suffix; an empty suffix means `default`.
pub fn unit_scale(suffix: &str, default: u64) -> Result<u64, ScaleError> {
    if suffix.is_empty() {
        return Ok(default);
    }
    let lower = suffix.to_ascii_lowercase();
    if matches!(lower.as_str(), "b" | "byte" | "bytes") {
        return Ok(1);
    }
    let base: u64 = match &lower[1..] {
        "" | "ib" => 1024,
        "b" => 1000,
        _ => return Err(ScaleError::UnknownSuffix(suffix.to_string())),
    };
    let power = match lower.as_bytes()[0] {
        b'k' => 1,
        b'm' => 2,
        b'g' => 3,
        b't' => 4,
        b'p' => 5,
        b'e' => 6,
        _ => return Err(ScaleError::UnknownSuffix(suffix.to_string())),
    };
    Ok(base.pow(power))
}

/// `value * scale(unit)`, refusing overflow.
pub fn scale(value: u64, unit: &str, default: u64) -> Result<u64, ScaleError> {
    value
        .checked_mul(unit_scale(unit, default)?)
        .ok_or(ScaleError::Overflow)
}

/// Parses `NUMBER[SUFFIX]` as virsh's scaled arguments do; returns bytes (or the command's
/// default unit times the number).
pub fn parse_scaled(text: &str, default: u64) -> Result<u64, ScaleError> {
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return Err(ScaleError::Malformed(text.to_string()));
    }
    let value: u64 = text[..digits].parse().map_err(|_| ScaleError::Overflow)?;
    scale(value, &text[digits..], default)
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
        assert_eq!(parse_scaled("99999999999E", 1), Err(ScaleError::Overflow));
    }

    #[test]
    fn pretty() {
        assert_eq!(pretty_capacity(0), "0.00 B");
        assert_eq!(pretty_capacity(107374182400), "100.00 GiB");
        assert_eq!(pretty_capacity(1536), "1.50 KiB");
        assert_eq!(pretty_capacity(10 << 20), "10.00 MiB");
    }
}
