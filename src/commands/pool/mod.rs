//! Storage pools: one file per command (the `Pool` group of the registry).

mod pool_autostart;
mod pool_build;
mod pool_create;
mod pool_create_as;
mod pool_define;
mod pool_define_as;
mod pool_delete;
mod pool_destroy;
mod pool_dumpxml;
mod pool_edit;
mod pool_event;
mod pool_info;
mod pool_list;
mod pool_name;
mod pool_refresh;
mod pool_start;
mod pool_undefine;
mod pool_uuid;
