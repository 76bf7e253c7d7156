//! Numbers as virsh reads them (`virStrToLong_*`, that is C's `strtoul`): leading blanks and a
//! `+` sign are allowed, and nothing may follow the digits.

use std::str::FromStr;

/// A clap value parser for an unsigned option (`value_parser = num::unsigned::<u32>`).
pub fn unsigned<T: FromStr>(text: &str) -> Result<T, String> {
    let t = text.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let t = t.strip_prefix('+').unwrap_or(t);
    // `from_str` would take a second sign.
    if !t.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!("'{text}' is not a number"));
    }
    t.parse().map_err(|_| format!("'{text}' is not a number"))
}

#[cfg(test)]
mod tests {
    use super::unsigned;

    #[test]
    fn as_strtoul() {
        assert_eq!(unsigned::<u32>(" 2"), Ok(2));
        assert_eq!(unsigned::<u32>("+2"), Ok(2));
        assert_eq!(unsigned::<u64>("\t+18446744073709551615"), Ok(u64::MAX));
        assert!(unsigned::<u32>("++2").is_err());
        assert!(unsigned::<u32>("2 ").is_err());
        assert!(unsigned::<u32>("").is_err());
        assert!(unsigned::<u32>("-1").is_err());
        assert!(unsigned::<u32>("4294967296").is_err());
    }
}
