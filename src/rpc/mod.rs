//! libvirt's RPC protocol, spoken by virtsh itself (no libvirt library): XDR, the message
//! framing, the client, and the procedures virsh's commands use.

pub mod client;
pub mod message;
pub mod procs;
pub mod xdr;
