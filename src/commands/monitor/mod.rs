//! Domain monitoring: one file per command (the `Monitor` group of the registry).

mod domcontrol;
mod domif_getlink;
mod domifaddr;
mod domiflist;
mod domifstat;
mod dominfo;
mod domstate;
mod domstats;
mod list;
