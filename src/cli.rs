//! virsh's global options, parsed as virsh parses them (`getopt_long` with `+`: options stop at
//! the first word that is not one, long options may be abbreviated), with virsh's messages.

use std::ffi::OsString;

use clap::{ArgAction, CommandFactory};
use virtsh_commands::global::GlobalOptions;

use crate::session::Options;

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// `-h`: the usage text.
    Usage,
    /// `-v`, `--version[=short]`.
    VersionShort,
    /// `-V`, `--version=long`.
    VersionLong,
    /// No command: the interactive shell.
    Interactive,
    /// One word: a command string for the tokenizer.
    Script(OsString),
    /// Several words: one command, each word one token.
    Words(Vec<OsString>),
    /// `--warm`: the warm ssh connections.
    Warm,
    /// `--warm-stop[=URI]`: stop them (all, or those of URI).
    WarmStop(Option<String>),
}

#[derive(Debug, Clone)]
pub struct Cli {
    pub opts: Options,
    pub connect: Option<String>,
    pub action: Action,
    /// Warnings virsh prints and goes on (an out-of-range debug level).
    pub warnings: Vec<String>,
}

/// A bad global option; Display is virsh's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CliError {
    #[error("option '-{0}'/'--{1}' requires an argument")]
    MissingArgument(char, String),
    #[error("unsupported option '{0}'. See --help.")]
    Unsupported(String),
    #[error("option -{0} takes a numeric argument")]
    NotNumeric(char),
    #[error("Invalid value for option -{0}")]
    InvalidValue(char),
    #[error("option -{0} requires a positive integer argument")]
    NotPositive(char),
    #[error("Invalid string '{0}' for escape sequence")]
    Escape(String),
    #[error("{0} runs no command: '{1}' is one too many")]
    NoCommandWith(&'static str, String),
}

/// One global option of the model in `virtsh_commands::global`.
struct GlobalOpt {
    short: Option<char>,
    long: Option<String>,
    takes_value: bool,
    /// Takes a value only as `--opt=VALUE` (`--version[=TYPE]`).
    optional_value: bool,
}

/// The global options, read from the clap model so that usage, man page and parser agree.
fn table() -> Vec<GlobalOpt> {
    GlobalOptions::command()
        .get_arguments()
        .map(|a| GlobalOpt {
            short: a.get_short(),
            long: a.get_long().map(String::from),
            takes_value: matches!(a.get_action(), ArgAction::Set),
            optional_value: a.get_num_args().is_some_and(|n| n.min_values() == 0),
        })
        .collect()
}

fn is_escape_ok(s: &str) -> bool {
    let b = s.as_bytes();
    match b {
        [c] => *c != b'^',
        [b'^', c] => c.is_ascii_alphabetic() || b"@[\\]^_".contains(c),
        _ => false,
    }
}

fn number(short: char, value: &str) -> Result<i64, CliError> {
    value.parse::<i64>().map_err(|_| match short {
        'd' => CliError::NotNumeric(short),
        _ => CliError::InvalidValue(short),
    })
}

impl Cli {
    pub fn parse(args: &[OsString]) -> Result<Cli, CliError> {
        let mut cli = Cli {
            opts: Options::default(),
            connect: None,
            action: Action::Interactive,
            warnings: Vec::new(),
        };
        // What the options ask for instead of commands (a version, the warm connections).
        let mut version: Option<Action> = None;
        let table = table();
        let mut i = 0;
        while i < args.len() {
            // Options are ASCII; their values (a URI, a file name) are taken as text.
            let arg = args[i].to_string_lossy().into_owned();
            let arg = &arg;
            if arg == "--" {
                i += 1;
                break;
            }
            // The options of this word, each with an inline value.
            let mut found: Vec<(&GlobalOpt, Option<String>)> = Vec::new();
            if let Some(long) = arg.strip_prefix("--") {
                let (name, inline) = match long.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (long, None),
                };
                // getopt_long takes any unambiguous prefix.
                let named = |exact: bool| {
                    table.iter().filter(move |o| {
                        o.long.as_deref().is_some_and(|l| {
                            if exact {
                                l == name
                            } else {
                                !name.is_empty() && l.starts_with(name)
                            }
                        })
                    })
                };
                let mut prefixed = named(false);
                let opt = match named(true).next() {
                    Some(o) => o,
                    None => match (prefixed.next(), prefixed.next()) {
                        (Some(o), None) => o,
                        _ => return Err(CliError::Unsupported(arg.clone())),
                    },
                };
                found.push((opt, inline));
            } else if arg.len() > 1 && arg.starts_with('-') {
                let chars: Vec<char> = arg[1..].chars().collect();
                for (j, &c) in chars.iter().enumerate() {
                    let opt = table
                        .iter()
                        .find(|o| o.short == Some(c))
                        .ok_or_else(|| CliError::Unsupported(format!("-{c}")))?;
                    if opt.takes_value && j + 1 < chars.len() {
                        found.push((opt, Some(chars[j + 1..].iter().collect())));
                        break;
                    }
                    found.push((opt, None));
                }
            } else {
                break;
            }
            i += 1;
            for (opt, inline) in found {
                let value = match (opt.takes_value, inline) {
                    (false, _) => String::new(),
                    (true, Some(v)) => v,
                    (true, None) if opt.optional_value => String::new(),
                    (true, None) => {
                        let v = args.get(i).map(|a| a.to_string_lossy().into_owned());
                        let v = v.ok_or_else(|| {
                            CliError::MissingArgument(
                                opt.short.unwrap_or('?'),
                                opt.long.clone().unwrap_or_default(),
                            )
                        })?;
                        i += 1;
                        v
                    }
                };
                let short = opt.short.unwrap_or_default();
                match (opt.short, opt.long.as_deref()) {
                    (_, Some("json")) => cli.opts.json = true,
                    (_, Some("warm")) => version = Some(Action::Warm),
                    (_, Some("warm-stop")) => {
                        version = Some(Action::WarmStop(Some(value).filter(|v| !v.is_empty())))
                    }
                    (_, Some("version")) if value == "long" => version = Some(Action::VersionLong),
                    (_, Some("version")) => version = Some(Action::VersionShort),
                    // virtsh never starts a polkit agent.
                    (_, Some("no-pkttyagent")) => {}
                    (Some('c'), _) => cli.connect = Some(value),
                    (Some('d'), _) => {
                        let level = number('d', &value)?;
                        if (0..=4).contains(&level) {
                            cli.opts.debug = Some(level as u8);
                        } else {
                            cli.warnings
                                .push(format!("ignoring debug level {level} out of range [0-4]"));
                        }
                    }
                    (Some('e'), _) => {
                        if !is_escape_ok(&value) {
                            return Err(CliError::Escape(value));
                        }
                        cli.opts.escape = Some(value);
                    }
                    (Some('h'), _) => {
                        return Ok(Cli {
                            action: Action::Usage,
                            ..cli
                        })
                    }
                    (Some('k' | 'K'), _) => {
                        let n = number(short, &value)?;
                        if n < 0 {
                            return Err(CliError::NotPositive(short));
                        }
                        let n = u32::try_from(n).map_err(|_| CliError::InvalidValue(short))?;
                        if short == 'k' {
                            cli.opts.keepalive_interval = Some(n);
                        } else {
                            cli.opts.keepalive_count = Some(n);
                        }
                    }
                    (Some('l'), _) => cli.opts.log_file = Some(value),
                    (Some('q'), _) => cli.opts.quiet = true,
                    (Some('r'), _) => cli.opts.readonly = true,
                    (Some('t'), _) => cli.opts.timing = true,
                    (Some('v'), _) => version = Some(Action::VersionShort),
                    (Some('V'), _) => version = Some(Action::VersionLong),
                    _ => return Err(CliError::Unsupported(arg.clone())),
                }
            }
        }
        let rest = &args[i.min(args.len())..];
        cli.action = match (version, rest) {
            // `--warm-stop URI`, the URI as a word of its own, as well.
            (Some(Action::WarmStop(None)), [uri]) => {
                Action::WarmStop(Some(uri.to_string_lossy().into_owned()))
            }
            // No command runs with them, so none is taken and left undone.
            (Some(w @ (Action::Warm | Action::WarmStop(_))), words @ [_, ..]) => {
                let (option, extra) = match w {
                    Action::Warm => ("--warm", &words[0]),
                    // The first word was its URI.
                    Action::WarmStop(None) => ("--warm-stop", &words[words.len().min(2) - 1]),
                    _ => ("--warm-stop", &words[0]),
                };
                return Err(CliError::NoCommandWith(
                    option,
                    extra.to_string_lossy().into_owned(),
                ));
            }
            (Some(v), _) => v,
            (None, []) => Action::Interactive,
            (None, [one]) => Action::Script(one.clone()),
            (None, many) => Action::Words(many.to_vec()),
        };
        Ok(cli)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, CliError> {
        Cli::parse(&args.iter().map(OsString::from).collect::<Vec<_>>())
    }

    #[test]
    fn modes() {
        let c = parse(&["-c", "test:///default", "list --all"]).unwrap();
        assert_eq!(c.connect.as_deref(), Some("test:///default"));
        assert_eq!(c.action, Action::Script("list --all".into()));
        let c = parse(&["-qr", "--conn=test:///default", "echo", "a"]).unwrap();
        assert!(c.opts.quiet && c.opts.readonly);
        assert_eq!(c.action, Action::Words(vec!["echo".into(), "a".into()]));
        let c = parse(&["--", "echo", "--shell"]).unwrap();
        assert_eq!(
            c.action,
            Action::Words(vec!["echo".into(), "--shell".into()])
        );
        assert_eq!(parse(&["-q"]).unwrap().action, Action::Interactive);
        assert_eq!(
            parse(&["--version=long"]).unwrap().action,
            Action::VersionLong
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            parse(&["-c"]).unwrap_err().to_string(),
            "option '-c'/'--connect' requires an argument"
        );
        assert_eq!(
            parse(&["--foo"]).unwrap_err().to_string(),
            "unsupported option '--foo'. See --help."
        );
        assert_eq!(
            parse(&["-x"]).unwrap_err().to_string(),
            "unsupported option '-x'. See --help."
        );
        assert_eq!(
            parse(&["-d", "abc"]).unwrap_err().to_string(),
            "option -d takes a numeric argument"
        );
        assert_eq!(
            parse(&["-k", "abc"]).unwrap_err().to_string(),
            "Invalid value for option -k"
        );
        assert_eq!(
            parse(&["-k", "-1"]).unwrap_err().to_string(),
            "option -k requires a positive integer argument"
        );
        assert_eq!(
            parse(&["-e", "xx"]).unwrap_err().to_string(),
            "Invalid string 'xx' for escape sequence"
        );
        assert_eq!(
            parse(&["-d", "9"]).unwrap().warnings,
            vec!["ignoring debug level 9 out of range [0-4]"]
        );
    }
}
