//! `echo`: print the arguments, quoted for a shell or XML on request (virsh's test aid).
//! Arguments are bytes and are printed as they are.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use virtsh_commands::virsh::Echo;

use crate::commands::prelude::*;
use crate::model::xml::escape;

impl Run for Echo {
    fn run(&self, _: &mut Session) -> Result<Outcome, CmdError> {
        exclusive(&[(self.shell, "shell", self.xml, "xml")])?;
        let mut items: Vec<Vec<u8>> = self.prefix.iter().map(bytes).collect();
        for arg in &self.string {
            let mut s = bytes(arg);
            if self.xml {
                s = escape(&String::from_utf8_lossy(&s)).into_bytes();
            }
            if self.shell {
                s = shell_quote(&s);
            }
            if self.split {
                s = split_commas(&s)
                    .into_iter()
                    .flat_map(|mut p| {
                        p.push(b'\n');
                        p
                    })
                    .collect();
            }
            items.push(s);
        }
        let text = items.join(&b' ');
        Ok(if self.err {
            Outcome::ErrText([b"error: ".as_slice(), &text, b"\n"].concat())
        } else {
            Outcome::Text(text)
        })
    }
}

fn bytes(s: &OsString) -> Vec<u8> {
    s.as_bytes().to_vec()
}

/// Quotes a word for a POSIX shell when it holds anything a shell would interpret
/// (`virBufferEscapeShell`).
fn shell_quote(s: &[u8]) -> Vec<u8> {
    const SPECIAL: &[u8] = b"\r\t\n !\"#$&'()*;<>?[\\]^`{|}~";
    if !s.is_empty() && !s.iter().any(|c| SPECIAL.contains(c)) {
        return s.to_vec();
    }
    let mut out = vec![b'\''];
    for &c in s {
        if c == b'\'' {
            out.extend_from_slice(b"'\\''");
        } else {
            out.push(c);
        }
    }
    out.push(b'\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote(b"a"), b"a");
        assert_eq!(shell_quote(b""), b"''");
        assert_eq!(shell_quote(b"'"), b"''\\'''");
        assert_eq!(shell_quote(b"a b"), b"'a b'");
        assert_eq!(shell_quote(b"/=+."), b"/=+.");
    }
}
