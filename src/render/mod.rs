//! What a command gives back ([`Outcome`]) and the pieces its text is drawn with. A command's
//! own result type lives in the command's file and says how it reads as virsh's text and as
//! JSON ([`View`]); the output sink ([`crate::output`]) picks one.

pub mod json;
pub mod progress;
pub mod table;
pub mod tree;
pub mod xpath;

use serde::Serialize;

use crate::model::units::pretty_capacity;

/// What a command produced.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing to print.
    Nothing,
    /// An informational line (`Domain 'x' started`): dropped under `-q`.
    Message(Line),
    /// Informational text without a newline of its own (the blank line after the command
    /// ends it): dropped under `-q`.
    Note(String),
    /// A value on its own line (`domuuid`, `uri`, ...).
    Value(Line),
    /// Bytes printed as they are, with no newline added (`echo`, help pages, `desc` text).
    Text(Vec<u8>),
    /// `echo --err`: bytes for stderr.
    ErrText(Vec<u8>),
    /// An XML document.
    Xml(String),
    /// A command's own typed result.
    Data(Box<dyn View>),
}

/// A failure as it is printed: the output that came before it, its `error:` lines (none:
/// only the exit status says it), and the code of its `--json` error.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Failure {
    pub before: Vec<u8>,
    pub lines: Vec<String>,
    pub code: &'static str,
}

impl Failure {
    /// One line of virsh's own (a bad option, a parse error).
    pub fn message(text: impl Into<String>) -> Failure {
        Failure {
            before: Vec::new(),
            lines: vec![text.into()],
            code: "virsh",
        }
    }
}

/// A line of text that may hold a path's bytes as they are (paths need not be UTF-8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line(pub Vec<u8>);

impl Line {
    /// The line with `path`'s bytes added.
    pub fn with_path(mut self, path: &std::path::Path) -> Line {
        self.0
            .extend(std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()));
        self
    }

    /// As text, the bytes that are not UTF-8 replaced (for JSON).
    pub fn lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }
}

/// Text to a line: names kept as bytes (see `crate::bytes`) become those bytes again.
impl From<&str> for Line {
    fn from(s: &str) -> Line {
        Line(crate::bytes::to_bytes(s).into_owned())
    }
}

impl From<String> for Line {
    fn from(s: String) -> Line {
        Line::from(s.as_str())
    }
}

impl Outcome {
    pub fn data(view: impl View + 'static) -> Outcome {
        Outcome::Data(Box::new(view))
    }

    pub fn text(text: impl Into<String>) -> Outcome {
        Outcome::Text(text.into().into_bytes())
    }
}

/// A typed result: virsh's text for it, and its JSON (with the field names the README lists).
pub trait View: std::fmt::Debug {
    /// virsh's text; `quiet` is `-q` (tables leave their header out).
    fn text(&self, quiet: bool) -> String;
    fn json(&self) -> serde_json::Value;
}

/// A listing: its rows (the JSON, an array) and how its text is drawn (the options given).
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct Listing<Row, Style> {
    pub rows: Vec<Row>,
    #[serde(skip)]
    pub style: Style,
}

/// A piece of text a command prints as it is (a description, a metadata element), named in
/// JSON: `{NAME: TEXT}` (`null` when there is none).
#[derive(Debug)]
pub struct NamedText {
    pub name: &'static str,
    pub value: Option<String>,
    /// Whether virsh ends the text with a newline of its own.
    pub newline: bool,
}

impl View for NamedText {
    fn text(&self, _quiet: bool) -> String {
        let nl = if self.newline { "\n" } else { "" };
        format!("{}{nl}", self.value.as_deref().unwrap_or_default())
    }
    fn json(&self) -> serde_json::Value {
        serde_json::json!({ self.name: self.value })
    }
}

/// The text half of a [`View`]; the JSON half comes from `Serialize`.
pub trait TextView {
    fn text(&self, quiet: bool) -> String;
}

impl<T: TextView + Serialize + std::fmt::Debug> View for T {
    fn text(&self, quiet: bool) -> String {
        TextView::text(self, quiet)
    }

    fn json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

pub fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// A `Label:` line of virsh's info commands: the label padded to 15 columns.
pub fn field(out: &mut String, label: &str, value: &str) {
    out.push_str(&format!("{label:<15} {value}\n"));
}

/// The `Persistent:` and `Autostart:` lines of `net-info` and `pool-info` (what a driver does
/// not say reads `unknown`, `no autostart`).
pub fn persistence(out: &mut String, persistent: Option<bool>, autostart: Option<bool>) {
    field(out, "Persistent:", persistent.map_or("unknown", yes_no));
    field(out, "Autostart:", autostart.map_or("no autostart", yes_no));
}

/// A size in bytes as virsh's info commands print it: `N bytes` with `--bytes`, else
/// pretty-printed.
pub fn size(bytes: u64, raw: bool) -> String {
    if raw {
        format!("{bytes} bytes")
    } else {
        pretty_capacity(bytes)
    }
}
