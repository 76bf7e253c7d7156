//! virsh's small rules that many commands share: refusing what virtsh cannot do, reading an
//! XML file, mutually exclusive options, `--current/--live/--config`, scaled sizes.

use std::path::Path;

use virtsh_commands::args::{DescArgs, Impact, MemoryChange, RestoreState, XPathArgs};

use super::lookup::{self, By};
use super::CmdError;
use std::rc::Rc;

use crate::driver::{Connection, DomainCalls, NetworkCalls, StorageCalls};
use crate::error::Error;
use crate::model::units::{parse_scaled, ScaleError};
use crate::render::{Line, NamedText, Outcome};
use crate::session::Session;
use crate::types::{DomainRef, ModifyFlags, NetworkRef, PoolRef, SaveFlags, ShutdownFlags};

/// An informational line (`Domain 'x' started`).
pub fn message(text: impl Into<Line>) -> Result<Outcome, CmdError> {
    Ok(Outcome::Message(text.into()))
}

/// An option virtsh recognises but cannot carry out yet: refused, never ignored.
pub fn refuse(given: bool, option: &str) -> Result<(), CmdError> {
    if given {
        return Err(CmdError::message(format!(
            "option --{option} is not supported by virtsh yet"
        )));
    }
    Ok(())
}

/// virsh's `virFileReadAll` of an XML argument: at most 10 MiB, in libvirt's words when it
/// cannot be opened or read.
pub fn read_file(path: &Path) -> Result<String, CmdError> {
    let failed = |what: &str, e: std::io::Error| {
        CmdError::Driver(Error::system(
            format!("Failed to {what} file '{}'", path.display()),
            &e,
        ))
    };
    let file = crate::sys::open_for_reading(path).map_err(|e| failed("open", e))?;
    let bytes = crate::sys::read_all_capped(file, crate::sys::XML_FILE_MAX)
        .map_err(|e| failed("read", e))?;
    // Not UTF-8: handed on as text that fails to parse, as libxml2 refuses it.
    Ok(String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// An XML document as the XML commands print it: whole, or what `--xpath` selects of it
/// (virsh's `virshDumpXML`).
pub fn dump_xml(xml: String, args: &XPathArgs) -> Result<Outcome, CmdError> {
    use crate::render::xpath::{select, XPathError};
    let Some(expr) = &args.xpath else {
        return Ok(Outcome::Xml(xml));
    };
    match select(&xml, expr, args.wrap) {
        Ok(selected) => Ok(Outcome::data(selected)),
        // libxml2 says so on stderr, and virsh goes on.
        Err(XPathError::Invalid) => Ok(Outcome::ErrText(
            b"XPath error : Invalid expression\n".to_vec(),
        )),
        Err(XPathError::Failed(e)) => Err(CmdError::Driver(e)),
    }
}

/// A number option read when the command runs (virsh reads some only after it has looked up
/// the domain): `parse` is the reading (`num::signed`, `num::unsigned`), its failure virsh's
/// `Numeric value ... malformed or out of range`.
pub fn number<T>(
    text: &str,
    option: &str,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T, CmdError> {
    parse(text).map_err(|_| {
        CmdError::Value(virtsh_commands::parse::ValueError::Numeric {
            option: option.into(),
            value: text.into(),
        })
    })
}

/// `--xpath` as the save image commands read it (quietly): an empty one fails the command
/// with nothing said.
pub fn quiet_xpath(args: &XPathArgs) -> Result<(), CmdError> {
    match args.xpath.as_deref() {
        Some("") => Err(CmdError::Silent),
        _ => Ok(()),
    }
}

/// virsh's `VSH_EXCLUSIVE_OPTIONS`: the first pair given together is an error.
pub fn exclusive(pairs: &[(bool, &str, bool, &str)]) -> Result<(), CmdError> {
    match pairs.iter().find(|(a, _, b, _)| *a && *b) {
        Some((_, x, _, y)) => Err(CmdError::message(format!(
            "Options --{x} and --{y} are mutually exclusive"
        ))),
        None => Ok(()),
    }
}

/// The flags of `--running` and `--paused` (libvirt refuses the two together, in its words);
/// with `up_front`, virsh's own refusal first (where the edit loop would retry in vain, or
/// virsh checks before it reads the XML file).
pub fn restore_state(state: &RestoreState, up_front: bool) -> Result<SaveFlags, CmdError> {
    if up_front {
        exclusive(&[(state.running, "running", state.paused, "paused")])?;
    }
    Ok(SaveFlags::from_options([
        (state.running, SaveFlags::RUNNING),
        (state.paused, SaveFlags::PAUSED),
    ]))
}

/// `--current`, `--live`, `--config`: `None` when none is given.
pub fn impact(i: &Impact) -> Result<Option<ModifyFlags>, CmdError> {
    modify_flags(i.current, i.live, i.config)
}

/// The flags of `--current`, `--live`, `--config` given as three booleans (commands whose
/// options have their own help texts).
pub fn modify_flags(
    current: bool,
    live: bool,
    config: bool,
) -> Result<Option<ModifyFlags>, CmdError> {
    exclusive(&[
        (current, "current", live, "live"),
        (current, "current", config, "config"),
    ])?;
    let flags =
        ModifyFlags::from_options([(live, ModifyFlags::LIVE), (config, ModifyFlags::CONFIG)]);
    Ok((current || live || config).then_some(flags))
}

/// A scaled size argument in KiB (virsh's default unit for memory).
pub fn scaled_kib(text: &str, option: &str) -> Result<u64, CmdError> {
    let context =
        format!("Scaled numeric value '{text}' for <{option}> option is malformed or out of range");
    parse_scaled(text, 1024)
        .map(|b| b / 1024)
        .map_err(|e| scale_error(context, &e))
}

/// virsh's line for a bad size, then libvirt's reason when it gives one.
pub fn scale_error(context: String, e: &ScaleError) -> CmdError {
    match Error::scale(e) {
        Some(cause) => CmdError::failed(context, cause),
        None => CmdError::message(context),
    }
}

/// The verbs of `autostart` and `pool-autostart`: `("mark", "marked")` or the unmarking pair.
pub fn autostart_verbs(disable: bool) -> (&'static str, &'static str) {
    if disable {
        ("unmark", "unmarked")
    } else {
        ("mark", "marked")
    }
}

/// A command that acts on one object: look it up (`find`), act, and say `KIND ARG DONE`; a
/// failure reads `Failed to VERB kind ARG` with the driver's error. virsh quotes a domain's
/// name, not a pool's or a network's.
fn object_action<H>(
    s: &mut Session,
    (kind, arg): (&str, &str),
    (verb, done): (&str, &str),
    find: impl FnOnce(&Connection) -> Result<H, CmdError>,
    act: impl FnOnce(&Connection, &H) -> crate::error::Result<()>,
) -> Result<Outcome, CmdError> {
    let conn = s.conn()?;
    let handle = find(&conn)?;
    let shown = if kind == "Domain" {
        format!("'{arg}'")
    } else {
        arg.to_string()
    };
    act(&conn, &handle).map_err(|e| {
        CmdError::failed(
            format!("Failed to {verb} {} {shown}", kind.to_lowercase()),
            e,
        )
    })?;
    message(format!("{kind} {shown} {done}"))
}

/// A lifecycle command on a domain (see [`object_action`]).
pub fn domain_action(
    s: &mut Session,
    cmd: &str,
    arg: &str,
    verbs: (&str, &str),
    act: impl FnOnce(DomainCalls<'_>, &DomainRef) -> crate::error::Result<()>,
) -> Result<Outcome, CmdError> {
    let find = |c: &Connection| lookup::domain(c, cmd, arg, By::ANY);
    object_action(s, ("Domain", arg), verbs, find, |c, d| act(c.domains(), d))
}

/// A command on a pool (see [`object_action`]).
pub fn pool_action(
    s: &mut Session,
    cmd: &str,
    arg: &str,
    verbs: (&str, &str),
    act: impl FnOnce(StorageCalls<'_>, &PoolRef) -> crate::error::Result<()>,
) -> Result<Outcome, CmdError> {
    let find = |c: &Connection| lookup::pool(c, cmd, arg);
    object_action(s, ("Pool", arg), verbs, find, |c, p| act(c.storage(), p))
}

/// A command on a network (see [`object_action`]).
pub fn network_action(
    s: &mut Session,
    cmd: &str,
    arg: &str,
    verbs: (&str, &str),
    act: impl FnOnce(NetworkCalls<'_>, &NetworkRef) -> crate::error::Result<()>,
) -> Result<Outcome, CmdError> {
    let find = |c: &Connection| lookup::network(c, cmd, arg, By::NAME_UUID);
    object_action(s, ("Network", arg), verbs, find, |c, n| {
        act(c.networks(), n)
    })
}

/// `desc` and `net-desc`: print the description (or `--title`) of the object `(kind, name)`,
/// or set it to the words given. `get` answers `None` when there is none.
pub fn describe(
    args: &DescArgs,
    (kind, name): (&str, &str),
    get: impl FnOnce(bool, ModifyFlags) -> crate::error::Result<Option<String>>,
    set: impl FnOnce(bool, Option<&str>, ModifyFlags) -> crate::error::Result<()>,
) -> Result<Outcome, CmdError> {
    refuse(args.edit, "edit")?;
    let flags = modify_flags(args.current, args.live, args.config)?.unwrap_or_default();
    let what = if args.title { "title" } else { "description" };
    if args.new_desc.is_empty() {
        return Ok(match get(args.title, flags)? {
            Some(text) => Outcome::data(NamedText {
                name: what,
                value: Some(text),
                newline: false,
            }),
            None => Outcome::Note(format!("No {what} for {kind}: {name}")),
        });
    }
    let text = args.new_desc.join(" ");
    set(args.title, Some(&text), flags)
        .map_err(|e| CmdError::failed(format!("Failed to set new {kind} {what}"), e))?;
    let mut upper = kind.to_string();
    upper[..1].make_ascii_uppercase();
    Ok(Outcome::Note(format!(
        "{upper} {what} updated successfully"
    )))
}

/// `shutdown --mode` and `reboot --mode`: a comma-separated list of virsh's modes, as flags.
/// (virsh's two messages differ by a comma.)
pub fn shutdown_modes(mode: Option<&str>, reboot: bool) -> Result<ShutdownFlags, CmdError> {
    let mut flags = ShutdownFlags::default();
    for m in mode.into_iter().flat_map(|m| m.split(',')) {
        flags |= ShutdownFlags::of_mode(m).ok_or_else(|| {
            let or = if reboot { " or" } else { ", or" };
            CmdError::message(format!(
                "Unknown mode {m} value, expecting 'acpi', 'agent', 'initctl', 'signal'{or} 'paravirt'"
            ))
        })?;
    }
    Ok(flags)
}

/// What `setmem` and `setmaxmem` share: the impact flags, the domain and the size in KiB.
pub fn memory_change(
    s: &mut Session,
    cmd: &str,
    change: &MemoryChange,
) -> Result<(Rc<Connection>, DomainRef, u64, Option<ModifyFlags>), CmdError> {
    let flags = impact(&change.impact)?;
    let conn = s.conn()?;
    let dom = lookup::domain(&conn, cmd, &change.target.domain, By::ANY)?;
    let kib = scaled_kib(&change.size, "size")?;
    Ok((conn, dom, kib, flags))
}

/// Splits on `,`, where `,,` stands for a literal comma (`vshStringToArray`).
pub fn split_commas(s: &[u8]) -> Vec<Vec<u8>> {
    let mut pieces = vec![Vec::new()];
    let mut i = 0;
    while i < s.len() {
        let last = pieces.last_mut().expect("never empty");
        match (s[i], s.get(i + 1)) {
            (b',', Some(b',')) => {
                last.push(b',');
                i += 1;
            }
            (b',', _) => pieces.push(Vec::new()),
            (c, _) => last.push(c),
        }
        i += 1;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comma_split() {
        let split = |s: &str| -> Vec<String> {
            split_commas(s.as_bytes())
                .into_iter()
                .map(|p| String::from_utf8(p).unwrap())
                .collect()
        };
        assert_eq!(split("a,b,,c,,,d"), ["a", "b,c,", "d"]);
        assert_eq!(split(",a,"), ["", "a", ""]);
        assert_eq!(split("vda,/a/b,foo"), ["vda", "/a/b", "foo"]);
        assert_eq!(split("a,"), ["a", ""]);
        assert_eq!(split("x"), ["x"]);
    }
}
