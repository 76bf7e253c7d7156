//! The commands of virsh itself: `help`, `quit`, `exit`, `echo`, `cd`, `pwd`. They need no
//! connection. (`connect` lives with the session, which owns the connection.)

use virtsh_commands::{find, find_group, help, shell::Echo, Request};

use super::CmdError;
use crate::driver::error::strerror;
use crate::model::xml::escape;
use crate::render::Outcome;

pub fn run(request: &Request) -> Result<Outcome, CmdError> {
    match request {
        Request::Help(h) => help(h.command.as_deref()),
        Request::Quit(_) | Request::Exit(_) => Ok(Outcome::Nothing),
        Request::Echo(e) => Ok(echo(e)),
        Request::Cd(c) => {
            let dir = match &c.dir {
                Some(d) => d.clone(),
                None => std::env::var("HOME").unwrap_or_else(|_| "/".into()),
            };
            std::env::set_current_dir(&dir)
                .map_err(|e| CmdError::message(format!("cd: {}: {dir}", strerror(&e))))?;
            Ok(Outcome::Nothing)
        }
        Request::Pwd(_) => {
            let cwd = std::env::current_dir().map_err(|e| {
                CmdError::message(format!(
                    "pwd: cannot get current directory: {}",
                    strerror(&e)
                ))
            })?;
            Ok(Outcome::Value(cwd.display().to_string()))
        }
        other => unreachable!("{} is not a shell command", other.name()),
    }
}

fn help(topic: Option<&str>) -> Result<Outcome, CmdError> {
    let Some(topic) = topic else {
        return Ok(Outcome::Text(help::full_listing()));
    };
    if let Some(def) = find(topic) {
        return Ok(Outcome::Text(help::command_page(def)));
    }
    if let Some(group) = find_group(topic) {
        return Ok(Outcome::Text(help::group_listing(group)));
    }
    Err(CmdError::message(format!(
        "command or command group '{topic}' doesn't exist"
    )))
}

/// Quotes a word for a POSIX shell when it holds anything a shell would interpret
/// (`virBufferEscapeShell`).
fn shell_quote(s: &str) -> String {
    const SPECIAL: &str = "\r\t\n !\"#$&'()*;<>?[\\]^`{|}~";
    if !s.is_empty() && !s.contains(|c| SPECIAL.contains(c)) {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Splits on `,`, where `,,` stands for a literal comma (`vshStringToArray`).
fn split_commas(s: &str) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ',' {
            if chars.peek() == Some(&',') {
                chars.next();
                pieces.last_mut().expect("never empty").push(',');
            } else {
                pieces.push(String::new());
            }
        } else {
            pieces.last_mut().expect("never empty").push(c);
        }
    }
    pieces
}

fn echo(e: &Echo) -> Outcome {
    let mut items: Vec<String> = e.prefix.iter().cloned().collect();
    for arg in &e.string {
        let mut s = arg.clone();
        if e.xml {
            s = escape(&s);
        }
        if e.shell {
            s = shell_quote(&s);
        }
        if e.split {
            s = split_commas(&s).into_iter().map(|p| p + "\n").collect();
        }
        items.push(s);
    }
    let text = items.join(" ");
    if e.err {
        Outcome::ErrText(format!("error: {text}\n"))
    } else {
        Outcome::Text(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("a"), "a");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("'"), "''\\'''");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("/=+."), "/=+.");
    }

    #[test]
    fn comma_split() {
        assert_eq!(split_commas("a,b,,c,,,d"), vec!["a", "b,c,", "d"]);
        assert_eq!(split_commas(",a,"), vec!["", "a", ""]);
    }
}
