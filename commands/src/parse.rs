//! virsh's option parser, run over the clap model of each command.
//!
//! Parsing happens in two steps, as in virsh. [`parse`] checks the words of one command (unknown
//! command or option, missing value, repeated option, missing required option, surplus data):
//! virsh runs it over a whole batch before running anything, so one such error stops the batch.
//! [`Invocation::to_request`] then builds the typed request when the command runs; value errors
//! (a malformed number, an empty string) fail only that command.

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

/// The options of a command, in declaration order.
pub fn options(def: &CommandDef) -> Vec<Opt> {
    let cmd = (def.command)();
    cmd.get_arguments()
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

/// A command line that passed the syntax checks.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub def: &'static CommandDef,
    /// The options given, by their canonical name, in the order given (an argv option may
    /// appear several times; a flag has no value).
    pub values: Vec<(String, Option<String>)>,
}

/// Parses the words of one command (`words[0]` is its name) with virsh's rules.
pub fn parse(words: &[String]) -> Result<Invocation, ParseError> {
    let (name, rest) = words.split_first().expect("a command has a name");
    let def = find(name).ok_or_else(|| ParseError::UnknownCommand(name.clone()))?;
    let opts = options(def);
    let mut values: Vec<(String, Option<String>)> = Vec::new();
    let seen = |values: &[(String, Option<String>)], n: &str| values.iter().any(|(k, _)| k == n);
    let mut data_only = false;
    let mut iter = rest.iter();
    while let Some(word) = iter.next() {
        if !data_only && word == "--" {
            data_only = true;
            continue;
        }
        if !data_only && word.len() > 2 && word.starts_with("--") {
            let (oname, inline) = match word[2..].split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (&word[2..], None),
            };
            if oname == "help" {
                return Ok(help_for(def));
            }
            if let Some((_, target, value)) = def.value_aliases.iter().find(|(a, _, _)| *a == oname)
            {
                values.push((target.to_string(), Some(value.to_string())));
                continue;
            }
            let opt = opts
                .iter()
                .find(|o| o.name == oname || o.aliases.iter().any(|a| a == oname))
                .ok_or_else(|| ParseError::UnknownOption(def.name, oname.to_string()))?;
            if opt.kind != OptKind::Argv && seen(&values, &opt.name) {
                return Err(ParseError::Repeated(opt.name.clone()));
            }
            let value = match opt.kind {
                OptKind::Bool if inline.is_some() => {
                    return Err(ParseError::ValueForBool(opt.name.clone()))
                }
                OptKind::Bool => None,
                _ => match inline {
                    Some(v) => Some(v),
                    None => Some(iter.next().cloned().ok_or_else(|| {
                        ParseError::MissingValue(opt.name.clone(), syntax_type(opt))
                    })?),
                },
            };
            values.push((opt.name.clone(), value));
        } else {
            let fillable = |o: &&Opt| o.kind == OptKind::Argv || !seen(&values, &o.name);
            let unwanted = def
                .unwanted_positional
                .iter()
                .filter_map(|n| opts.iter().find(|o| o.name == *n));
            let slot = opts
                .iter()
                .filter(|o| o.positional)
                .find(fillable)
                .or_else(|| unwanted.clone().find(fillable))
                .ok_or_else(|| ParseError::UnexpectedData(word.clone()))?;
            values.push((slot.name.clone(), Some(word.clone())));
        }
    }
    if let Some(missing) = opts.iter().find(|o| o.required && !seen(&values, &o.name)) {
        return Err(if missing.positional {
            ParseError::MissingPositional(def.name, missing.name.clone())
        } else {
            ParseError::MissingOption(def.name, missing.name.clone())
        });
    }
    Ok(Invocation { def, values })
}

fn syntax_type(opt: &Opt) -> String {
    opt.value_name.clone()
}

/// `CMD --help` runs `help CMD`.
fn help_for(def: &'static CommandDef) -> Invocation {
    Invocation {
        def: find("help").expect("help is registered"),
        values: vec![("command".into(), Some(def.name.into()))],
    }
}

impl Invocation {
    /// Builds the typed request, with virsh's errors for values it cannot take.
    pub fn to_request(&self) -> Result<Request, ValueError> {
        let opts = options(self.def);
        let mut argv = vec![self.def.name.to_string()];
        for (name, value) in &self.values {
            let opt = opts
                .iter()
                .find(|o| &o.name == name)
                .expect("parsed option exists");
            match value {
                None => argv.push(format!("--{name}")),
                Some(v) => {
                    if v.is_empty()
                        && opt.kind == OptKind::Value
                        && !self.def.allow_empty.contains(&name.as_str())
                    {
                        return Err(ValueError::Empty(name.clone()));
                    }
                    argv.push(format!("--{name}={v}"));
                }
            }
        }
        let matches = (self.def.command)()
            .no_binary_name(false)
            .try_get_matches_from(&argv)
            .map_err(|e| self.value_error(e))?;
        (self.def.build)(&matches).map_err(|e| self.value_error(e))
    }

    fn value_error(&self, e: clap::Error) -> ValueError {
        use clap::error::{ContextKind, ContextValue};
        let arg = match e.get(ContextKind::InvalidArg) {
            Some(ContextValue::String(s)) => s.clone(),
            _ => String::new(),
        };
        let value = match e.get(ContextKind::InvalidValue) {
            Some(ContextValue::String(s)) => s.clone(),
            _ => String::new(),
        };
        let option = arg
            .trim_start_matches("--")
            .split([' ', '='])
            .next()
            .unwrap_or_default()
            .to_string();
        if option.is_empty() {
            ValueError::Other(e.to_string())
        } else {
            ValueError::Numeric { option, value }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    fn err(s: &str) -> String {
        parse(&words(s)).unwrap_err().to_string()
    }

    #[test]
    fn positional_and_named_mix() {
        let inv = parse(&words("setvcpus --count 2 test")).unwrap();
        match inv.to_request().unwrap() {
            Request::Setvcpus(s) => {
                assert_eq!(s.domain, "test");
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
        let inv = parse(&words("echo -- --shell a")).unwrap();
        match inv.to_request().unwrap() {
            Request::Echo(e) => {
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
            inv.to_request().unwrap_err().to_string(),
            "Numeric value 'abc' for <count> option is malformed or out of range"
        );
        let inv = parse(&["dominfo".to_string(), String::new()]).unwrap();
        assert_eq!(
            inv.to_request().unwrap_err().to_string(),
            "Failed to get option 'domain': Option argument is empty"
        );
    }

    #[test]
    fn help_option_asks_for_help() {
        let inv = parse(&words("dominfo test --help")).unwrap();
        assert_eq!(inv.def.name, "help");
    }
}
