//! Storage volumes: one file per command (the `Volume` group of the registry).

mod vol_clone;
mod vol_create;
mod vol_create_as;
mod vol_create_from;
mod vol_delete;
mod vol_download;
mod vol_dumpxml;
mod vol_info;
mod vol_key;
mod vol_list;
mod vol_name;
mod vol_path;
mod vol_resize;
mod vol_upload;
mod vol_wipe;
