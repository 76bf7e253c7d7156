//! One on-disk store for every kind of object of an embedded root (domains, pools, and the
//! kinds to come), laid out as DESIGN.md says:
//!
//! ```text
//! ROOT/lock                       the list lock, shared by every kind
//! ROOT/KIND/NAME.xml              persistent configs
//! ROOT/KIND/autostart/NAME.xml    autostart marks
//! ROOT/KIND/index/UUID:NAME       one empty file per object: lookups and listing read one
//!                                 directory, no XML
//! ROOT/run/KIND/NAME.xml          the live state (a running domain's status, an active pool)
//! ROOT/run/KIND/NAME.lock         the object's lock
//! ROOT/run/KIND/NAME.*            what else a live object keeps (sockets, logs, ...)
//! ```
//!
//! Lock order: the list lock before an object's lock, never the reverse. An object's lock file
//! is removed with the object (under both locks); whoever then wins a lock on the old file
//! sees that the path no longer leads to it and opens the lock again, so the protocol holds.

use std::io;
use std::path::{Path, PathBuf};

use uuid::Uuid;

use super::{clean_temp, remove, write_atomic, Lock};
use crate::error::{Error, ErrorCode};
use crate::model::{ModelError, Name};

/// What can go wrong with the files of a store. The same words serve every kind of object.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot access '{path}': {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{what} file '{path}' is corrupt ({detail}); {remedy}")]
    Corrupt {
        what: String,
        path: PathBuf,
        detail: String,
        remedy: String,
    },
    /// A name too long for the files that hold the object.
    #[error("{what} name '{name}' is too long: virtsh keeps names of at most {MAX_NAME} bytes")]
    NameTooLong { what: String, name: String },
}

/// The longest name a stored object may have: its files are `NAME.EXT`, and a file name has
/// at most 255 bytes.
pub const MAX_NAME: usize = 240;

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Error {
        match &e {
            StoreError::Io { source, .. } => Error::system(
                format!("cannot access the virtsh state: {}", e_path(&e)),
                source,
            ),
            StoreError::Corrupt { .. } => {
                Error::new(ErrorCode::InternalError, format!("internal error: {e}"))
            }
            StoreError::NameTooLong { .. } => Error::invalid_arg(e),
        }
    }
}

fn e_path(e: &StoreError) -> String {
    match e {
        StoreError::Io { path, .. } | StoreError::Corrupt { path, .. } => {
            path.display().to_string()
        }
        StoreError::NameTooLong { name, .. } => name.clone(),
    }
}

/// An I/O error on `path`, for `map_err`.
pub fn io_at(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

pub type StoreResult<T> = std::result::Result<T, StoreError>;

/// The files of one kind of object under a root.
pub struct ObjectStore {
    root: PathBuf,
    /// `qemu`, `storage`, `network`: the directory names of the kind.
    kind: &'static str,
    /// How messages name an object of the kind (`domain`, `pool`).
    word: &'static str,
}

impl ObjectStore {
    /// Opens (creating) the kind's directories under `root`; removes leftovers of crashed
    /// writers.
    pub fn open(root: &Path, kind: &'static str, word: &'static str) -> StoreResult<ObjectStore> {
        let store = ObjectStore {
            root: root.to_path_buf(),
            kind,
            word,
        };
        for dir in [store.autostart_dir(), store.index_dir(), store.run_dir()] {
            std::fs::create_dir_all(&dir).map_err(io_at(&dir))?;
        }
        for dir in [store.config_dir(), store.index_dir(), store.run_dir()] {
            clean_temp(&dir).map_err(io_at(&dir))?;
        }
        Ok(store)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn config_dir(&self) -> PathBuf {
        self.root.join(self.kind)
    }
    fn autostart_dir(&self) -> PathBuf {
        self.config_dir().join("autostart")
    }
    fn index_dir(&self) -> PathBuf {
        self.config_dir().join("index")
    }
    pub fn run_dir(&self) -> PathBuf {
        self.root.join("run").join(self.kind)
    }

    pub fn config_path(&self, name: &Name) -> PathBuf {
        self.config_dir().join(format!("{name}.xml"))
    }
    /// The autostart mark (`NAME.xml`), or the next-boot-only one (`NAME.once`).
    fn autostart_path(&self, name: &Name, once: bool) -> PathBuf {
        let ext = if once { "once" } else { "xml" };
        self.autostart_dir().join(format!("{name}.{ext}"))
    }
    /// `ROOT/run/KIND/NAME.EXT`.
    pub fn run_file(&self, name: &Name, ext: &str) -> PathBuf {
        self.run_dir().join(format!("{name}.{ext}"))
    }
    /// The index entry of `uuid`: a symbolic link to the object's name.
    fn index_entry(&self, uuid: &Uuid) -> PathBuf {
        self.index_dir().join(uuid.to_string())
    }

    // ---- locks ----

    /// The list lock: held while adding or removing an object of any kind.
    pub fn list_lock(&self) -> StoreResult<Lock> {
        let path = self.root.join("lock");
        super::lock(&path).map_err(io_at(&path))
    }

    /// An object's lock, held for a lifecycle operation on it.
    pub fn lock(&self, name: &Name) -> StoreResult<Lock> {
        let path = self.run_file(name, "lock");
        loop {
            let lock = super::lock(&path).map_err(io_at(&path))?;
            if lock.is_at(&path) {
                return Ok(lock);
            }
        }
    }

    /// Whether someone holds the object's lock (a reader's question: it creates nothing).
    pub fn is_locked(&self, name: &Name) -> StoreResult<bool> {
        let path = self.run_file(name, "lock");
        super::is_held(&path).map_err(io_at(&path))
    }

    /// Removes the object's lock file; the caller holds the list lock and the object's lock,
    /// and the object is gone.
    pub fn remove_lock(&self, name: &Name) -> StoreResult<()> {
        let path = self.run_file(name, "lock");
        remove(&path).map_err(io_at(&path))
    }

    // ---- configs ----

    /// The persistent config's text, if there is one.
    pub fn read_config(&self, name: &Name) -> StoreResult<Option<String>> {
        read_optional(&self.config_path(name))
    }

    /// A definition parsed from `text` read at `path`; a file that does not parse is reported
    /// the same way for every kind.
    pub fn parse<T>(
        &self,
        name: &Name,
        path: &Path,
        text: &str,
        parse: impl FnOnce(&str) -> Result<T, ModelError>,
    ) -> StoreResult<T> {
        parse(text).map_err(|e| StoreError::Corrupt {
            what: format!("{} '{name}'", self.word),
            path: path.to_path_buf(),
            detail: e.to_string().lines().next().unwrap_or_default().to_string(),
            remedy: format!("fix it, or undefine the {} and define it again", self.word),
        })
    }

    pub fn write_config(&self, name: &Name, xml: &str) -> StoreResult<()> {
        let path = self.config_path(name);
        write_atomic(&path, xml.as_bytes()).map_err(io_at(&path))
    }

    /// Removes the persistent config and its autostart mark.
    pub fn remove_config(&self, name: &Name) -> StoreResult<()> {
        self.set_autostart(name, false)?;
        self.set_autostart_once(name, false)?;
        let path = self.config_path(name);
        remove(&path).map_err(io_at(&path))
    }

    pub fn has_config(&self, name: &Name) -> bool {
        self.config_path(name).exists()
    }

    pub fn autostart(&self, name: &Name) -> bool {
        self.autostart_path(name, false).exists()
    }

    pub fn set_autostart(&self, name: &Name, on: bool) -> StoreResult<()> {
        self.mark_autostart(name, false, on)
    }

    /// Marked to start at the next boot only.
    pub fn autostart_once(&self, name: &Name) -> bool {
        self.autostart_path(name, true).exists()
    }

    pub fn set_autostart_once(&self, name: &Name, on: bool) -> StoreResult<()> {
        self.mark_autostart(name, true, on)
    }

    fn mark_autostart(&self, name: &Name, once: bool, on: bool) -> StoreResult<()> {
        let path = self.autostart_path(name, once);
        if on {
            write_atomic(&path, name.as_str().as_bytes())
        } else {
            remove(&path)
        }
        .map_err(io_at(&path))
    }

    /// The live state file's text (`ROOT/run/KIND/NAME.xml`), if there is one.
    pub fn read_run(&self, name: &Name) -> StoreResult<Option<String>> {
        read_optional(&self.run_file(name, "xml"))
    }

    pub fn write_run(&self, name: &Name, text: &str) -> StoreResult<()> {
        let path = self.run_file(name, "xml");
        write_atomic(&path, text.as_bytes()).map_err(io_at(&path))
    }

    pub fn remove_run(&self, name: &Name) -> StoreResult<()> {
        let path = self.run_file(name, "xml");
        remove(&path).map_err(io_at(&path))
    }

    /// Names with a live state file.
    pub fn run_names(&self) -> StoreResult<Vec<Name>> {
        let dir = self.run_dir();
        let mut out = Vec::new();
        for e in std::fs::read_dir(&dir).map_err(io_at(&dir))?.flatten() {
            let file = e.file_name();
            let stem = file.to_str().and_then(|f| f.strip_suffix(".xml"));
            if let Some(name) = stem.and_then(|s| Name::new(s).ok()) {
                out.push(name);
            }
        }
        Ok(out)
    }

    // ---- the index ----

    /// Every object of the kind, from one directory listing.
    pub fn index(&self) -> StoreResult<Vec<(Uuid, Name)>> {
        let dir = self.index_dir();
        let mut out = Vec::new();
        for e in std::fs::read_dir(&dir).map_err(io_at(&dir))?.flatten() {
            let file = e.file_name();
            let Some(file) = file.to_str() else { continue };
            let entry = match file.split_once(':') {
                Some((uuid, name)) => old_entry(uuid, name),
                None => Uuid::parse_str(file)
                    .ok()
                    .and_then(|u| Some((u, self.linked_name(&u)?))),
            };
            out.extend(entry);
        }
        Ok(out)
    }

    fn linked_name(&self, uuid: &Uuid) -> Option<Name> {
        let target = std::fs::read_link(self.index_entry(uuid)).ok()?;
        Name::new(target.to_str()?).ok()
    }

    /// The name the index gives `uuid`: its link, or an entry of the earlier layout
    /// (`UUID:NAME`, which names of over 218 bytes did not fit), until a writer replaces it.
    fn indexed_name(&self, uuid: &Uuid) -> Option<Name> {
        self.linked_name(uuid)
            .or_else(|| self.old_entry_of(uuid).map(|(_, n)| n))
    }

    fn old_entry_of(&self, uuid: &Uuid) -> Option<(PathBuf, Name)> {
        let prefix = format!("{uuid}:");
        std::fs::read_dir(self.index_dir())
            .ok()?
            .flatten()
            .find_map(|e| {
                let file = e.file_name();
                let name = file.to_str()?.strip_prefix(&prefix)?;
                Some((e.path(), Name::new(name).ok()?))
            })
    }

    /// The name of the object with `uuid` (one `readlink`).
    pub fn uuid_owner(&self, uuid: &Uuid) -> StoreResult<Option<Name>> {
        Ok(self.indexed_name(uuid))
    }

    /// The object called `name` (a name that is no valid name is no object's), as the
    /// index has it.
    pub fn by_name(&self, name: &str) -> StoreResult<Option<(Uuid, Name)>> {
        let Ok(name) = Name::new(name) else {
            return Ok(None);
        };
        Ok(self.uuid_of(&name)?.map(|u| (u, name)))
    }

    /// The UUID of the object called `name`.
    pub fn uuid_of(&self, name: &Name) -> StoreResult<Option<Uuid>> {
        Ok(self
            .index()?
            .into_iter()
            .find(|(_, n)| n == name)
            .map(|(u, _)| u))
    }

    /// Whether the object `name` has `uuid` (one `readlink`).
    pub fn indexed(&self, uuid: &Uuid, name: &Name) -> bool {
        self.indexed_name(uuid).as_ref() == Some(name)
    }

    /// Records an object (under the list lock); refuses a name too long for its files.
    pub fn add_index(&self, uuid: &Uuid, name: &Name) -> StoreResult<()> {
        if name.as_str().len() > MAX_NAME {
            return Err(StoreError::NameTooLong {
                what: self.word.to_string(),
                name: name.to_string(),
            });
        }
        let path = self.index_entry(uuid);
        let temp = self.index_dir().join(format!(".{uuid}.new"));
        let _ = std::fs::remove_file(&temp);
        std::os::unix::fs::symlink(name.as_str(), &temp).map_err(io_at(&temp))?;
        std::fs::rename(&temp, &path).map_err(io_at(&path))?;
        let dir = self.index_dir();
        std::fs::File::open(&dir)
            .and_then(|d| d.sync_all())
            .map_err(io_at(&dir))?;
        self.remove_old_entry(uuid)
    }

    fn remove_old_entry(&self, uuid: &Uuid) -> StoreResult<()> {
        match self.old_entry_of(uuid) {
            Some((path, _)) => remove(&path).map_err(io_at(&path)),
            None => Ok(()),
        }
    }

    /// Forgets an object (under the list lock), if the index still gives `uuid` that name.
    pub fn remove_index(&self, uuid: &Uuid, name: &Name) -> StoreResult<()> {
        if !self.indexed(uuid, name) {
            return Ok(());
        }
        let path = self.index_entry(uuid);
        remove(&path).map_err(io_at(&path))?;
        self.remove_old_entry(uuid)
    }
}

/// An entry of the earlier index layout, `UUID:NAME`.
fn old_entry(uuid: &str, name: &str) -> Option<(Uuid, Name)> {
    Some((Uuid::parse_str(uuid).ok()?, Name::new(name).ok()?))
}

fn read_optional(path: &Path) -> StoreResult<Option<String>> {
    match crate::sys::read_capped(path, crate::sys::XML_FILE_MAX) {
        // Not UTF-8: handed on as text that fails to parse, as any other corrupt file.
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_at(path)(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> Name {
        Name::new(s).unwrap()
    }

    #[test]
    fn index_config_autostart_and_run_state() {
        let dir = tempfile::tempdir().unwrap();
        let store = ObjectStore::open(dir.path(), "qemu", "domain").unwrap();
        let (a, u) = (name("a"), Uuid::from_u128(7));
        store.add_index(&u, &a).unwrap();
        assert_eq!(store.uuid_owner(&u).unwrap(), Some(a.clone()));
        assert_eq!(store.uuid_of(&a).unwrap(), Some(u));
        store.write_config(&a, "<x/>").unwrap();
        store.set_autostart(&a, true).unwrap();
        assert!(store.autostart(&a));
        store.remove_config(&a).unwrap();
        assert!(!store.autostart(&a) && !store.has_config(&a));
        store.write_run(&a, "live").unwrap();
        assert_eq!(store.run_names().unwrap(), vec![a.clone()]);
        assert_eq!(store.read_run(&a).unwrap().as_deref(), Some("live"));
        store.remove_index(&u, &a).unwrap();
        assert!(store.index().unwrap().is_empty());
    }

    #[test]
    fn long_names_and_the_earlier_index_layout() {
        let dir = tempfile::tempdir().unwrap();
        let store = ObjectStore::open(dir.path(), "qemu", "domain").unwrap();
        let long = name(&"n".repeat(MAX_NAME));
        let uuid = Uuid::new_v4();
        store.add_index(&uuid, &long).unwrap();
        assert!(store.indexed(&uuid, &long));
        assert_eq!(store.uuid_of(&long).unwrap(), Some(uuid));
        let too_long = name(&"n".repeat(MAX_NAME + 1));
        let e = store.add_index(&Uuid::new_v4(), &too_long).unwrap_err();
        assert!(e.to_string().contains("at most 240 bytes"), "{e}");
        // An entry of the earlier layout is read, and replaced by the next writer.
        let old = Uuid::new_v4();
        let path = store.index_dir().join(format!("{old}:legacy"));
        std::fs::write(&path, "").unwrap();
        assert_eq!(store.uuid_owner(&old).unwrap(), Some(name("legacy")));
        assert!(store.index().unwrap().contains(&(old, name("legacy"))));
        store.add_index(&old, &name("legacy")).unwrap();
        assert!(!path.exists());
        assert!(store.indexed(&old, &name("legacy")));
        store.remove_index(&old, &name("legacy")).unwrap();
        assert_eq!(store.uuid_owner(&old).unwrap(), None);
    }

    #[test]
    fn a_removed_lock_file_is_opened_again_by_whoever_waited_on_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = std::sync::Arc::new(ObjectStore::open(dir.path(), "qemu", "domain").unwrap());
        let a = name("a");
        let held = store.lock(&a).unwrap();
        assert!(store.is_locked(&a).unwrap());
        let waiter = {
            let (store, a) = (store.clone(), a.clone());
            std::thread::spawn(move || {
                let lock = store.lock(&a).unwrap();
                lock.is_at(&store.run_file(&a, "lock"))
            })
        };
        std::thread::sleep(std::time::Duration::from_millis(50));
        store.remove_lock(&a).unwrap();
        drop(held);
        assert!(
            waiter.join().unwrap(),
            "the waiter holds the file now at the path"
        );
        assert!(store.run_file(&a, "lock").exists());
    }

    #[test]
    fn a_corrupt_file_names_itself_and_the_remedy() {
        let dir = tempfile::tempdir().unwrap();
        let store = ObjectStore::open(dir.path(), "storage", "pool").unwrap();
        let p = name("p");
        let path = store.config_path(&p);
        let e = store
            .parse(&p, &path, "", crate::model::PoolDef::parse)
            .unwrap_err();
        let text = Error::from(e).to_string();
        assert!(
            text.starts_with("internal error: pool 'p' file '"),
            "{text}"
        );
        assert!(
            text.ends_with("fix it, or undefine the pool and define it again"),
            "{text}"
        );
    }

    #[test]
    fn readers_create_no_lock_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = ObjectStore::open(dir.path(), "qemu", "domain").unwrap();
        assert!(!store.is_locked(&name("b")).unwrap());
        assert!(!store.run_file(&name("b"), "lock").exists());
    }
}
