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

/// A signed number as virsh reads an int option (`virStrToLong_i`, that is `strtol`): leading
/// blanks and one sign are allowed, and nothing may follow the digits.
pub fn signed<T: FromStr>(text: &str) -> Result<T, String> {
    let t = text.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (sign, digits) = match t.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", t.strip_prefix('+').unwrap_or(t)),
    };
    if !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!("'{text}' is not a number"));
    }
    format!("{sign}{digits}")
        .parse()
        .map_err(|_| format!("'{text}' is not a number"))
}

/// A clap value parser for an unsigned option that takes a negative number and wraps it
/// (virsh's `vshCommandOptULongLongWrap`, which is `strtoull`'s own reading: `-1` is the
/// largest value).
pub fn wrapping_u64(text: &str) -> Result<u64, String> {
    let t = text.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    match t.strip_prefix('-') {
        Some(rest) if !rest.starts_with(['+', '-']) => unsigned::<u64>(rest)
            .map(u64::wrapping_neg)
            .map_err(|_| format!("'{text}' is not a number")),
        _ => unsigned(text),
    }
}

#[cfg(test)]
mod tests {
    use super::{signed, unsigned, wrapping_u64};

    #[test]
    fn as_strtol() {
        assert_eq!(signed::<i32>(" -2"), Ok(-2));
        assert_eq!(signed::<i32>("+7"), Ok(7));
        assert!(signed::<i32>("--1").is_err());
        assert!(signed::<i32>("-+1").is_err());
        assert!(signed::<i32>("1x").is_err());
        assert!(signed::<i32>("2147483648").is_err());
        assert!(signed::<i32>("").is_err());
    }

    #[test]
    fn wrapping_as_strtoull() {
        assert_eq!(wrapping_u64("-1"), Ok(u64::MAX));
        assert_eq!(wrapping_u64(" -2"), Ok(u64::MAX - 1));
        assert_eq!(wrapping_u64("7"), Ok(7));
        assert!(wrapping_u64("--1").is_err());
        assert!(wrapping_u64("-").is_err());
        assert!(wrapping_u64("-18446744073709551616").is_err());
    }

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
