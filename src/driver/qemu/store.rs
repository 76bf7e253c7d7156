//! The embedded QEMU driver's files under its root, as DESIGN.md lays them out:
//!
//! ```text
//! ROOT/lock                      list lock: exclusive while adding or removing a domain
//! ROOT/qemu/NAME.xml             persistent configs
//! ROOT/qemu/autostart/NAME.xml   autostart marks
//! ROOT/qemu/index/UUID:NAME      one empty file per domain: lookups and listing read one directory
//! ROOT/run/qemu/NAME.xml         status: state, reason, pid, id, and the live XML
//! ROOT/run/qemu/NAME.lock        per-domain lock, held for a lifecycle operation
//! ROOT/run/qemu/NAME.{pid,qmp,console,log}   QEMU's pid file, monitor, serial console, log
//! ROOT/run/qemu/id               the last domain id handed out (under ROOT/run/qemu/id.lock)
//! ```
//!
//! Lock order: the list lock before a domain lock, never the reverse; the id lock is a leaf.

use std::io;
use std::path::{Path, PathBuf};

use uuid::Uuid;

use crate::model::xml::escape;
use crate::model::{DomainDef, Name};
use crate::state::{self, Lock};
use crate::types::State;

pub struct Store {
    root: PathBuf,
}

/// The status file's header.
#[derive(Debug, Clone)]
pub struct StatusBrief {
    pub state: State,
    pub pid: Option<u32>,
    pub id: Option<u32>,
    pub persistent: bool,
}

/// What the status file records.
#[derive(Debug, Clone)]
pub struct Status {
    pub state: State,
    /// QEMU's pid while it runs.
    pub pid: Option<u32>,
    pub id: Option<u32>,
    pub persistent: bool,
    /// The live definition (for a stopped persistent domain: none).
    pub live: Option<DomainDef>,
}

impl Store {
    /// Opens (creating) the layout under `root`; removes leftovers of crashed writers.
    pub fn open(root: &Path) -> io::Result<Store> {
        let store = Store {
            root: root.to_path_buf(),
        };
        for dir in [
            store.config_dir(),
            store.autostart_dir(),
            store.index_dir(),
            store.run_dir(),
        ] {
            std::fs::create_dir_all(&dir)?;
        }
        for dir in [store.config_dir(), store.run_dir(), store.index_dir()] {
            state::clean_temp(&dir)?;
        }
        Ok(store)
    }

    fn config_dir(&self) -> PathBuf {
        self.root.join("qemu")
    }
    fn autostart_dir(&self) -> PathBuf {
        self.root.join("qemu/autostart")
    }
    fn index_dir(&self) -> PathBuf {
        self.root.join("qemu/index")
    }
    pub fn run_dir(&self) -> PathBuf {
        self.root.join("run/qemu")
    }

    pub fn config_path(&self, name: &Name) -> PathBuf {
        self.config_dir().join(format!("{name}.xml"))
    }
    fn autostart_path(&self, name: &Name) -> PathBuf {
        self.autostart_dir().join(format!("{name}.xml"))
    }
    fn status_path(&self, name: &Name) -> PathBuf {
        self.run_dir().join(format!("{name}.xml"))
    }
    /// `ROOT/run/qemu/NAME.EXT` (`pid`, `qmp`, `console`, `log`, `lock`).
    pub fn run_file(&self, name: &Name, ext: &str) -> PathBuf {
        self.run_dir().join(format!("{name}.{ext}"))
    }

    /// The list lock: held while adding or removing a domain.
    pub fn list_lock(&self) -> io::Result<Lock> {
        state::lock(&self.root.join("lock"))
    }

    /// A domain's lock: held for a lifecycle operation on it.
    pub fn domain_lock(&self, name: &Name) -> io::Result<Lock> {
        state::lock(&self.run_file(name, "lock"))
    }

    pub fn domain_lock_held(&self, name: &Name) -> io::Result<bool> {
        state::is_held(&self.run_file(name, "lock"))
    }

    // ---- persistent configs ----

    pub fn read_config(&self, name: &Name) -> io::Result<Option<DomainDef>> {
        read_def(&self.config_path(name))
    }

    pub fn write_config(&self, def: &DomainDef) -> io::Result<()> {
        state::write_atomic(&self.config_path(&def.name), def.to_xml(None).as_bytes())
    }

    pub fn remove_config(&self, name: &Name) -> io::Result<()> {
        state::remove(&self.autostart_path(name))?;
        state::remove(&self.config_path(name))
    }

    pub fn autostart(&self, name: &Name) -> bool {
        self.autostart_path(name).exists()
    }

    pub fn set_autostart(&self, name: &Name, on: bool) -> io::Result<()> {
        if on {
            state::write_atomic(&self.autostart_path(name), name.as_str().as_bytes())
        } else {
            state::remove(&self.autostart_path(name))
        }
    }

    /// Names with a status file (running, starting, or stopped with a remembered reason).
    pub fn status_names(&self) -> io::Result<Vec<Name>> {
        names_in(&self.run_dir())
    }

    // ---- the index: one empty file `UUID:NAME` per domain, persistent or transient ----

    /// Every domain of the root, from one directory listing.
    pub fn index(&self) -> io::Result<Vec<(Uuid, Name)>> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(self.index_dir())?.flatten() {
            let file = e.file_name();
            let Some(file) = file.to_str() else { continue };
            if let Some((uuid, name)) = file.split_once(':') {
                if let (Ok(u), Ok(n)) = (Uuid::parse_str(uuid), Name::new(name)) {
                    out.push((u, n));
                }
            }
        }
        Ok(out)
    }

    pub fn uuid_owner(&self, uuid: &Uuid) -> io::Result<Option<Name>> {
        Ok(self
            .index()?
            .into_iter()
            .find(|(u, _)| u == uuid)
            .map(|(_, n)| n))
    }

    pub fn uuid_of(&self, name: &Name) -> io::Result<Option<Uuid>> {
        Ok(self
            .index()?
            .into_iter()
            .find(|(_, n)| n == name)
            .map(|(u, _)| u))
    }

    /// Whether the domain `name` has `uuid` (one `stat`).
    pub fn indexed(&self, uuid: &Uuid, name: &Name) -> bool {
        self.index_entry(uuid, name).exists()
    }

    fn index_entry(&self, uuid: &Uuid, name: &Name) -> PathBuf {
        self.index_dir().join(format!("{uuid}:{name}"))
    }

    /// Records a domain (under the list lock).
    pub fn add_index(&self, uuid: &Uuid, name: &Name) -> io::Result<()> {
        state::write_atomic(&self.index_entry(uuid, name), b"")
    }

    /// Forgets a domain (under the list lock).
    pub fn remove_index(&self, uuid: &Uuid, name: &Name) -> io::Result<()> {
        state::remove(&self.index_entry(uuid, name))
    }

    // ---- status ----

    fn read_status_text(&self, name: &Name) -> io::Result<Option<String>> {
        match std::fs::read_to_string(self.status_path(name)) {
            Ok(t) => Ok(Some(t)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub fn read_status(&self, name: &Name) -> io::Result<Option<Status>> {
        Ok(self
            .read_status_text(name)?
            .as_deref()
            .and_then(parse_status))
    }

    /// The status without the live definition (nothing is parsed but the header).
    pub fn read_status_brief(&self, name: &Name) -> io::Result<Option<StatusBrief>> {
        Ok(self
            .read_status_text(name)?
            .as_deref()
            .and_then(parse_header))
    }

    pub fn write_status(&self, name: &Name, status: &Status) -> io::Result<()> {
        let (state, reason) = status.state.codes();
        let mut text = format!("<domstatus state='{state}' reason='{reason}'");
        if let Some(pid) = status.pid {
            text.push_str(&format!(" pid='{pid}'"));
        }
        if let Some(id) = status.id {
            text.push_str(&format!(" id='{id}'"));
        }
        text.push_str(&format!(
            " persistent='{}' owner='{}'>\n",
            u8::from(status.persistent),
            escape(&std::process::id().to_string())
        ));
        if let Some(live) = &status.live {
            text.push_str(&live.to_xml(status.id));
        }
        text.push_str("</domstatus>\n");
        state::write_atomic(&self.status_path(name), text.as_bytes())
    }

    pub fn remove_status(&self, name: &Name) -> io::Result<()> {
        state::remove(&self.status_path(name))
    }

    /// The next domain id of this root.
    pub fn next_id(&self) -> io::Result<u32> {
        let _lock = state::lock(&self.run_dir().join("id.lock"))?;
        let path = self.run_dir().join("id");
        let last: u32 = std::fs::read_to_string(&path)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        let next = last + 1;
        state::write_atomic(&path, next.to_string().as_bytes())?;
        Ok(next)
    }
}

fn read_def(path: &Path) -> io::Result<Option<DomainDef>> {
    match std::fs::read_to_string(path) {
        Ok(t) => DomainDef::parse(&t).map(Some).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: {e}", path.display()),
            )
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn names_in(dir: &Path) -> io::Result<Vec<Name>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir)?.flatten() {
        let file = e.file_name();
        let Some(file) = file.to_str() else { continue };
        if let Some(stem) = file.strip_suffix(".xml") {
            if let Ok(name) = Name::new(stem) {
                out.push(name);
            }
        }
    }
    Ok(out)
}

fn attr(header: &str, key: &str) -> Option<String> {
    let at = header.find(&format!(" {key}='"))? + key.len() + 3;
    let end = header[at..].find('\'')?;
    Some(header[at..at + end].to_string())
}

fn parse_header(text: &str) -> Option<StatusBrief> {
    let header = text.split('\n').next()?;
    let num = |k: &str| attr(header, k).and_then(|v| v.parse::<i64>().ok());
    Some(StatusBrief {
        state: State::from_codes(num("state")? as i32, num("reason").unwrap_or(0) as i32),
        pid: num("pid").map(|p| p as u32),
        id: num("id").map(|i| i as u32),
        persistent: num("persistent") == Some(1),
    })
}

fn parse_status(text: &str) -> Option<Status> {
    let brief = parse_header(text)?;
    let (_, rest) = text.split_once('\n')?;
    let body = rest.trim_end().strip_suffix("</domstatus>")?.trim();
    let live = if body.is_empty() {
        None
    } else {
        DomainDef::parse(body).ok()
    };
    Some(Status {
        state: brief.state,
        pid: brief.pid,
        id: brief.id,
        persistent: brief.persistent,
        live,
    })
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
            state: State::Running(RunningReason::Booted),
            pid: Some(42),
            id: Some(3),
            persistent: true,
            live: Some(d.clone()),
        };
        store.write_status(&d.name, &status).unwrap();
        let back = store.read_status(&d.name).unwrap().unwrap();
        assert_eq!(back.state, status.state);
        assert_eq!(
            (back.pid, back.id, back.persistent),
            (Some(42), Some(3), true)
        );
        assert_eq!(back.live.unwrap(), d);
        let off = Status {
            state: State::Shutoff(ShutoffReason::Crashed),
            pid: None,
            id: None,
            persistent: true,
            live: None,
        };
        store.write_status(&d.name, &off).unwrap();
        let back = store.read_status(&d.name).unwrap().unwrap();
        assert_eq!(back.state, off.state);
        assert!(back.live.is_none());
    }

    #[test]
    fn ids_increase_and_names_list() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.next_id().unwrap(), 1);
        assert_eq!(store.next_id().unwrap(), 2);
        let (x, y) = (def("x"), def("y"));
        store.add_index(&x.uuid, &x.name).unwrap();
        store.add_index(&y.uuid, &y.name).unwrap();
        let mut names: Vec<Name> = store.index().unwrap().into_iter().map(|(_, n)| n).collect();
        names.sort();
        assert_eq!(names, vec![x.name.clone(), y.name.clone()]);
        assert_eq!(store.uuid_owner(&y.uuid).unwrap(), Some(y.name.clone()));
        store.remove_index(&y.uuid, &y.name).unwrap();
        assert_eq!(store.uuid_of(&y.name).unwrap(), None);
    }
}
