//! Running commands: one file per command, `GROUP/COMMAND.rs` (declared in the group's
//! `mod.rs`), implements [`Run`] for the command's request (defined in the `virtsh-commands`
//! crate): it looks up what it names, calls the driver, and builds its typed result with its
//! text and JSON. A test checks that the files, the modules and the registry
//! (`virtsh_commands::with_commands!`) name the same commands.

pub(crate) mod common;
mod edit;
mod error;
mod interfaces;
mod job;
mod listen;
pub(crate) mod lookup;
mod moments;
mod pool_as;
mod transfer;
pub mod warm;

pub use error::CmdError;

use virtsh_commands::Request;

use crate::render::Outcome;
use crate::session::Session;

/// What a command does.
pub trait Run {
    fn run(&self, session: &mut Session) -> Result<Outcome, CmdError>;
}

mod checkpoint;
mod domain;
mod events;
mod host;
mod monitor;
mod network;
mod pool;
mod snapshot;
mod virsh;
mod volume;

/// Runs a request: the [`Run`] of its command.
pub fn run(request: &Request, session: &mut Session) -> Result<Outcome, CmdError> {
    match request {
        Request::AttachInterface(r) => r.run(session),
        Request::Autostart(r) => r.run(session),
        Request::AutostartAll(r) => r.run(session),
        Request::Console(r) => r.run(session),
        Request::Create(r) => r.run(session),
        Request::Define(r) => r.run(session),
        Request::Desc(r) => r.run(session),
        Request::Destroy(r) => r.run(session),
        Request::DetachInterface(r) => r.run(session),
        Request::Domid(r) => r.run(session),
        Request::DomifSetlink(r) => r.run(session),
        Request::Domiftune(r) => r.run(session),
        Request::Domname(r) => r.run(session),
        Request::Domrename(r) => r.run(session),
        Request::Domuuid(r) => r.run(session),
        Request::Dompmsuspend(r) => r.run(session),
        Request::Dompmwakeup(r) => r.run(session),
        Request::Dump(r) => r.run(session),
        Request::Managedsave(r) => r.run(session),
        Request::ManagedsaveRemove(r) => r.run(session),
        Request::ManagedsaveEdit(r) => r.run(session),
        Request::ManagedsaveDumpxml(r) => r.run(session),
        Request::ManagedsaveDefine(r) => r.run(session),
        Request::Restore(r) => r.run(session),
        Request::Save(r) => r.run(session),
        Request::SaveImageDefine(r) => r.run(session),
        Request::SaveImageDumpxml(r) => r.run(session),
        Request::SaveImageEdit(r) => r.run(session),
        Request::Dumpxml(r) => r.run(session),
        Request::Edit(r) => r.run(session),
        Request::Reboot(r) => r.run(session),
        Request::Reset(r) => r.run(session),
        Request::Resume(r) => r.run(session),
        Request::Screenshot(r) => r.run(session),
        Request::Setmaxmem(r) => r.run(session),
        Request::Setmem(r) => r.run(session),
        Request::Setvcpus(r) => r.run(session),
        Request::Shutdown(r) => r.run(session),
        Request::Start(r) => r.run(session),
        Request::Suspend(r) => r.run(session),
        Request::Undefine(r) => r.run(session),
        Request::Domcontrol(r) => r.run(session),
        Request::DomifGetlink(r) => r.run(session),
        Request::Domifaddr(r) => r.run(session),
        Request::Domiflist(r) => r.run(session),
        Request::Domifstat(r) => r.run(session),
        Request::Dominfo(r) => r.run(session),
        Request::Domstate(r) => r.run(session),
        Request::Domstats(r) => r.run(session),
        Request::List(r) => r.run(session),
        Request::Event(r) => r.run(session),
        Request::Capabilities(r) => r.run(session),
        Request::Hostname(r) => r.run(session),
        Request::Nodeinfo(r) => r.run(session),
        Request::Uri(r) => r.run(session),
        Request::Version(r) => r.run(session),
        Request::CheckpointCreate(r) => r.run(session),
        Request::CheckpointCreateAs(r) => r.run(session),
        Request::CheckpointDelete(r) => r.run(session),
        Request::CheckpointDumpxml(r) => r.run(session),
        Request::CheckpointEdit(r) => r.run(session),
        Request::CheckpointInfo(r) => r.run(session),
        Request::CheckpointList(r) => r.run(session),
        Request::CheckpointParent(r) => r.run(session),
        Request::NetAutostart(r) => r.run(session),
        Request::NetCreate(r) => r.run(session),
        Request::NetDefine(r) => r.run(session),
        Request::NetDesc(r) => r.run(session),
        Request::NetDestroy(r) => r.run(session),
        Request::NetDhcpLeases(r) => r.run(session),
        Request::NetDumpxml(r) => r.run(session),
        Request::NetEdit(r) => r.run(session),
        Request::NetEvent(r) => r.run(session),
        Request::NetInfo(r) => r.run(session),
        Request::NetList(r) => r.run(session),
        Request::NetMetadata(r) => r.run(session),
        Request::NetName(r) => r.run(session),
        Request::NetStart(r) => r.run(session),
        Request::NetUndefine(r) => r.run(session),
        Request::NetUpdate(r) => r.run(session),
        Request::NetUuid(r) => r.run(session),
        Request::NetPortList(r) => r.run(session),
        Request::NetPortCreate(r) => r.run(session),
        Request::NetPortDumpxml(r) => r.run(session),
        Request::NetPortDelete(r) => r.run(session),
        Request::SnapshotCreate(r) => r.run(session),
        Request::SnapshotCreateAs(r) => r.run(session),
        Request::SnapshotCurrent(r) => r.run(session),
        Request::SnapshotDelete(r) => r.run(session),
        Request::SnapshotDumpxml(r) => r.run(session),
        Request::SnapshotEdit(r) => r.run(session),
        Request::SnapshotInfo(r) => r.run(session),
        Request::SnapshotList(r) => r.run(session),
        Request::SnapshotParent(r) => r.run(session),
        Request::SnapshotRevert(r) => r.run(session),
        Request::PoolAutostart(r) => r.run(session),
        Request::PoolBuild(r) => r.run(session),
        Request::PoolCreateAs(r) => r.run(session),
        Request::PoolCreate(r) => r.run(session),
        Request::PoolDefineAs(r) => r.run(session),
        Request::PoolDefine(r) => r.run(session),
        Request::PoolDelete(r) => r.run(session),
        Request::PoolDestroy(r) => r.run(session),
        Request::PoolDumpxml(r) => r.run(session),
        Request::PoolEdit(r) => r.run(session),
        Request::PoolInfo(r) => r.run(session),
        Request::PoolList(r) => r.run(session),
        Request::PoolName(r) => r.run(session),
        Request::PoolRefresh(r) => r.run(session),
        Request::PoolStart(r) => r.run(session),
        Request::PoolUndefine(r) => r.run(session),
        Request::PoolUuid(r) => r.run(session),
        Request::PoolEvent(r) => r.run(session),
        Request::VolClone(r) => r.run(session),
        Request::VolCreateAs(r) => r.run(session),
        Request::VolCreate(r) => r.run(session),
        Request::VolCreateFrom(r) => r.run(session),
        Request::VolDelete(r) => r.run(session),
        Request::VolDownload(r) => r.run(session),
        Request::VolDumpxml(r) => r.run(session),
        Request::VolInfo(r) => r.run(session),
        Request::VolKey(r) => r.run(session),
        Request::VolList(r) => r.run(session),
        Request::VolName(r) => r.run(session),
        Request::VolPath(r) => r.run(session),
        Request::VolResize(r) => r.run(session),
        Request::VolUpload(r) => r.run(session),
        Request::VolWipe(r) => r.run(session),
        Request::Cd(r) => r.run(session),
        Request::Echo(r) => r.run(session),
        Request::Exit(r) => r.run(session),
        Request::Help(r) => r.run(session),
        Request::Pwd(r) => r.run(session),
        Request::Quit(r) => r.run(session),
        Request::Connect(r) => r.run(session),
        Request::Complete(r) => r.run(session),
    }
}

/// What a command's file needs in scope.
mod prelude {
    pub(crate) use virtsh_commands::Spec;

    pub(crate) use super::common::*;
    pub(crate) use super::lookup::{self, By};
    pub(crate) use super::{CmdError, Run};
    pub(crate) use crate::error::{Error, ErrorCode};
    pub(crate) use crate::render::table::Table;
    pub(crate) use crate::render::{
        field, persistence, size, yes_no, Line, Listing, NamedText, Outcome, TextView, View,
    };
    pub(crate) use crate::session::Session;
    pub(crate) use crate::types::*;
}

#[cfg(test)]
mod tests {
    /// The registry's groups and files, as `(module, [file])`.
    macro_rules! files_of {
        ($($group:ident $module:ident { $($ty:ident $file:ident,)* })*) => {
            vec![$((stringify!($module), vec![$(stringify!($file)),*])),*]
        };
    }

    /// Every command of the registry has its file, declared in its group's `mod.rs`, and
    /// every file there is a command of the registry.
    #[test]
    fn files_modules_and_registry_agree() {
        let registry: Vec<(&str, Vec<&str>)> = virtsh_commands::with_commands!(files_of);
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
        for (module, files) in registry {
            let mut wanted: Vec<String> = files.iter().map(|f| format!("{f}.rs")).collect();
            wanted.sort();
            let mut found: Vec<String> = std::fs::read_dir(dir.join(module))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n != "mod.rs")
                .collect();
            found.sort();
            assert_eq!(found, wanted, "src/commands/{module}/");
            let declared = std::fs::read_to_string(dir.join(module).join("mod.rs")).unwrap();
            let mut modules: Vec<String> = declared
                .lines()
                .filter_map(|l| l.strip_prefix("mod ")?.strip_suffix(';'))
                .map(|m| format!("{m}.rs"))
                .collect();
            modules.sort();
            assert_eq!(modules, wanted, "src/commands/{module}/mod.rs");
        }
    }
}
