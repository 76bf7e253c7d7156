//! virsh's command-string tokenizer (`vshCommandStringGetArg`), used for interactive lines and
//! for a one-shot command given as a single word.
//!
//! Blanks separate words; `;` and newlines end a command; `#` at the start of a word comments
//! out the rest of the line; single quotes are literal; double quotes and bare backslashes
//! escape the next character; backslash-newline is dropped. An unterminated single quote is
//! accepted (as virsh does), an unterminated double quote is not.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

/// Why a string could not be split; Display is virsh's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("dangling \\")]
    DanglingBackslash,
    #[error("missing \"")]
    MissingQuote,
}

/// Splits `input` into commands, each a list of words; empty commands are dropped. Input is
/// bytes: words need not be UTF-8 (every character the tokenizer acts on is ASCII).
pub fn split(input: &[u8]) -> Result<Vec<Vec<OsString>>, TokenError> {
    let chars = input;
    let mut commands = Vec::new();
    let mut current: Vec<OsString> = Vec::new();
    let mut i = 0;
    let end_command = |current: &mut Vec<OsString>, commands: &mut Vec<Vec<OsString>>| {
        if !current.is_empty() {
            commands.push(std::mem::take(current));
        }
    };
    loop {
        while i < chars.len()
            && (chars[i] == b' '
                || chars[i] == b'\t'
                || (chars[i] == b'\\' && chars.get(i + 1) == Some(&b'\n')))
        {
            i += if chars[i] == b'\\' { 2 } else { 1 };
        }
        if i >= chars.len() {
            break;
        }
        match chars[i] {
            b';' | b'\n' => {
                i += 1;
                end_command(&mut current, &mut commands);
                continue;
            }
            b'#' => {
                while i < chars.len() && chars[i] != b'\n' {
                    i += 1;
                }
                i += 1;
                end_command(&mut current, &mut commands);
                continue;
            }
            _ => {}
        }
        let mut word = Vec::new();
        let (mut single, mut double) = (false, false);
        while i < chars.len() {
            let c = chars[i];
            if !single && !double && matches!(c, b' ' | b'\t' | b';' | b'\n') {
                break;
            }
            if !double && c == b'\'' {
                single = !single;
                i += 1;
                continue;
            }
            if !single && c == b'\\' {
                i += 1;
                match chars.get(i) {
                    None => return Err(TokenError::DanglingBackslash),
                    Some(b'\n') => {
                        i += 1;
                        continue;
                    }
                    Some(_) => {}
                }
            } else if !single && c == b'"' {
                double = !double;
                i += 1;
                continue;
            }
            word.push(chars[i]);
            i += 1;
        }
        if double {
            return Err(TokenError::MissingQuote);
        }
        current.push(OsString::from_vec(word));
    }
    end_command(&mut current, &mut commands);
    Ok(commands)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<Vec<String>> {
        split(s.as_bytes())
            .unwrap()
            .into_iter()
            .map(|c| c.into_iter().map(|w| w.into_string().unwrap()).collect())
            .collect()
    }

    #[test]
    fn quoting_and_separators() {
        assert_eq!(words("echo a \t b"), vec![vec!["echo", "a", "b"]]);
        assert_eq!(words("echo \"a \t b\""), vec![vec!["echo", "a \t b"]]);
        assert_eq!(words("echo a\\ \\\t\\ b"), vec![vec!["echo", "a \t b"]]);
        assert_eq!(
            words(" echo a; echo b;"),
            vec![vec!["echo", "a"], vec!["echo", "b"]]
        );
        assert_eq!(words("ec\\\nho a"), vec![vec!["echo", "a"]]);
        assert_eq!(
            words("echo --s\\h'e'\"l\"l -- a"),
            vec![vec!["echo", "--shell", "--", "a"]]
        );
        assert_eq!(words("echo 'a \\ b'"), vec![vec!["echo", "a \\ b"]]);
        assert_eq!(words("echo a 'b"), vec![vec!["echo", "a", "b"]]);
    }

    #[test]
    fn comments() {
        assert_eq!(words("echo a # b"), vec![vec!["echo", "a"]]);
        assert_eq!(
            words("echo a #b\necho c"),
            vec![vec!["echo", "a"], vec!["echo", "c"]]
        );
        assert_eq!(words("echo a '#' b"), vec![vec!["echo", "a", "#", "b"]]);
        assert_eq!(words("echo a \\# b"), vec![vec!["echo", "a", "#", "b"]]);
        assert_eq!(
            words("#unbalanced; 'quotes\"\necho a # b"),
            vec![vec!["echo", "a"]]
        );
    }

    #[test]
    fn bytes_pass_through() {
        let out = split(b"echo \xff;echo a").unwrap();
        assert_eq!(out[0][1].as_encoded_bytes(), b"\xff");
        assert_eq!(out[1][1], "a");
    }

    #[test]
    fn errors() {
        assert_eq!(split(b"echo a\\"), Err(TokenError::DanglingBackslash));
        assert_eq!(split(b"echo \"a"), Err(TokenError::MissingQuote));
    }
}
