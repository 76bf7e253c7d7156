//! virsh's option parser, run over the clap model of each command.
//!
//! Words are bytes (`OsString`): paths and names are bytes on Linux and stay so. A [`Scan`]
//! assigns the words of one command to its options with virsh's rules (`--opt value`,
//! `--opt=value`, bare words filling the positional options in order, `--` ending options)
//! and virsh's syntax errors; the same scan tells TAB completion which option a word fills.
//! [`parse`] then hands the assignment to clap once, in canonical `--opt=value` form, and
//! keeps clap's typed request (or its value error, which virsh reports only when the command
//! runs: a malformed number fails that command, not the batch).

use std::ffi::{OsStr, OsString};

use clap::ArgAction;

use crate::{find, CommandDef, Request};

/// A syntax error in a command line; its Display is virsh's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("unknown command: '{0}'")]
    UnknownCommand(String),
    #[error("command '{0}' doesn't support option --{1}")]
    UnknownOption(&'static str, String),
    #[error("invalid '=' after option --{0}")]
    ValueForBool(String),
    #[error("option --{0} already seen")]
    Repeated(String),
    #[error("expected syntax: --{0} <{1}>")]
    MissingValue(String, String),
    #[error("unexpected data '{0}'")]
    UnexpectedData(String),
    #[error("command '{0}' requires <{1}> option")]
    MissingPositional(&'static str, String),
    #[error("command '{0}' requires --{1} option")]
    MissingOption(&'static str, String),
}

/// An error building the typed request of a command that parsed; its Display is virsh's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("Failed to get option '{0}': Option argument is empty")]
    Empty(String),
    #[error("Numeric value '{value}' for <{option}> option is malformed or out of range")]
    Numeric { option: String, value: String },
    #[error("{0}")]
    Other(String),
}

/// How an option takes its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptKind {
    /// A flag: `--opt`.
    Bool,
    /// One value: `--opt value`, `--opt=value`, or a bare word when positional.
    Value,
    /// Every remaining bare word (virsh's argv options, such as echo's strings).
    Argv,
}

/// One option of a command, as the parser and `help` see it.
#[derive(Debug, Clone)]
pub struct Opt {
    pub name: String,
    pub kind: OptKind,
    pub required: bool,
    pub positional: bool,
    /// `string` or `number`: the word virsh shows in `<...>`.
    pub value_name: String,
    pub help: String,
    pub aliases: Vec<String>,
}

/// The options of a command, in declaration order (clap's display order: an argument whose
/// help a command rewords with `mut_arg` keeps its place).
pub fn options(def: &CommandDef) -> Vec<Opt> {
    let cmd = (def.command)();
    let mut args: Vec<_> = cmd.get_arguments().collect();
    args.sort_by_key(|a| a.get_display_order());
    args.into_iter()
        .filter_map(|a| {
            let name = a.get_long()?.to_string();
            let kind = match a.get_action() {
                ArgAction::SetTrue => OptKind::Bool,
                ArgAction::Append => OptKind::Argv,
                _ => OptKind::Value,
            };
            Some(Opt {
                positional: def.positional.contains(&name.as_str()),
                required: a.is_required_set(),
                value_name: a
                    .get_value_names()
                    .and_then(|v| v.first())
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "string".into()),
                help: a.get_help().map(|h| h.to_string()).unwrap_or_default(),
                aliases: a
                    .get_all_aliases()
                    .unwrap_or_default()
                    .into_iter()
                    .map(String::from)
                    .collect(),
                kind,
                name,
            })
        })
        .collect()
}

/// The words of one command assigned to its options, one word at a time.
#[derive(Debug, Clone)]
pub struct Scan {
    pub def: &'static CommandDef,
    pub opts: Vec<Opt>,
    /// The options given, by index into `opts`, in the order given (an argv option may
    /// appear several times; a flag has no value).
    pub filled: Vec<(usize, Option<OsString>)>,
    /// An option named without its value yet (`--mode` before `acpi`).
    pub pending: Option<usize>,
    /// `--help` was among the words.
    pub help: bool,
    data_only: bool,
}

impl Scan {
    pub fn new(def: &'static CommandDef) -> Scan {
        Scan {
            def,
            opts: options(def),
            filled: Vec::new(),
            pending: None,
            help: false,
            data_only: false,
        }
    }

    /// Whether option `index` was given.
    pub fn seen(&self, index: usize) -> bool {
        self.filled.iter().any(|(i, _)| *i == index)
    }

    /// The option named `name` (or one of its aliases).
    pub fn find(&self, name: &str) -> Option<usize> {
        self.opts
            .iter()
            .position(|o| o.name == name || o.aliases.iter().any(|a| a == name))
    }

    /// The option a bare word fills now: the first positional option not yet given, then the
    /// unwanted positional ones (an argv option takes every remaining word).
    pub fn next_slot(&self) -> Option<usize> {
        let fillable = |i: &usize| self.opts[*i].kind == OptKind::Argv || !self.seen(*i);
        let positional = (0..self.opts.len()).filter(|i| self.opts[*i].positional);
        let unwanted = self
            .def
            .unwanted_positional
            .iter()
            .filter_map(|n| self.find(n));
        positional.chain(unwanted).find(fillable)
    }

    /// Assigns one word.
    pub fn feed(&mut self, word: &OsStr) -> Result<(), ParseError> {
        if let Some(i) = self.pending.take() {
            self.filled.push((i, Some(word.to_os_string())));
            return Ok(());
        }
        let bytes = word.as_encoded_bytes();
        if !self.data_only && bytes == b"--" {
            self.data_only = true;
            return Ok(());
        }
        if self.data_only || bytes.len() <= 2 || !bytes.starts_with(b"--") {
            let slot = self
                .next_slot()
                .ok_or_else(|| ParseError::UnexpectedData(word.to_string_lossy().into_owned()))?;
            self.filled.push((slot, Some(word.to_os_string())));
            return Ok(());
        }
        let rest = &bytes[2..];
        let (name, inline) = match rest.iter().position(|b| *b == b'=') {
            Some(at) => (&rest[..at], Some(os_from(&rest[at + 1..]))),
            None => (rest, None),
        };
        let name = String::from_utf8_lossy(name).into_owned();
        if name == "help" {
            self.help = true;
            return Ok(());
        }
        if let Some((_, target, value)) = self.def.value_aliases.iter().find(|(a, _, _)| *a == name)
        {
            let i = self.find(target).expect("a value alias names an option");
            self.filled.push((i, Some(OsString::from(value))));
            return Ok(());
        }
        let i = self
            .find(&name)
            .ok_or_else(|| ParseError::UnknownOption(self.def.name, name.clone()))?;
        let opt = &self.opts[i];
        if opt.kind != OptKind::Argv && self.seen(i) {
            return Err(ParseError::Repeated(opt.name.clone()));
        }
        match (opt.kind, inline) {
            (OptKind::Bool, Some(_)) => return Err(ParseError::ValueForBool(opt.name.clone())),
            (OptKind::Bool, None) => self.filled.push((i, None)),
            (_, Some(v)) => self.filled.push((i, Some(v))),
            (_, None) => self.pending = Some(i),
        }
        Ok(())
    }

    /// The checks at the end of a command: an option still waiting for its value, a required
    /// option not given.
    pub fn finish(&self) -> Result<(), ParseError> {
        if let Some(i) = self.pending {
            let opt = &self.opts[i];
            return Err(ParseError::MissingValue(
                opt.name.clone(),
                opt.value_name.clone(),
            ));
        }
        let missing = (0..self.opts.len()).find(|i| self.opts[*i].required && !self.seen(*i));
        if let Some(i) = missing {
            let opt = &self.opts[i];
            return Err(if opt.positional {
                ParseError::MissingPositional(self.def.name, opt.name.clone())
            } else {
                ParseError::MissingOption(self.def.name, opt.name.clone())
            });
        }
        Ok(())
    }

    /// Builds the typed request: clap parses the canonical form once; values virsh refuses
    /// (an empty string, a malformed number) are the command's error when it runs.
    fn request(&self) -> Result<Request, ValueError> {
        let mut argv = vec![OsString::from(self.def.name)];
        for (i, value) in &self.filled {
            let opt = &self.opts[*i];
            let mut arg = OsString::from(format!("--{}", opt.name));
            if let Some(v) = value {
                // Only string options take virsh's "empty" check; a number reads as malformed.
                if v.is_empty()
                    && opt.kind == OptKind::Value
                    && opt.value_name == "string"
                    && !self.def.allow_empty.contains(&opt.name.as_str())
                {
                    return Err(ValueError::Empty(opt.name.clone()));
                }
                arg.push("=");
                // Words are bytes; clap gets them as text, bytes that are not UTF-8 escaped
                // (names keep them so; paths and raw arguments turn back into the bytes).
                arg.push(crate::bytes::to_string(v.as_encoded_bytes()));
            }
            argv.push(arg);
        }
        let matches = (self.def.command)()
            .try_get_matches_from(argv)
            .map_err(value_error)?;
        (self.def.build)(&matches).map_err(value_error)
    }
}

fn os_from(bytes: &[u8]) -> OsString {
    // SAFETY: `bytes` is a part of an `OsStr` split at an ASCII `=`, which keeps it valid.
    unsafe { OsStr::from_encoded_bytes_unchecked(bytes) }.to_os_string()
}

/// A command line that passed the syntax checks, with its typed request.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub def: &'static CommandDef,
    /// The options given, by name, in the order given (for virsh's debug trace).
    pub filled: Vec<(String, OptKind, Option<OsString>)>,
    pub request: Result<Request, ValueError>,
}

/// Parses the words of one command (`words[0]` is its name) with virsh's rules.
pub fn parse(words: &[OsString]) -> Result<Invocation, ParseError> {
    let Some((name, rest)) = words.split_first() else {
        return Err(ParseError::UnknownCommand(String::new()));
    };
    let name = name.to_string_lossy();
    let def = find(&name).ok_or_else(|| ParseError::UnknownCommand(name.into_owned()))?;
    let mut scan = Scan::new(def);
    for word in rest {
        scan.feed(word)?;
        if scan.help {
            return help_for(def);
        }
    }
    scan.finish()?;
    Ok(Invocation {
        def,
        filled: scan
            .filled
            .iter()
            .map(|(i, v)| (scan.opts[*i].name.clone(), scan.opts[*i].kind, v.clone()))
            .collect(),
        request: scan.request(),
    })
}

/// `CMD --help` runs `help CMD`.
fn help_for(def: &'static CommandDef) -> Result<Invocation, ParseError> {
    parse(&["help".into(), def.name.into()])
}

/// virsh's words for a value clap refused.
fn value_error(e: clap::Error) -> ValueError {
    use clap::error::{ContextKind, ContextValue};
    let text = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        _ => String::new(),
    };
    let option = text(ContextKind::InvalidArg)
        .trim_start_matches("--")
        .split([' ', '='])
        .next()
        .unwrap_or_default()
        .to_string();
    if option.is_empty() {
        ValueError::Other(e.to_string())
    } else {
        ValueError::Numeric {
            option,
            value: text(ContextKind::InvalidValue),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<OsString> {
        s.split_whitespace().map(OsString::from).collect()
    }

    fn err(s: &str) -> String {
        parse(&words(s)).unwrap_err().to_string()
    }

    #[test]
    fn positional_and_named_mix() {
        match parse(&words("setvcpus --count 2 test")).unwrap().request {
            Ok(Request::Setvcpus(s)) => {
                assert_eq!(s.target.domain, "test");
                assert_eq!(s.count, 2);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn virsh_errors() {
        assert_eq!(err("nosuch"), "unknown command: 'nosuch'");
        assert_eq!(
            err("dominfo --bogus"),
            "command 'dominfo' doesn't support option --bogus"
        );
        assert_eq!(err("dominfo"), "command 'dominfo' requires <domain> option");
        assert_eq!(err("dominfo a b"), "unexpected data 'b'");
        assert_eq!(err("echo --shell=1"), "invalid '=' after option --shell");
        assert_eq!(
            err("dominfo --domain a --domain b"),
            "option --domain already seen"
        );
        assert_eq!(err("echo --prefix"), "expected syntax: --prefix <string>");
    }

    #[test]
    fn argv_swallows_the_rest_and_dashdash_ends_options() {
        match parse(&words("echo -- --shell a")).unwrap().request {
            Ok(Request::Echo(e)) => {
                assert!(!e.shell);
                assert_eq!(e.string, vec!["--shell", "a"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn numeric_and_empty_values_fail_at_run_time() {
        let inv = parse(&words("setvcpus test abc")).unwrap();
        assert_eq!(
            inv.request.unwrap_err().to_string(),
            "Numeric value 'abc' for <count> option is malformed or out of range"
        );
        let inv = parse(&["dominfo".into(), OsString::new()]).unwrap();
        assert_eq!(
            inv.request.unwrap_err().to_string(),
            "Failed to get option 'domain': Option argument is empty"
        );
    }

    #[test]
    fn help_option_asks_for_help() {
        let inv = parse(&words("dominfo test --help")).unwrap();
        assert_eq!(inv.def.name, "help");
    }

    #[test]
    fn bytes_that_are_not_utf8_stay_as_they_are() {
        use std::os::unix::ffi::OsStrExt;
        let word = OsStr::from_bytes(b"a\xffb").to_os_string();
        match parse(&["echo".into(), word.clone()]).unwrap().request {
            Ok(Request::Echo(e)) => assert_eq!(e.string, vec![word]),
            other => panic!("{other:?}"),
        }
    }
}
