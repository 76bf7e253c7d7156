//! `edit` and `pool-edit`: the XML goes to a temporary file (`$TMPDIR/virtshXXXXXX.xml`), the
//! user's editor runs on it (`$VISUAL`, then `$EDITOR`, then `vi`), and a changed document is
//! defined again under the usual duplicate rules. When that fails on a terminal, virsh's
//! prompt asks what to do.

use std::io::{IsTerminal, Read, Write};
use std::os::fd::AsFd;
use std::path::Path;
use std::process::Command;

use nix::sys::termios::{self, SetArg};

use super::CmdError;
use crate::driver::Error;
use crate::render::Outcome;

/// What is being edited.
pub struct Subject<'a> {
    /// `Domain` or `Pool`, as the messages name it.
    pub kind: &'static str,
    /// Whether the define step validates (virsh's `i` answer turns validation off).
    pub relax: bool,
    pub xml: String,
    /// Defines the edited document; returns the object's name.
    pub define: &'a dyn Fn(&str) -> crate::driver::Result<String>,
    /// The object's name before editing (domain names print quoted).
    pub name: String,
}

/// The editor virsh would run.
fn editor() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|e| !e.is_empty()))
        .unwrap_or_else(|| "vi".into())
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Runs the editor on `path` through the shell, as virsh does (the variable may hold
/// arguments).
fn run_editor(path: &Path) -> Result<(), CmdError> {
    let editor = editor();
    let line = format!("{editor} {}", shell_quote(&path.display().to_string()));
    let status = Command::new("/bin/sh")
        .arg("-c")
        .arg(&line)
        .status()
        .map_err(|e| CmdError::Driver(Error::system(format!("cannot run {editor}"), &e)))?;
    if !status.success() {
        let code = status.code().unwrap_or(-1);
        return Err(CmdError::Driver(Error::internal(format!(
            "Child process ({editor} {}) unexpected exit status {code}",
            path.display()
        ))));
    }
    Ok(())
}

/// virsh's question after a failed define: one key, read raw from the terminal.
fn ask_reedit(relax: bool) -> std::io::Result<char> {
    let stdin = std::io::stdin();
    let fd = stdin.as_fd();
    let saved = termios::tcgetattr(fd).map_err(std::io::Error::from)?;
    let mut raw = saved.clone();
    termios::cfmakeraw(&mut raw);
    termios::tcsetattr(fd, SetArg::TCSAFLUSH, &raw).map_err(std::io::Error::from)?;
    let choices = if relax { "[y,n,i,f,?]" } else { "[y,n,f,?]" };
    let mut out = std::io::stdout();
    let answer = loop {
        write!(out, "\rFailed. Try again? {choices}: ")?;
        out.flush()?;
        let mut byte = [0u8; 1];
        if stdin.lock().read(&mut byte)? == 0 {
            break 'n';
        }
        match (byte[0] as char).to_ascii_lowercase() {
            '?' => {
                let mut help = vec![
                    "y - yes, start editor again",
                    "n - no, throw away my changes",
                ];
                if relax {
                    help.push("i - turn off validation and try to redefine again");
                }
                help.extend(["f - force, try to redefine again", "? - print this help"]);
                write!(out, "\r\n{}\r\n", help.join("\r\n"))?;
            }
            c @ ('y' | 'n' | 'f') => break c,
            'i' if relax => break 'i',
            _ => {}
        }
    };
    termios::tcsetattr(fd, SetArg::TCSAFLUSH, &saved).map_err(std::io::Error::from)?;
    write!(out, "\r\n")?;
    out.flush()?;
    Ok(answer)
}

/// Prints the error of a failed define, as virsh does before its question.
fn report(e: &Error) {
    let _ = std::io::stdout().flush();
    let _ = writeln!(std::io::stderr(), "error: {e}");
}

pub fn edit(subject: Subject) -> Result<Outcome, CmdError> {
    let dir = std::env::var_os("TMPDIR").unwrap_or_else(|| "/tmp".into());
    let mut file = tempfile::Builder::new()
        .prefix("virtsh")
        .suffix(".xml")
        .tempfile_in(&dir)
        .map_err(|e| CmdError::Driver(Error::system("cannot create a temporary file", &e)))?;
    file.write_all(subject.xml.as_bytes())
        .and_then(|_| file.flush())
        .map_err(|e| CmdError::Driver(Error::system("cannot write a temporary file", &e)))?;
    let quote = if subject.kind == "Domain" { "'" } else { "" };
    loop {
        run_editor(file.path())?;
        let edited = std::fs::read_to_string(file.path()).map_err(|e| {
            CmdError::Driver(Error::system(
                format!("Failed to open file '{}'", file.path().display()),
                &e,
            ))
        })?;
        if edited == subject.xml {
            return Ok(Outcome::Message(format!(
                "{} {quote}{}{quote} XML configuration not changed.",
                subject.kind, subject.name
            )));
        }
        loop {
            match (subject.define)(&edited) {
                Ok(name) => {
                    return Ok(Outcome::Message(format!(
                        "{} {quote}{name}{quote} XML configuration edited.",
                        subject.kind
                    )))
                }
                Err(e) if !std::io::stdin().is_terminal() => return Err(CmdError::Driver(e)),
                Err(e) => {
                    report(&e);
                    let answer = ask_reedit(subject.relax).map_err(|io| {
                        CmdError::Driver(Error::system("cannot read the answer", &io))
                    })?;
                    match answer {
                        'y' => break,
                        'f' | 'i' => continue,
                        _ => return Err(CmdError::message("Failed.")),
                    }
                }
            }
        }
    }
}
