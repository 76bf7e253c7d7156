//! Host and hypervisor: one file per command (the `Host` group of the registry).

mod capabilities;
mod hostname;
mod nodeinfo;
mod uri;
mod version;
