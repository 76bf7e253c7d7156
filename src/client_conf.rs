//! libvirt's client configuration, `libvirt.conf` (`/etc/libvirt/libvirt.conf` for root,
//! `$XDG_CONFIG_HOME/libvirt/libvirt.conf` otherwise): `uri_default`, the URI to use when none
//! is named, and `uri_aliases`, short names for URIs (`virsh -c myhost`). Read as libvirt's
//! `virConf` reads it (`name = value`, values quoted strings, numbers or `[...]` lists, `#`
//! comments, `;` or a line end between statements), with its messages.

use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorCode, Result};

/// The largest configuration file libvirt reads (`MAX_CONFIG_FILE_SIZE`).
const MAX_SIZE: usize = 10 << 20;

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Str(String),
    Num,
    List(Vec<Value>),
}

/// A parsed `libvirt.conf`: its settings in file order (the first of a name counts).
#[derive(Debug)]
pub struct ClientConf {
    path: String,
    entries: Vec<(String, Value)>,
}

fn syntax(detail: String) -> Error {
    Error::new(
        ErrorCode::ConfSyntax,
        format!("configuration file syntax error: {detail}"),
    )
}

/// Where libvirt looks for the file (`virConfLoadConfigPath`).
pub fn path() -> Option<PathBuf> {
    if nix::unistd::geteuid().is_root() {
        return Some(PathBuf::from("/etc/libvirt/libvirt.conf"));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("libvirt/libvirt.conf"))
}

/// The user's `libvirt.conf`, when there is one.
pub fn load() -> Result<Option<ClientConf>> {
    let Some(path) = path() else {
        return Ok(None);
    };
    load_from(&path)
}

fn load_from(path: &Path) -> Result<Option<ClientConf>> {
    if !path.exists() {
        return Ok(None);
    }
    let bytes = crate::sys::read_capped(path, MAX_SIZE)
        .map_err(|e| Error::system(format!("Failed to open file '{}'", path.display()), &e))?;
    ClientConf::parse(
        &path.display().to_string(),
        &String::from_utf8_lossy(&bytes),
    )
    .map(Some)
}

/// `virConfParse`'s reader over one file.
struct Parser<'a> {
    file: &'a str,
    text: &'a [u8],
    at: usize,
    line: usize,
}

impl Parser<'_> {
    fn cur(&self) -> u8 {
        self.text.get(self.at).copied().unwrap_or(0)
    }
    fn done(&self) -> bool {
        self.at >= self.text.len()
    }
    fn fail(&self, what: &str) -> Error {
        syntax(format!("{}:{}: {what}", self.file, self.line))
    }
    fn skip_blanks(&mut self) {
        while !self.done() && matches!(self.cur(), b' ' | b'\t') {
            self.at += 1;
        }
    }
    fn skip_blanks_and_eol(&mut self) {
        while !self.done() && matches!(self.cur(), b' ' | b'\t' | b'\n' | b'\r') {
            if self.cur() == b'\n' {
                self.line += 1;
            }
            self.at += 1;
        }
    }
    fn rest_of_line(&mut self) {
        while !self.done() && !matches!(self.cur(), b'\n' | b'\r') {
            self.at += 1;
        }
    }

    fn string(&mut self) -> Result<String> {
        let take =
            |p: &Parser<'_>, from: usize| String::from_utf8_lossy(&p.text[from..p.at]).into_owned();
        if self.text[self.at..].starts_with(b"\"\"\"") {
            self.at += 3;
            let from = self.at;
            while self.at + 2 < self.text.len() && !self.text[self.at..].starts_with(b"\"\"\"") {
                if self.cur() == b'\n' {
                    self.line += 1;
                }
                self.at += 1;
            }
            if !self.text[self.at..].starts_with(b"\"\"\"") {
                return Err(self.fail("unterminated string"));
            }
            let s = take(self, from);
            self.at += 3;
            return Ok(s);
        }
        let quote = self.cur();
        self.at += 1;
        let from = self.at;
        while !self.done() && self.cur() != quote && !matches!(self.cur(), b'\n' | b'\r') {
            self.at += 1;
        }
        if self.cur() != quote {
            return Err(self.fail("unterminated string"));
        }
        let s = take(self, from);
        self.at += 1;
        Ok(s)
    }

    fn value(&mut self) -> Result<Value> {
        self.skip_blanks();
        if self.done() {
            return Err(self.fail("expecting a value"));
        }
        match self.cur() {
            b'"' | b'\'' => self.string().map(Value::Str),
            b'[' => {
                self.at += 1;
                self.skip_blanks_and_eol();
                let mut items = Vec::new();
                if !self.done() && self.cur() != b']' {
                    items.push(self.value()?);
                    self.skip_blanks_and_eol();
                }
                while !self.done() && self.cur() != b']' {
                    if self.cur() != b',' {
                        return Err(self.fail("expecting a separator in list"));
                    }
                    self.at += 1;
                    self.skip_blanks_and_eol();
                    if self.cur() == b']' {
                        break;
                    }
                    items.push(self.value()?);
                    self.skip_blanks_and_eol();
                }
                if self.cur() != b']' {
                    return Err(self.fail("list is not closed with ]"));
                }
                self.at += 1;
                Ok(Value::List(items))
            }
            c if c.is_ascii_digit() || c == b'-' || c == b'+' => {
                if matches!(c, b'-' | b'+') {
                    self.at += 1;
                }
                if self.done() || !self.cur().is_ascii_digit() {
                    return Err(self.fail("unterminated number"));
                }
                let mut n: i64 = 0;
                while !self.done() && self.cur().is_ascii_digit() {
                    n = n
                        .checked_mul(10)
                        .and_then(|n| n.checked_add(i64::from(self.cur() - b'0')))
                        .ok_or_else(|| {
                            Error::new(
                                ErrorCode::Overflow,
                                format!(
                                    "numerical overflow: {}:{}: numeric overflow in conf value",
                                    self.file, self.line
                                ),
                            )
                        })?;
                    self.at += 1;
                }
                Ok(Value::Num)
            }
            _ => Err(self.fail("expecting a value")),
        }
    }

    fn statement(&mut self, entries: &mut Vec<(String, Value)>) -> Result<()> {
        self.skip_blanks_and_eol();
        if self.cur() == b'#' {
            self.rest_of_line();
            return Ok(());
        }
        self.skip_blanks();
        if !self.cur().is_ascii_alphabetic() {
            return Err(self.fail("expecting a name"));
        }
        let from = self.at;
        while !self.done() && (self.cur().is_ascii_alphanumeric() || self.cur() == b'_') {
            self.at += 1;
        }
        let name = String::from_utf8_lossy(&self.text[from..self.at]).into_owned();
        self.skip_blanks();
        if self.cur() != b'=' {
            return Err(self.fail("expecting an assignment"));
        }
        self.at += 1;
        self.skip_blanks();
        let value = self.value()?;
        self.skip_blanks();
        if self.cur() == b'#' {
            self.rest_of_line();
        }
        entries.push((name, value));
        Ok(())
    }

    fn separator(&mut self) -> Result<()> {
        self.skip_blanks();
        if self.done() {
            return Ok(());
        }
        match self.cur() {
            b'\n' | b'\r' => self.skip_blanks_and_eol(),
            b';' => {
                self.at += 1;
                self.skip_blanks_and_eol();
            }
            _ => return Err(self.fail("expecting a separator")),
        }
        Ok(())
    }
}

impl ClientConf {
    /// Parses `text`, the file at `path` (named in messages).
    pub fn parse(path: &str, text: &str) -> Result<ClientConf> {
        let mut p = Parser {
            file: path,
            text: text.as_bytes(),
            at: 0,
            line: 1,
        };
        let mut entries = Vec::new();
        while !p.done() {
            p.statement(&mut entries)?;
            p.separator()?;
        }
        Ok(ClientConf {
            path: path.to_string(),
            entries,
        })
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.entries.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// `uri_default` (`virConfGetValueString`).
    pub fn uri_default(&self) -> Result<Option<String>> {
        match self.get("uri_default") {
            None => Ok(None),
            Some(Value::Str(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Error::internal(format!(
                "{}: expected a string for 'uri_default' parameter",
                self.path
            ))),
        }
    }

    /// The URI `alias` stands for in `uri_aliases` (`virURIResolveAlias`): entries are
    /// `NAME=URI`, names of letters, digits, `_` and `-`.
    pub fn resolve_alias(&self, alias: &str) -> Result<Option<String>> {
        let list = match self.get("uri_aliases") {
            None => return Ok(None),
            Some(Value::List(items)) => items,
            Some(Value::Str(_) | Value::Num) => {
                return Err(Error::internal(format!(
                    "{}: expected a string list for 'uri_aliases' parameter",
                    self.path
                )))
            }
        };
        let mut entries = Vec::new();
        for item in list {
            let Value::Str(s) = item else {
                return Err(syntax(format!(
                    "{}: expected a string list for 'uri_aliases' parameter",
                    self.path
                )));
            };
            entries.push(s);
        }
        for entry in entries {
            let Some((name, uri)) = entry.split_once('=') else {
                return Err(syntax(format!(
                    "Malformed 'uri_aliases' config entry '{entry}', expected 'alias=uri://host/path'"
                )));
            };
            if !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Err(syntax(format!(
                    "Malformed 'uri_aliases' config entry '{entry}', aliases may only contain 'a-Z, 0-9, _, -'"
                )));
            }
            if name == alias {
                return Ok(Some(uri.to_string()));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_as_virconf_reads_them() {
        let conf = ClientConf::parse(
            "c",
            "# comment\nuri_default = \"qemu:///system\"  # why\n\
             uri_aliases = [\n  'hail=qemu+ssh://root@hail/system',\n  \"sleet=test:///default\",\n]\n\
             other = 5; more = \"\"\"x\ny\"\"\"\n",
        )
        .unwrap();
        assert_eq!(
            conf.uri_default().unwrap().as_deref(),
            Some("qemu:///system")
        );
        assert_eq!(
            conf.resolve_alias("sleet").unwrap().as_deref(),
            Some("test:///default")
        );
        assert_eq!(conf.resolve_alias("nope").unwrap(), None);
    }

    #[test]
    fn libvirts_messages() {
        let e = |text: &str| ClientConf::parse("/c", text).unwrap_err().to_string();
        assert_eq!(
            e("uri_default = \"x"),
            "configuration file syntax error: /c:1: unterminated string"
        );
        assert_eq!(
            e("\n= 1"),
            "configuration file syntax error: /c:2: expecting a name"
        );
        assert_eq!(
            e("a 1"),
            "configuration file syntax error: /c:1: expecting an assignment"
        );
        assert_eq!(
            e("a = [1 2]"),
            "configuration file syntax error: /c:1: expecting a separator in list"
        );
        assert_eq!(
            e("a = 1 b = 2"),
            "configuration file syntax error: /c:1: expecting a separator"
        );
        let conf =
            ClientConf::parse("/c", "uri_aliases = [ \"bad name=x\" ]\nuri_default = 1").unwrap();
        assert_eq!(
            conf.resolve_alias("x").unwrap_err().to_string(),
            "configuration file syntax error: Malformed 'uri_aliases' config entry 'bad name=x', aliases may only contain 'a-Z, 0-9, _, -'"
        );
        assert_eq!(
            conf.uri_default().unwrap_err().to_string(),
            "internal error: /c: expected a string for 'uri_default' parameter"
        );
    }
}
