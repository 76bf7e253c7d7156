//! libvirt's RPC protocol, spoken by virtsh itself (no libvirt library): XDR, the message
//! framing, the client, and the procedures virsh's commands use.

pub mod client;
pub mod events;
pub mod message;
pub mod procs;
pub mod stream;
pub mod xdr;

/// What can go wrong in a call; the remote driver turns it into libvirt's error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RpcError {
    /// The daemon's error reply: libvirt's error number and its message.
    #[error("{message}")]
    Remote { code: i32, message: String },
    /// The connection is gone.
    #[error("Disconnected from {uri} due to {why}")]
    Disconnected { uri: String, why: String },
    /// The peer stopped answering keepalive messages; the connection was closed.
    #[error("connection closed due to keepalive timeout")]
    KeepaliveTimeout,
    /// No answer within the time allowed (the handshake's).
    #[error("no answer from the daemon within {0} seconds (connect_timeout)")]
    Timeout(u64),
    /// The peer sent what the protocol does not allow.
    #[error("{0}")]
    Protocol(String),
}
