//! virsh's command-string tokenizer (`vshCommandStringGetArg`), used for interactive lines and
//! for a one-shot command given as a single word.
//!
//! Blanks separate words; `;` and newlines end a command; `#` at the start of a word comments
//! out the rest of the line; single quotes are literal; double quotes and bare backslashes
//! escape the next character; backslash-newline is dropped. An unterminated single quote is
//! accepted (as virsh does), an unterminated double quote is not.

/// Why a string could not be split; Display is virsh's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("dangling \\")]
    DanglingBackslash,
    #[error("missing \"")]
    MissingQuote,
}

/// Splits `input` into commands, each a list of words; empty commands are dropped.
pub fn split(input: &str) -> Result<Vec<Vec<String>>, TokenError> {
    let chars: Vec<char> = input.chars().collect();
    let mut commands = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut i = 0;
    let end_command = |current: &mut Vec<String>, commands: &mut Vec<Vec<String>>| {
        if !current.is_empty() {
            commands.push(std::mem::take(current));
        }
    };
    loop {
        while i < chars.len()
            && (chars[i] == ' '
                || chars[i] == '\t'
                || (chars[i] == '\\' && chars.get(i + 1) == Some(&'\n')))
        {
            i += if chars[i] == '\\' { 2 } else { 1 };
        }
        if i >= chars.len() {
            break;
        }
        match chars[i] {
            ';' | '\n' => {
                i += 1;
                end_command(&mut current, &mut commands);
                continue;
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                i += 1;
                end_command(&mut current, &mut commands);
                continue;
            }
            _ => {}
        }
        let mut word = String::new();
        let (mut single, mut double) = (false, false);
        while i < chars.len() {
            let c = chars[i];
            if !single && !double && matches!(c, ' ' | '\t' | ';' | '\n') {
                break;
            }
            if !double && c == '\'' {
                single = !single;
                i += 1;
                continue;
            }
            if !single && c == '\\' {
                i += 1;
                match chars.get(i) {
                    None => return Err(TokenError::DanglingBackslash),
                    Some('\n') => {
                        i += 1;
                        continue;
                    }
                    Some(_) => {}
                }
            } else if !single && c == '"' {
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
        current.push(word);
    }
    end_command(&mut current, &mut commands);
    Ok(commands)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<Vec<String>> {
        split(s).unwrap()
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
    fn errors() {
        assert_eq!(split("echo a\\"), Err(TokenError::DanglingBackslash));
        assert_eq!(split("echo \"a"), Err(TokenError::MissingQuote));
    }
}
