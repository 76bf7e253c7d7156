//! `undefine`: remove a domain's persistent definition.

use virtsh_commands::domain::Undefine;

use crate::commands::prelude::*;

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
        refuse(self.storage.is_some(), "storage")?;
        refuse(self.remove_all_storage, "remove-all-storage")?;
        refuse(self.wipe_storage, "wipe-storage")?;
        type F = UndefineFlags;
        let mut flags = F::from_options([
            (self.managed_save, F::MANAGED_SAVE),
            (self.snapshots_metadata, F::SNAPSHOTS_METADATA),
            (self.checkpoints_metadata, F::CHECKPOINTS_METADATA),
            (self.nvram, F::NVRAM),
            (self.keep_nvram, F::KEEP_NVRAM),
            (self.tpm, F::TPM),
            (self.keep_tpm, F::KEEP_TPM),
        ]);
        let arg = &self.target.domain;
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, arg, By::ANY)?;
        let failed = |e| CmdError::failed(format!("Failed to undefine domain '{arg}'"), e);
        let domains = conn.domains();
        // What undefining would strand: only an inactive domain has a managed save, and
        // only an inactive one's snapshots stop it (virsh's cmdUndefine).
        let running = domains.domain_state(&dom)?.is_active();
        let (mut managed_save, mut snapshots) = (false, 0);
        if !running {
            managed_save = or_none(domains.domain_has_managed_save(&dom))?;
            snapshots = or_none(conn.snapshots().snapshot_count(&dom, Default::default()))?;
        }
        if !managed_save {
            flags = flags & !F::MANAGED_SAVE;
        }
        if snapshots == 0 {
            flags = flags & !F::SNAPSHOTS_METADATA;
        }
        let done = domains.undefine_domain(&dom, flags);
        // A driver that refuses a flag gets virsh's piecewise undefine instead (only
        // `--nvram` cannot be done that way).
        let done = match done {
            Err(e)
                if !self.nvram
                    && matches!(e.code, ErrorCode::NoSupport | ErrorCode::InvalidArg) =>
            {
                piecewise(managed_save, snapshots, self)
                    .and_then(|()| domains.undefine_domain(&dom, F::default()).map_err(failed))
            }
            other => other.map_err(failed),
        };
        done?;
        message(format!("Domain '{arg}' has been undefined"))
    }
}

/// What virsh does before a plain undefine: a managed save must be asked away, and
/// snapshot metadata cannot be removed this way.
fn piecewise(managed_save: bool, snapshots: u32, req: &Undefine) -> Result<(), CmdError> {
    if managed_save {
        if !req.managed_save {
            return Err(CmdError::message(
                "Refusing to undefine while domain managed save image exists",
            ));
        }
        // The driver API has no managed save removal yet: said, not skipped.
        return Err(CmdError::Driver(crate::error::Error::no_support(
            "virDomainManagedSaveRemove",
        )));
    }
    if snapshots > 0 {
        return Err(CmdError::message(match req.snapshots_metadata {
            true => format!("Unable to remove metadata of {snapshots} snapshots"),
            false => format!("Refusing to undefine while {snapshots} snapshots exist"),
        }));
    }
    Ok(())
}
