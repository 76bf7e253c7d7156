//! `edit`, `net-edit`, `pool-edit`, `snapshot-edit`, `checkpoint-edit`, `save-image-edit` and
//! `managedsave-edit`: the XML goes to a temporary file (`$TMPDIR/virtshXXXXXX.xml`), the
//! user's editor runs on it (`$VISUAL`, then `$EDITOR`, then `vi`), and a changed document is
//! defined again (under the usual duplicate rules, or into the image). When that fails on a
//! terminal, virsh's prompt asks what to do; the error goes out through the session's output
//! first.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use super::CmdError;
use crate::error::Error;
use crate::render::{Line, Outcome};
use crate::session::Session;
use crate::terminal::ask_key;

/// What is being edited.
pub struct Subject<'a> {
    /// Whether the define step validates (virsh's `i` answer turns validation off).
    pub relax: bool,
    pub xml: String,
    /// Defines the edited document; returns the object's name.
    pub define: &'a dyn Fn(&str) -> crate::error::Result<String>,
    /// What a failed define does without a terminal: virsh says `Failed.` and goes on as
    /// if it had worked (so it does for save images, and for managed save images); `false`
    /// fails the command with the define's error.
    pub failure_goes_on: bool,
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
        return Err(CmdError::Driver(Error::internal(format!(
            "Child process ({editor} {}) unexpected {}",
            path.display(),
            crate::sys::exit_words(status)
        ))));
    }
    Ok(())
}

/// What the user answered to virsh's question after a failed define.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// Edit again.
    Yes,
    /// Give up, quietly (virsh prints nothing more).
    No,
    /// Define again as it is (`f`), or without validation (`i`).
    Retry,
}

/// virsh's question, one key at a time until a known one.
fn ask_reedit(s: &Session, relax: bool) -> std::io::Result<Answer> {
    let choices = if relax { "[y,n,i,f,?]" } else { "[y,n,f,?]" };
    let term = &*s.term;
    let answer = loop {
        let Some(key) = ask_key(term, &format!("\rFailed. Try again? {choices}: "))? else {
            break Answer::No;
        };
        match key.to_ascii_lowercase() {
            b'?' => {
                let mut help = vec![
                    "y - yes, start editor again",
                    "n - no, throw away my changes",
                ];
                if relax {
                    help.push("i - turn off validation and try to redefine again");
                }
                help.extend(["f - force, try to redefine again", "? - print this help"]);
                term.write(format!("\r\n{}\r\n", help.join("\r\n")).as_bytes())?;
            }
            b'y' => break Answer::Yes,
            b'n' => break Answer::No,
            b'f' => break Answer::Retry,
            b'i' if relax => break Answer::Retry,
            _ => {}
        }
    };
    term.write(b"\r\n")?;
    Ok(answer)
}

/// What an editing came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edited {
    /// The user left the document as it was.
    Unchanged,
    /// The edited document was defined: the object's name now.
    Defined(String),
    /// The define failed without a terminal and virsh went on as if it had worked
    /// ([`Subject::failure_goes_on`]).
    WentOn,
}

/// `edit` and its kin, in virsh's words for an object of `kind` (`Domain`, `Pool`,
/// `Network`) named `name` (domain names print quoted).
pub fn edit(
    s: &mut Session,
    subject: &Subject,
    kind: &str,
    name: &str,
) -> Result<Outcome, CmdError> {
    let quote = if kind == "Domain" { "'" } else { "" };
    let line = match edit_xml(s, subject, false)? {
        Edited::Unchanged => format!("{kind} {quote}{name}{quote} XML configuration not changed."),
        Edited::Defined(now) => format!("{kind} {quote}{now}{quote} XML configuration edited."),
        Edited::WentOn => format!("{kind} {quote}{name}{quote} XML configuration edited."),
    };
    Ok(Outcome::Message(Line::from(line)))
}

/// The editor loop (virsh's `virsh-edit.c`): edit until the document is left alone or
/// defined, or the user gives up. `redefine_unchanged`: a document left alone is defined
/// all the same (`snapshot-edit --current`).
pub fn edit_xml(
    s: &mut Session,
    subject: &Subject,
    redefine_unchanged: bool,
) -> Result<Edited, CmdError> {
    let dir = std::env::var_os("TMPDIR").unwrap_or_else(|| "/tmp".into());
    let mut file = tempfile::Builder::new()
        .prefix("virtsh")
        .suffix(".xml")
        .tempfile_in(&dir)
        .map_err(|e| CmdError::Driver(Error::system("cannot create a temporary file", &e)))?;
    file.write_all(subject.xml.as_bytes())
        .and_then(|_| file.flush())
        .map_err(|e| CmdError::Driver(Error::system("cannot write a temporary file", &e)))?;
    loop {
        run_editor(file.path())?;
        let edited = super::common::read_file(file.path())?;
        if edited == subject.xml && !redefine_unchanged {
            return Ok(Edited::Unchanged);
        }
        loop {
            match (subject.define)(&edited) {
                Ok(name) => return Ok(Edited::Defined(name)),
                Err(_) if !s.term.is_terminal() && subject.failure_goes_on => {
                    s.out.error(&CmdError::message("Failed.").failure());
                    return Ok(Edited::WentOn);
                }
                Err(e) if !s.term.is_terminal() => return Err(CmdError::Driver(e)),
                Err(e) => {
                    s.out.error(&CmdError::Driver(e).failure());
                    let answer = ask_reedit(s, subject.relax).map_err(|io| {
                        CmdError::Driver(Error::system("cannot read the answer", &io))
                    })?;
                    match answer {
                        Answer::Yes => break,
                        Answer::Retry => continue,
                        Answer::No => return Err(CmdError::Silent),
                    }
                }
            }
        }
    }
}
