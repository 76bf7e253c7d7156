//! Checkpoints: one file per command (the `Checkpoint` group of the registry).

mod checkpoint_create;
mod checkpoint_create_as;
mod checkpoint_delete;
mod checkpoint_dumpxml;
mod checkpoint_edit;
mod checkpoint_info;
mod checkpoint_list;
mod checkpoint_parent;
