//! One line of an ssh configuration, split as OpenSSH 10 splits it (readconf.c and misc.c):
//! bytes, not text, so a byte that is not UTF-8 passes through in a value.
//!
//! - A NUL ends the line; trailing `" \t\r\n\f"` goes.
//! - The keyword ends at whitespace, `"` or `=`; after it come whitespace, at most one `=`,
//!   whitespace. What is left is the line's rest ([`Line::rest`]), which `ProxyCommand` and
//!   `ProxyJump` take raw.
//! - The arguments ([`arguments`]) split on space and tab only; `"` and `'` quote, `\\`, `\"`
//!   and `\'` escape anywhere and `\ ` outside quotes; adjacent pieces join; `#` starts a
//!   comment only where an argument would start.

/// OpenSSH's `WHITESPACE` of readconf.c and misc.c.
const WHITESPACE: &[u8] = b" \t\r\n";

/// What a line holds.
#[derive(Debug, PartialEq)]
pub(super) enum Parsed {
    /// Blank, a comment, or a keyword cut short by an open quote (OpenSSH passes over these).
    Nothing,
    /// A keyword (lowercased) with nothing after it.
    NoArgument(Vec<u8>),
    Line(Line),
}

#[derive(Debug, PartialEq)]
pub(super) struct Line {
    /// Lowercased as OpenSSH does (ASCII only).
    pub keyword: Vec<u8>,
    /// Everything after the keyword and its separator, never empty.
    pub rest: Vec<u8>,
}

fn skip_whitespace(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| WHITESPACE.contains(b)).count();
    &s[n..]
}

/// misc.c's `strdelim`: the next token and what follows it (`None` at the end of the line);
/// `None` for the token when a quote opened in it never closes.
fn strdelim(s: &[u8]) -> Option<(Vec<u8>, Option<&[u8]>)> {
    let Some(i) = s
        .iter()
        .position(|b| WHITESPACE.contains(b) || b"\"=".contains(b))
    else {
        return Some((s.to_vec(), None));
    };
    let mut token = s[..i].to_vec();
    if s[i] == b'"' {
        let after = &s[i + 1..];
        let close = after.iter().position(|b| *b == b'"')?;
        token.extend_from_slice(&after[..close]);
        return Some((token, Some(skip_whitespace(&after[close + 1..]))));
    }
    // Only one `=` is skipped, before or after the whitespace.
    let equals = s[i] == b'=';
    let mut rest = skip_whitespace(&s[i + 1..]);
    if !equals && rest.first() == Some(&b'=') {
        rest = skip_whitespace(&rest[1..]);
    }
    Some((token, Some(rest)))
}

/// Splits one line of a file (its newline included or not).
pub(super) fn split(raw: &[u8]) -> Parsed {
    let mut line = match raw.iter().position(|b| *b == 0) {
        Some(nul) => &raw[..nul],
        None => raw,
    };
    // Trailing whitespace goes, the first byte excepted (as readconf.c's loop stops there).
    while line.len() > 1 && b" \t\r\n\x0c".contains(&line[line.len() - 1]) {
        line = &line[..line.len() - 1];
    }
    if line.is_empty() {
        return Parsed::Nothing;
    }
    let Some((mut keyword, mut rest)) = strdelim(line) else {
        return Parsed::Nothing;
    };
    // Leading whitespace made an empty first token: the keyword is the next.
    if keyword.is_empty() {
        match rest.and_then(strdelim) {
            Some((k, r)) => (keyword, rest) = (k, r),
            None => return Parsed::Nothing,
        }
    }
    if keyword.is_empty() || keyword[0] == b'\n' || keyword[0] == b'#' {
        return Parsed::Nothing;
    }
    keyword.make_ascii_lowercase();
    match rest.map(skip_whitespace) {
        Some(rest) if !rest.is_empty() => Parsed::Line(Line {
            keyword,
            rest: rest.to_vec(),
        }),
        _ => Parsed::NoArgument(keyword),
    }
}

/// A quote opened in the arguments never closes (OpenSSH's "invalid quotes").
#[derive(Debug, PartialEq)]
pub(super) struct InvalidQuotes;

/// misc.c's `argv_split` (with comments ending it): the arguments of a line's rest.
pub(super) fn arguments(s: &[u8]) -> Result<Vec<Vec<u8>>, InvalidQuotes> {
    let mut args = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if s[i] == b' ' || s[i] == b'\t' {
            i += 1;
            continue;
        }
        if s[i] == b'#' {
            break;
        }
        let mut arg = Vec::new();
        let mut quote = None;
        while i < s.len() {
            let c = s[i];
            match (c, quote) {
                (b'\\', _) => {
                    let next = s.get(i + 1).copied();
                    let escaped = matches!(next, Some(b'\'' | b'"' | b'\\'))
                        || (quote.is_none() && next == Some(b' '));
                    if escaped {
                        i += 1;
                    }
                    arg.push(s[i]);
                }
                (b' ' | b'\t', None) => break,
                (b'"' | b'\'', None) => quote = Some(c),
                (_, Some(q)) if c == q => quote = None,
                _ => arg.push(c),
            }
            i += 1;
        }
        if i >= s.len() && quote.is_some() {
            return Err(InvalidQuotes);
        }
        args.push(arg);
    }
    Ok(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(keyword: &str, rest: &[u8]) -> Parsed {
        Parsed::Line(Line {
            keyword: keyword.into(),
            rest: rest.to_vec(),
        })
    }

    #[test]
    fn keywords_and_separators() {
        assert_eq!(
            split(b"HostName = 127.0.0.1\n"),
            line("hostname", b"127.0.0.1")
        );
        assert_eq!(split(b"  Port=22 \t\r\n"), line("port", b"22"));
        assert_eq!(split(b"Port==22"), line("port", b"=22"));
        assert_eq!(split(b"Port = = 22"), line("port", b"= 22"));
        assert_eq!(split(b"\"Host\"Name x"), line("host", b"Name x"));
        assert_eq!(split(b"Ho\"st x"), Parsed::Nothing);
        assert_eq!(split(b"   # comment"), Parsed::Nothing);
        assert_eq!(split(b"\n"), Parsed::Nothing);
        assert_eq!(split(b"Port\n"), Parsed::NoArgument(b"port".to_vec()));
        assert_eq!(split(b"Port = \n"), Parsed::NoArgument(b"port".to_vec()));
        assert_eq!(split(b"Port 22\0 junk"), line("port", b"22"));
        // A byte that is not UTF-8 stays what it was.
        assert_eq!(split(b"User caf\xe9"), line("user", b"caf\xe9"));
    }

    #[test]
    fn arguments_quote_escape_and_comment() {
        let a = |s: &str| {
            arguments(s.as_bytes()).map(|v| {
                v.into_iter()
                    .map(|x| String::from_utf8(x).unwrap())
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(
            a("a  \"b c\"d 'e\"f'"),
            Ok(vec!["a".into(), "b cd".into(), "e\"f".into()])
        );
        assert_eq!(
            a(r#"a\ b "c\"d" \x"#),
            Ok(vec!["a b".into(), "c\"d".into(), "\\x".into()])
        );
        assert_eq!(a("x #y z"), Ok(vec!["x".into()]));
        assert_eq!(a("x#y"), Ok(vec!["x#y".into()]));
        assert_eq!(a("\"\""), Ok(vec![String::new()]));
        assert_eq!(a("\"open"), Err(InvalidQuotes));
        assert_eq!(a("a\rb"), Ok(vec!["a\rb".into()]));
    }
}
