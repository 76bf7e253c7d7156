//! Snapshots: one file per command (the `Snapshot` group of the registry).

mod snapshot_create;
mod snapshot_create_as;
mod snapshot_current;
mod snapshot_delete;
mod snapshot_dumpxml;
mod snapshot_edit;
mod snapshot_info;
mod snapshot_list;
mod snapshot_parent;
mod snapshot_revert;
