//! `undefine`: remove a domain's definition, and what goes with it. What the driver keeps (a
//! managed save image, snapshot and checkpoint metadata, NVRAM, TPM state) goes or stays as
//! the flags word passed to the driver says. The storage volumes of the domain's disks are
//! virsh's own work, done here as virsh does it: the disks of the domain's XML are matched to
//! `--storage` (targets or source paths) or all taken, looked up as libvirt volumes, and once
//! the definition is gone wiped (`--wipe-storage`) and deleted, each said as it happens.

use serde::Serialize;
use virtsh_commands::domain::Undefine;

use crate::commands::prelude::*;
use crate::driver::Connection;
use crate::model::dom::{self, Element};

/// An answer a driver may lack: "not supported" reads as none, as virsh reads it.
fn or_none<T: Default>(r: crate::error::Result<T>) -> Result<T, CmdError> {
    match r {
        Err(e) if e.code == ErrorCode::NoSupport => Ok(T::default()),
        other => Ok(other?),
    }
}

impl Run for Undefine {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        if self.delete_storage_volume_snapshots && !self.remove_all_storage {
            return Err(CmdError::message(
                "Option --remove-all-storage is required by option --delete-storage-volume-snapshots",
            ));
        }
        exclusive(&[
            (self.nvram, "nvram", self.keep_nvram, "keep-nvram"),
            (self.tpm, "tpm", self.keep_tpm, "keep-tpm"),
        ])?;
        // Read quietly, as virsh reads it: an empty list is no list.
        let storage = self.storage.as_deref().filter(|s| !s.is_empty());
        if self.wipe_storage && storage.is_none() && !self.remove_all_storage {
            return Err(CmdError::message(
                "'--wipe-storage' requires '--storage <string>' or '--remove-all-storage'",
            ));
        }
        type U = UndefineFlags;
        let mut flags = U::from_options([
            (self.managed_save, U::MANAGED_SAVE),
            (self.snapshots_metadata, U::SNAPSHOTS_METADATA),
            (self.checkpoints_metadata, U::CHECKPOINTS_METADATA),
            (self.nvram, U::NVRAM),
            (self.keep_nvram, U::KEEP_NVRAM),
            (self.tpm, U::TPM),
            (self.keep_tpm, U::KEEP_TPM),
        ]);
        let arg = &self.target.domain;
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, arg, By::ANY)?;
        let domains = conn.domains();
        // As virsh: flags for what does not exist are dropped (an older server may not know
        // them), and what exists decides whether the flags word is safe to send at all.
        let running = domains.domain_is_active(&dom)?;
        let has_managed_save = !running && or_none(domains.domain_has_managed_save(&dom))?;
        let snapshots = match running {
            true => 0,
            false => or_none(conn.snapshots().snapshot_count(&dom, Default::default()))?,
        };
        if !has_managed_save {
            flags = flags & !U::MANAGED_SAVE;
        }
        if snapshots == 0 {
            flags = flags & !U::SNAPSHOTS_METADATA;
        }
        // A server that counts snapshot metadata knows the whole flags word.
        let safe = self.managed_save || !has_managed_save || snapshots > 0;

        let doomed = match (storage, self.remove_all_storage) {
            (None, false) => Vec::new(),
            _ if running => {
                return Err(CmdError::message(
                    "Storage volume deletion is supported only on stopped domains",
                ))
            }
            (Some(_), true) => {
                return Err(CmdError::message(
                    "Specified both --storage and --remove-all-storage",
                ))
            }
            (wanted, _) => doomed_volumes(s, &conn, &dom, wanted)?,
        };

        let tried = match safe || self.nvram {
            false => None,
            true => match domains.undefine_domain(&dom, flags) {
                // Flags the driver does not take: piece by piece, as virsh (not for --nvram,
                // which has no other way).
                Err(e)
                    if !self.nvram
                        && matches!(e.code, ErrorCode::NoSupport | ErrorCode::InvalidArg) =>
                {
                    None
                }
                other => Some(other),
            },
        };
        let undefined = match tried {
            Some(result) => result,
            None => {
                if has_managed_save {
                    if !self.managed_save {
                        return Err(CmdError::message(
                            "Refusing to undefine while domain managed save image exists",
                        ));
                    }
                    domains.managed_save_remove(&dom)?;
                }
                if snapshots > 0 {
                    return Err(CmdError::message(match self.snapshots_metadata {
                        true => format!("Unable to remove metadata of {snapshots} snapshots"),
                        false => format!("Refusing to undefine while {snapshots} snapshots exist"),
                    }));
                }
                domains.undefine_domain(&dom, U::default())
            }
        };
        undefined.map_err(|e| CmdError::failed(format!("Failed to undefine domain '{arg}'"), e))?;
        let mut report = Report::new(s, format!("Domain '{arg}' has been undefined"));
        let vol_flags = VolDeleteFlags::from_options([(
            self.delete_storage_volume_snapshots,
            VolDeleteFlags::WITH_SNAPSHOTS,
        )]);
        for d in doomed {
            report.remove(&conn, d, self.wipe_storage, vol_flags);
        }
        report.finish()
    }
}

/// A disk's volume that goes with the domain.
struct Doomed {
    target: String,
    source: String,
    vol: VolRef,
}

/// The first value in document order of the attributes `names` of the children `child` of
/// `disk`, as XPath's `string(./child/@a|./child/@b)` gives it; an empty one is none, as
/// libvirt's `virXPathString` reads it.
fn first_attr(disk: &Element, child: &str, names: &[&str]) -> Option<String> {
    disk.children_named(child)
        .flat_map(|c| c.attrs.iter())
        .find(|a| names.contains(&a.name.as_str()))
        .map(|a| a.value.clone())
        .filter(|v| !v.is_empty())
}

/// The volumes of the domain's disks that go with it, in the order of its XML: the disks
/// `wanted` (`--storage`) names by target or source, each name used once, else every disk with
/// a source. A disk whose volume libvirt does not know is said and passed over; a name no
/// disk has fails the command before anything is undefined.
fn doomed_volumes(
    s: &mut Session,
    conn: &Connection,
    dom: &DomainRef,
    wanted: Option<&str>,
) -> Result<Vec<Doomed>, CmdError> {
    let xml = conn.domains().domain_xml(dom, XmlFlags::default())?;
    let root = dom::parse(&xml).map_err(|e| Error::from(crate::model::ModelError::Malformed(e)))?;
    let mut names: Option<Vec<Option<String>>> = wanted.map(|w| {
        split_commas(w.as_bytes())
            .into_iter()
            .map(|n| Some(String::from_utf8_lossy(&n).into_owned()))
            .collect()
    });
    let mut say = |text: String| s.out.error(&CmdError::message(text).failure());
    let storage = conn.storage();
    let mut doomed = Vec::new();
    let disks = root
        .children_named("devices")
        .flat_map(|d| d.children_named("disk"));
    for disk in disks {
        // No target: virsh fails with nothing to say (no libvirt error is pending).
        let target = first_attr(disk, "target", &["dev"]).ok_or(CmdError::Silent)?;
        let sources = ["file", "dir", "name", "dev", "volume"];
        let Some(source) = first_attr(disk, "source", &sources) else {
            continue;
        };
        if let Some(names) = names.as_mut() {
            let named = |n: &&mut Option<String>| {
                n.as_deref() == Some(target.as_str()) || n.as_deref() == Some(source.as_str())
            };
            match names.iter_mut().find(named) {
                Some(name) => *name = None,
                None => continue,
            }
        }
        let vol = match first_attr(disk, "source", &["pool"]) {
            None => storage.vol_by_path(&source),
            Some(pool) => match storage.pool_by_name(&pool) {
                Ok(p) => storage.vol_by_name(&p, &source),
                Err(_) => {
                    say(format!(
                        "Storage pool '{pool}' for volume '{target}' not found."
                    ));
                    continue;
                }
            },
        };
        match vol {
            Ok(vol) => doomed.push(Doomed {
                target,
                source,
                vol,
            }),
            Err(_) => say(format!(
                "Storage volume '{target}'({source}) is not managed by libvirt. Remove it manually."
            )),
        }
    }
    let unknown: Vec<String> = names.into_iter().flatten().flatten().collect();
    for name in &unknown {
        say(format!(
            "Volume '{name}' was not found in domain's definition."
        ));
    }
    match unknown.is_empty() {
        true => Ok(doomed),
        false => Err(CmdError::Silent),
    }
}

/// What became of one volume (JSON).
#[derive(Debug, Serialize)]
struct VolumeGone {
    target: String,
    source: String,
    /// With `--wipe-storage`: whether the wipe worked (a volume that was not wiped stays).
    #[serde(skip_serializing_if = "Option::is_none")]
    wiped: Option<bool>,
    removed: bool,
}

/// What undefine says: its line, then one per volume.
#[derive(Debug, Serialize)]
struct Undefined {
    message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    volumes: Vec<VolumeGone>,
    /// virsh's text of it all, as it was said.
    #[serde(skip)]
    said: String,
}

/// virsh's lines as they happen (a wipe's line before the wipe, errors on stderr among
/// them), or under `--json` one object at the end; the last error of a volume fails the
/// command, as virsh reports it last.
struct Report<'a> {
    s: &'a mut Session,
    done: Undefined,
    last_error: Option<Error>,
}

impl Report<'_> {
    fn new(s: &mut Session, message: String) -> Report<'_> {
        let mut report = Report {
            s,
            done: Undefined {
                message,
                volumes: Vec::new(),
                said: String::new(),
            },
            last_error: None,
        };
        let line = format!("{}\n", report.done.message);
        report.say(&line);
        report
    }

    fn say(&mut self, text: &str) {
        self.done.said.push_str(text);
        if !self.s.out.is_json() && !self.s.opts.quiet {
            self.s.out.print(text);
            self.s.out.flush();
        }
    }

    fn fail(&mut self, text: String, e: Error) {
        self.s.out.error(&CmdError::message(text).failure());
        self.last_error = Some(e);
    }

    /// Wipes (when asked) and deletes one volume; a volume whose wipe failed stays.
    fn remove(&mut self, conn: &Connection, d: Doomed, wipe: bool, flags: VolDeleteFlags) {
        let (target, source) = (&d.target, &d.source);
        let mut gone = VolumeGone {
            target: target.clone(),
            source: source.clone(),
            wiped: None,
            removed: false,
        };
        let storage = conn.storage();
        if wipe {
            self.say(&format!("Wiping volume '{target}'({source}) ... "));
            let wiped = storage.wipe_volume(&d.vol, 0, &|_, _| {});
            gone.wiped = Some(wiped.is_ok());
            match wiped {
                Ok(()) => self.say("Done.\n"),
                Err(e) => {
                    self.fail("Failed! Volume not removed.".into(), e);
                    self.done.volumes.push(gone);
                    return;
                }
            }
        }
        match storage.delete_volume(&d.vol, flags) {
            Ok(()) => {
                gone.removed = true;
                self.say(&format!("Volume '{target}'({source}) removed.\n"));
            }
            Err(e) => self.fail(
                format!("Failed to remove storage volume '{target}'({source})"),
                e,
            ),
        }
        self.done.volumes.push(gone);
    }

    fn finish(self) -> Result<Outcome, CmdError> {
        let json = self.s.out.is_json();
        match (self.last_error, json) {
            (None, false) => Ok(Outcome::Nothing),
            (None, true) => Ok(Outcome::data(self.done)),
            (Some(e), false) => Err(CmdError::Driver(e)),
            (Some(e), true) => Err(CmdError::after_output(
                format!("{}\n", View::json(&self.done)).into_bytes(),
                Some(CmdError::Driver(e)),
            )),
        }
    }
}

impl TextView for Undefined {
    fn text(&self, quiet: bool) -> String {
        match quiet {
            true => String::new(),
            false => self.said.clone(),
        }
    }
}
