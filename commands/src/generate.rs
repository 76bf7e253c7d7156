//! What is generated from the command model: the completion model and the shell scripts that
//! call back into it (clap_complete), and the man page (clap_mangen). The checked-in copies in
//! `completions/` and `man/` are compared with these by a test.

use std::ffi::OsStr;
use std::sync::Arc;

use clap::{Arg, ArgAction, Command, CommandFactory};
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};
use clap_complete::env::Shells;

use crate::global::GlobalOptions;
use crate::parse::{options, OptKind};
use crate::{help, Group, COMMANDS};

/// The environment variable that turns `virtsh` into its own completion engine.
pub const COMPLETE_VAR: &str = "COMPLETE";

/// Completion of option values: `(command, option, word typed so far) -> candidates`.
pub type ValueSource = Arc<dyn Fn(&str, &str, &OsStr) -> Vec<String> + Send + Sync>;

/// The command line as clap sees it for completion: the global options, then each command
/// with its positional options as positional arguments (and as `--name` too).
pub fn completion_model(values: ValueSource) -> Command {
    // virsh has a `help` command of its own.
    let mut root = GlobalOptions::command()
        .bin_name("virtsh")
        .disable_help_subcommand(true);
    for def in COMMANDS {
        let model = (def.command)();
        if model.is_hide_set() {
            continue;
        }
        let mut sub = Command::new(def.name).about(model.get_about().cloned().unwrap_or_default());
        let mut index = 1;
        for o in options(def) {
            let completer = {
                let values = values.clone();
                let (cmd, opt) = (def.name, o.name.clone());
                ArgValueCompleter::new(move |current: &OsStr| {
                    values(cmd, &opt, current)
                        .into_iter()
                        .map(CompletionCandidate::new)
                        .collect()
                })
            };
            let named = Arg::new(format!("--{}", o.name))
                .long(o.name.clone())
                .help(o.help.clone());
            let named = match o.kind {
                OptKind::Bool => named.action(ArgAction::SetTrue),
                _ => named
                    .value_name(o.value_name.clone())
                    .add(completer.clone()),
            };
            sub = sub.arg(named);
            if o.positional {
                let bare = Arg::new(o.name.clone()).index(index).add(completer);
                index += 1;
                sub = sub.arg(match o.kind {
                    OptKind::Argv => bare.num_args(1..).action(ArgAction::Append),
                    _ => bare,
                });
            }
        }
        root = root.subcommand(sub);
    }
    root
}

/// The script a shell sources to complete `virtsh` (`bash`, `zsh`, `fish`, ...): it calls
/// `COMPLETE=<shell> virtsh -- WORDS...` for candidates.
pub fn registration(shell: &str) -> Option<String> {
    let shells = Shells::builtins();
    let completer = shells.completer(shell)?;
    let mut buf = Vec::new();
    completer
        .write_registration(COMPLETE_VAR, "virtsh", "virtsh", "virtsh", &mut buf)
        .ok()?;
    String::from_utf8(buf).ok()
}

/// roff text, escaped.
fn roff(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    escaped
        .lines()
        .map(|l| {
            if l.starts_with(['.', '\'']) {
                format!("\\&{l}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The man page `virtsh.1`.
pub fn man_page() -> String {
    let man = clap_mangen::Man::new(GlobalOptions::command())
        .date("")
        .manual("virtsh");
    let mut buf = Vec::new();
    man.render_title(&mut buf).expect("writing to memory");
    man.render_name_section(&mut buf)
        .expect("writing to memory");
    let mut out = String::from_utf8(buf).expect("roff is text");
    out.push_str(".SH SYNOPSIS\n\\fBvirtsh\\fR [\\fIOPTIONS\\fR] [\\fICOMMAND_STRING\\fR]\n.br\n");
    out.push_str("\\fBvirtsh\\fR [\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]...\n");
    out.push_str(".SH DESCRIPTION\n");
    out.push_str(&roff(
        "virtsh is a drop-in for virsh: the same commands, options, positional arguments, output, \
         error lines and exit codes. One word after the options is a command string, tokenised \
         like an interactive line (';' separates commands; quotes, backslashes and '#' comments \
         work as in virsh); several words are one command, one token each. Every command of a \
         batch runs even after a failure; the exit status is that of the last command. With no \
         command, virtsh starts its interactive shell, with TAB completion and history.",
    ));
    out.push_str("\n.SH OPTIONS\n");
    let mut buf = Vec::new();
    clap_mangen::Man::new(GlobalOptions::command())
        .render_options_section(&mut buf)
        .expect("writing to memory");
    let global = String::from_utf8(buf).expect("roff is text");
    out.push_str(global.trim_start_matches(".SH OPTIONS\n"));
    out.push_str(".SH COMMANDS\n");
    out.push_str(&roff("Each command takes its options as --name value, --name=value, or, for the \
        options shown in brackets, as bare words in the order given. 'help COMMAND' prints the same \
        page in the shell."));
    out.push('\n');
    for group in Group::ALL {
        out.push_str(&format!(
            ".SS {} (help keyword '{}')\n",
            group.title(),
            group.keyword()
        ));
        for def in COMMANDS.iter().filter(|c| c.group == group) {
            let model = (def.command)();
            if model.is_hide_set() {
                continue;
            }
            let page = help::command_page(def);
            let synopsis = page
                .lines()
                .skip_while(|l| !l.contains("SYNOPSIS"))
                .nth(1)
                .unwrap_or_default()
                .trim();
            out.push_str(&format!(".TP\n\\fB{}\\fR\n", roff(synopsis)));
            let about = model
                .get_long_about()
                .or(model.get_about())
                .map(|s| s.to_string());
            out.push_str(&roff(&about.unwrap_or_default().replace('\n', " ")));
            out.push('\n');
            for o in options(def) {
                let spelling = match (o.kind, o.positional) {
                    (OptKind::Bool, _) => format!("--{}", o.name),
                    (_, true) => format!("[--{}] <{}>", o.name, o.value_name),
                    (_, false) => format!("--{} <{}>", o.name, o.value_name),
                };
                out.push_str(&format!(
                    ".br\n\\fI{}\\fR: {}\n",
                    roff(&spelling),
                    roff(&o.help)
                ));
            }
        }
    }
    out.push_str(".SH URIS\n");
    for (uri, what) in [
        (
            "test:///default",
            "libvirt's test driver with its default fixture, in memory, per process",
        ),
        (
            "test:///ABS/PATH.xml",
            "the test driver loaded from a <node> fixture file",
        ),
        (
            "qemu:///embed?root=DIR",
            "the embedded QEMU driver with its state under DIR",
        ),
        (
            "qemu:///system, qemu:///session",
            "the local libvirt daemon, over its unix socket",
        ),
        (
            "qemu+ssh://[user@]host[:port]/system",
            "a remote daemon, over ssh",
        ),
        (
            "qemu+ext:///system?command=P",
            "a daemon reached through a program's stdio",
        ),
    ] {
        out.push_str(&format!(".TP\n\\fB{}\\fR\n{}\n", roff(uri), roff(what)));
    }
    out.push_str(".SH ENVIRONMENT\n");
    for (var, what) in [
        (
            "VIRTSH_DEFAULT_CONNECT_URI",
            "the URI when -c is not given (first)",
        ),
        (
            "VIRSH_DEFAULT_CONNECT_URI",
            "the URI when -c and VIRTSH_DEFAULT_CONNECT_URI are not given",
        ),
        (
            "LIBVIRT_DEFAULT_URI",
            "the URI when none of the above is given",
        ),
        (
            "VIRTSH_HISTSIZE",
            "lines of shell history to keep (default 500, at most 500000)",
        ),
        ("VIRSH_DEBUG", "debug level, as -d"),
        ("VIRSH_LOG_FILE", "log file, as -l"),
        (
            "VISUAL, EDITOR",
            "the editor of edit and pool-edit, in that order; vi without either",
        ),
        (
            "TMPDIR",
            "where edit and pool-edit put their temporary file",
        ),
        ("XDG_CACHE_HOME", "base directory of the shell history"),
        (
            "COMPLETE",
            "set by the completion scripts: virtsh then prints completion candidates",
        ),
    ] {
        out.push_str(&format!(".TP\n\\fB{var}\\fR\n{}\n", roff(what)));
    }
    out.push_str(".SH FILES\n.TP\n\\fB$XDG_CACHE_HOME/virtsh/history\\fR\n");
    out.push_str(
        "the interactive shell's history (~/.cache/virtsh/history without XDG_CACHE_HOME)\n",
    );
    out.push_str(".SH EXIT STATUS\n");
    out.push_str(&roff(
        "0 when the last command succeeded, 1 otherwise (and for a bad option, a \
        command line that does not parse, or a connection that cannot be made).",
    ));
    out.push_str("\n.SH SEE ALSO\n\\fBvirsh\\fR(1)\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_model_is_consistent() {
        completion_model(Arc::new(|_, _, _| Vec::new())).debug_assert();
    }

    #[test]
    fn scripts_for_the_three_shells() {
        for shell in ["bash", "zsh", "fish"] {
            let script = registration(shell).unwrap();
            assert!(
                script.contains("COMPLETE=") || script.contains("COMPLETE"),
                "{shell}"
            );
            assert!(script.contains("virtsh"), "{shell}");
        }
    }
}
