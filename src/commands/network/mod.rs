//! Networking: one file per command (the `Network` group of the registry).

mod net_autostart;
mod net_create;
mod net_define;
mod net_desc;
mod net_destroy;
mod net_dhcp_leases;
mod net_dumpxml;
mod net_edit;
mod net_event;
mod net_info;
mod net_list;
mod net_metadata;
mod net_name;
mod net_port_create;
mod net_port_delete;
mod net_port_dumpxml;
mod net_port_list;
mod net_start;
mod net_undefine;
mod net_update;
mod net_uuid;
