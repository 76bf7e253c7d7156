//! Names and paths on Linux are bytes, and libvirt's strings are C strings: neither need be
//! UTF-8. virtsh keeps them in `String`s, each byte that is not part of UTF-8 as a code point
//! of Unicode's Private Use Area (U+F780 + the byte, for bytes 0x80 to 0xFF), so that a name
//! read from a directory or from a daemon goes back out (to a daemon, a file system call, or
//! the terminal) as the bytes it was. A name that holds those code points itself is the one
//! thing this cannot tell apart.

use std::borrow::Cow;

const BASE: u32 = 0xF700;

/// `bytes` as a `String`, each byte that is not UTF-8 kept as its escape.
pub fn to_string(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push(char::from_u32(BASE + u32::from(*b)).expect("a Private Use Area code point"));
        }
    }
    out
}

/// The bytes `s` stands for: escapes back to the bytes they keep.
pub fn to_bytes(s: &str) -> Cow<'_, [u8]> {
    let escaped = |c: char| (BASE + 0x80..=BASE + 0xFF).contains(&u32::from(c));
    if !s.chars().any(escaped) {
        return Cow::Borrowed(s.as_bytes());
    }
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        if escaped(c) {
            out.push((u32::from(c) - BASE) as u8);
        } else {
            let mut buf = [0u8; 4];
            out.extend(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    Cow::Owned(out)
}

/// The path `s` stands for.
pub fn to_path(s: &str) -> std::path::PathBuf {
    to_os(s).into()
}

/// The OS string `s` stands for.
pub fn to_os(s: &str) -> std::ffi::OsString {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::OsStr::from_bytes(&to_bytes(s)).into()
}

/// clap's value parser for a path argument (the parser hands clap escaped words).
pub fn path(s: &str) -> Result<std::path::PathBuf, std::convert::Infallible> {
    Ok(to_path(s))
}

/// clap's value parser for an argument kept as bytes.
pub fn os(s: &str) -> Result<std::ffi::OsString, std::convert::Infallible> {
    Ok(to_os(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_survive_the_round_trip() {
        for bytes in [
            &b"plain"[..],
            b"bad\xff.img",
            b"\xc3\x28",
            b"caf\xc3\xa9",
            b"\xe2\x82",
        ] {
            let s = to_string(bytes);
            assert_eq!(&*to_bytes(&s), bytes, "{s:?}");
        }
        assert_eq!(to_string("é".as_bytes()), "é");
        assert!(matches!(to_bytes("plain"), Cow::Borrowed(_)));
    }
}
