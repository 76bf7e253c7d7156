//! The embedded QEMU driver's files: the root's object store for kind `qemu`, plus what only
//! domains have:
//!
//! ```text
//! ROOT/run/qemu/NAME.xml         status: state, reason, pid, id, and the live XML
//! ROOT/run/qemu/NAME.{launch,pid,qmp,console,events,log}   the QEMU's files
//! ROOT/run/qemu/id               the last domain id handed out (under ROOT/run/qemu/id.lock)
//! ```
//!
//! Lock order: the list lock before a domain lock, never the reverse; the id lock is a leaf.

use std::ops::Deref;
use std::path::Path;

use crate::error::Result;
use crate::model::xml::escape;
use crate::model::{DomainDef, Name};
use crate::state::store::{io_at, ObjectStore, StoreResult};
use crate::state::{self, write_atomic};
use crate::types::{PausedReason, RunningReason, ShutoffReason, State};

pub struct Store(ObjectStore);

impl Deref for Store {
    type Target = ObjectStore;
    fn deref(&self) -> &ObjectStore {
        &self.0
    }
}

/// The status file's header: what listing needs, without the XML.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusBrief {
    pub state: State,
    /// QEMU's pid while it runs.
    pub pid: Option<u32>,
    pub id: Option<u32>,
    /// QEMU dies with the process that started it (`--autodestroy`): its end is a destroy.
    pub autodestroy: bool,
    /// A reboot waits for the guest to power off (see `reboot.rs`).
    pub rebooting: bool,
}

impl StatusBrief {
    /// A status written when a start began and not yet replaced by its result.
    pub fn is_starting(&self) -> bool {
        self.pid.is_none() && self.state.is_active()
    }
}

/// What the status file records.
#[derive(Debug, Clone)]
pub struct Status {
    pub brief: StatusBrief,
    /// The live definition (for a stopped persistent domain: none).
    pub live: Option<DomainDef>,
}

/// A status for a domain whose QEMU is being started (not yet answering).
pub fn starting(live: DomainDef) -> Status {
    Status {
        brief: StatusBrief {
            state: State::Paused(PausedReason::StartingUp),
            pid: None,
            id: None,
            autodestroy: false,
            rebooting: false,
        },
        live: Some(live),
    }
}

pub fn shut_off(reason: ShutoffReason) -> Status {
    Status {
        brief: StatusBrief {
            state: State::Shutoff(reason),
            pid: None,
            id: None,
            autodestroy: false,
            rebooting: false,
        },
        live: None,
    }
}

/// The state QEMU reports, as libvirt names it (for resyncing the status file).
pub fn qemu_state(status: &str, recorded: State) -> State {
    match status {
        "running" => match recorded {
            State::Running(r) => State::Running(r),
            _ => State::Running(RunningReason::Unpaused),
        },
        "io-error" => State::Paused(PausedReason::IoError),
        "watchdog" => State::Paused(PausedReason::Watchdog),
        _ => match recorded {
            State::Paused(r) => State::Paused(r),
            _ => State::Paused(PausedReason::User),
        },
    }
}

impl Store {
    pub fn open(root: &Path) -> StoreResult<Store> {
        Ok(Store(ObjectStore::open(root, "qemu", "domain")?))
    }

    /// The persistent definition, if there is one.
    pub fn read_def(&self, name: &Name) -> StoreResult<Option<DomainDef>> {
        let path = self.config_path(name);
        self.read_config(name)?
            .map(|t| self.parse(name, &path, &t, DomainDef::parse))
            .transpose()
    }

    pub fn write_def(&self, def: &DomainDef) -> StoreResult<()> {
        self.write_config(&def.name, &def.to_xml(None))
    }

    /// The status header, if there is a status file.
    pub fn read_brief(&self, name: &Name) -> StoreResult<Option<StatusBrief>> {
        let Some(text) = self.read_run(name)? else {
            return Ok(None);
        };
        let path = self.run_file(name, "xml");
        self.parse(name, &path, &text, |t| {
            parse_header(t).ok_or_else(|| malformed("no <domstatus> header"))
        })
        .map(Some)
    }

    /// The whole status, live definition included.
    pub fn read_status(&self, name: &Name) -> StoreResult<Option<Status>> {
        let Some(text) = self.read_run(name)? else {
            return Ok(None);
        };
        let path = self.run_file(name, "xml");
        self.parse(name, &path, &text, parse_status).map(Some)
    }

    pub fn write_status(&self, name: &Name, status: &Status) -> StoreResult<()> {
        let b = &status.brief;
        let (state, reason) = b.state.codes();
        let mut text = format!("<domstatus state='{state}' reason='{reason}'");
        if let Some(pid) = b.pid {
            text.push_str(&format!(" pid='{pid}'"));
        }
        if let Some(id) = b.id {
            text.push_str(&format!(" id='{id}'"));
        }
        if b.autodestroy {
            text.push_str(" autodestroy='1'");
        }
        if b.rebooting {
            text.push_str(" reboot='1'");
        }
        text.push_str(&format!(
            " owner='{}'>\n",
            escape(&std::process::id().to_string())
        ));
        if let Some(live) = &status.live {
            text.push_str(&live.to_xml(b.id));
        }
        text.push_str("</domstatus>\n");
        self.write_run(name, &text)
    }

    /// The next domain id of this root: one past the last handed out, skipping ids that
    /// running domains hold, wrapping after `i32::MAX` (libvirt's ids are positive `int`s).
    /// A lost or corrupt record starts from the highest id in use.
    pub fn next_id(&self, in_use: &[u32]) -> Result<u32> {
        let lock_path = self.run_dir().join("id.lock");
        let _lock = state::lock(&lock_path).map_err(io_at(&lock_path))?;
        let path = self.run_dir().join("id");
        let recorded = crate::sys::read_capped(&path, 64)
            .ok()
            .and_then(|s| String::from_utf8_lossy(&s).trim().parse::<u32>().ok())
            .filter(|id| (1..=i32::MAX as u32).contains(id));
        let mut id = recorded.unwrap_or_else(|| in_use.iter().copied().max().unwrap_or(0));
        loop {
            id = if id >= i32::MAX as u32 { 1 } else { id + 1 };
            if !in_use.contains(&id) {
                break;
            }
        }
        write_atomic(&path, id.to_string().as_bytes()).map_err(io_at(&path))?;
        Ok(id)
    }
}

fn malformed(detail: &str) -> crate::model::ModelError {
    crate::model::ModelError::Invalid(detail.to_string())
}

fn attr(header: &str, key: &str) -> Option<String> {
    let at = header.find(&format!(" {key}='"))? + key.len() + 3;
    let end = header[at..].find('\'')?;
    Some(header[at..at + end].to_string())
}

fn parse_header(text: &str) -> Option<StatusBrief> {
    let header = text
        .split('\n')
        .next()
        .filter(|h| h.starts_with("<domstatus "))?;
    let num = |k: &str| attr(header, k).and_then(|v| v.parse::<u32>().ok());
    let state = State::from_codes(
        i32::try_from(num("state")?).ok()?,
        i32::try_from(num("reason").unwrap_or(0)).ok()?,
    );
    Some(StatusBrief {
        state,
        pid: num("pid"),
        id: num("id"),
        autodestroy: num("autodestroy") == Some(1),
        rebooting: num("reboot") == Some(1),
    })
}

fn parse_status(text: &str) -> std::result::Result<Status, crate::model::ModelError> {
    let brief = parse_header(text).ok_or_else(|| malformed("no <domstatus> header"))?;
    let body = text
        .split_once('\n')
        .and_then(|(_, rest)| rest.trim_end().strip_suffix("</domstatus>"))
        .ok_or_else(|| malformed("no </domstatus> end"))?
        .trim();
    let live = if body.is_empty() {
        None
    } else {
        Some(DomainDef::parse(body)?)
    };
    Ok(Status { brief, live })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{RunningReason, ShutoffReason};

    fn def(name: &str) -> DomainDef {
        DomainDef::parse(&format!(
            "<domain type='qemu'><name>{name}</name><memory>65536</memory><os><type>hvm</type></os></domain>"
        ))
        .unwrap()
    }

    #[test]
    fn status_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let d = def("a");
        let status = Status {
            brief: StatusBrief {
                state: State::Running(RunningReason::Booted),
                pid: Some(42),
                id: Some(3),
                autodestroy: true,
                rebooting: true,
            },
            live: Some(d.clone()),
        };
        store.write_status(&d.name, &status).unwrap();
        let back = store.read_status(&d.name).unwrap().unwrap();
        assert_eq!(back.brief.state, status.brief.state);
        assert_eq!((back.brief.pid, back.brief.id), (Some(42), Some(3)));
        assert!(back.brief.autodestroy && back.brief.rebooting);
        assert_eq!(back.live.unwrap(), d);
        let off = Status {
            brief: StatusBrief {
                state: State::Shutoff(ShutoffReason::Crashed),
                pid: None,
                id: None,
                autodestroy: false,
                rebooting: false,
            },
            live: None,
        };
        store.write_status(&d.name, &off).unwrap();
        let back = store.read_status(&d.name).unwrap().unwrap();
        assert_eq!(back.brief.state, off.brief.state);
        assert!(back.live.is_none());
    }

    #[test]
    fn a_corrupt_status_is_an_error_not_a_state() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let a = Name::new("a").unwrap();
        store.write_run(&a, "<domstatus state='1'").unwrap();
        assert!(store.read_status(&a).is_err());
        store.write_run(&a, "garbage").unwrap();
        assert!(store.read_brief(&a).is_err());
    }

    #[test]
    fn ids_increase_skip_those_in_use_and_wrap() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.next_id(&[]).unwrap(), 1);
        assert_eq!(store.next_id(&[2, 3]).unwrap(), 4);
        std::fs::write(store.run_dir().join("id"), "garbage").unwrap();
        assert_eq!(store.next_id(&[1, 7]).unwrap(), 8);
        std::fs::write(store.run_dir().join("id"), i32::MAX.to_string()).unwrap();
        assert_eq!(store.next_id(&[1]).unwrap(), 2);
    }
}
