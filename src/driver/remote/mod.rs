//! The remote driver: libvirt's RPC protocol to a daemon (libvirtd, virtqemud, or virtshd), over
//! a unix socket (and, by the transports, ssh or a child process's stdio).

mod domains;
mod events;
mod jobs;
pub mod keeper;
mod known_hosts;
mod moments;
mod networks;
mod proxy;
mod relay;
mod ssh;
pub mod ssh_config;
mod storage;
mod tls;
pub mod transport;
mod user_shell;
pub mod warm;

use std::sync::Arc;
use std::time::Duration;

use uuid::Uuid;

use super::events::{EventEnd, EventWait};
use super::{
    ByteStream, CheckpointApi, DomainApi, Driver, HostApi, NetworkApi, SnapshotApi, StorageApi,
    VolumeSink,
};
use crate::deadline::Deadline;
use crate::error::{Error, ErrorCode, Result};
use crate::rpc::client::Client;
use crate::rpc::events::*;
use crate::rpc::procs::*;
use crate::rpc::RpcError;
use crate::types::stats::{StatsFlags, StatsGroups, StatsRecord, StatsTarget};
use crate::types::*;
use crate::uri::Uri;

pub struct RemoteDriver {
    client: Arc<Client>,
    uri: String,
    /// The host's security model does not change while connected: asked once, not per
    /// `dominfo`.
    security_model: std::sync::OnceLock<Option<SecurityModel>>,
}

/// A call's failure as libvirt reports it: the daemon's own error keeps its number and text;
/// a lost or garbled connection is an RPC error.
impl From<RpcError> for Error {
    fn from(e: RpcError) -> Error {
        match e {
            RpcError::Remote { code, message } => Error::new(ErrorCode::from_code(code), message),
            RpcError::KeepaliveTimeout => Error::internal(e),
            RpcError::Timeout(_) => Error::new(
                ErrorCode::OperationTimeout,
                format!("Timed out during operation: {e}"),
            ),
            other => Error::new(ErrorCode::Rpc, other.to_string()),
        }
    }
}

/// The first call's failure when the connection itself failed: libvirt's socket words, as
/// no close callback is there yet to say `Disconnected`.
fn handshake_error(e: RpcError) -> Error {
    match &e {
        RpcError::Disconnected { why, .. } if why == "end of file" => Error::new(
            ErrorCode::SystemError,
            "End of file while reading data: Input/output error",
        ),
        RpcError::Disconnected { why, .. } => match why.strip_prefix("I/O error: ") {
            Some(cause) => Error::new(ErrorCode::SystemError, format!("Cannot recv data: {cause}")),
            None => Error::from(e),
        },
        _ => Error::from(e),
    }
}

/// The keepalive settings (`-k`, `-K`); the default (interval 0) sends none.
#[derive(Debug, Clone, Copy, Default)]
pub struct Keepalive {
    pub interval: u32,
    pub count: u32,
}

fn dom(d: &DomainRef) -> WireDomain {
    WireDomain {
        name: d.name.clone(),
        uuid: d.uuid,
        id: d.id.map_or(-1, |i| i as i32),
    }
}

fn from_dom(d: WireDomain) -> DomainRef {
    DomainRef {
        name: d.name,
        uuid: d.uuid,
        id: (d.id >= 0).then_some(d.id as u32),
    }
}

fn pool(p: &PoolRef) -> WirePool {
    WirePool {
        name: p.name.clone(),
        uuid: p.uuid,
    }
}

fn from_pool(p: WirePool) -> PoolRef {
    PoolRef {
        name: p.name,
        uuid: p.uuid,
    }
}

fn vol(v: &VolRef) -> WireVol {
    WireVol {
        pool: v.pool.clone(),
        name: v.name.clone(),
        key: v.key.clone(),
    }
}

fn from_vol(v: WireVol) -> VolRef {
    VolRef {
        pool: v.pool,
        name: v.name,
        key: v.key,
    }
}

/// The URI the daemon should open: `name=`, or ours without transport, user, host, port and
/// the parameters only the client reads.
pub fn daemon_name(uri: &Uri) -> String {
    if let Some(n) = uri.param("name") {
        return n.to_string();
    }
    const CLIENT_ONLY: [&str; 15] = [
        "name",
        "command",
        "socket",
        "netcat",
        "keyfile",
        "no_verify",
        "no_tty",
        "known_hosts",
        "known_hosts_verify",
        "sshauth",
        "pkipath",
        "tls_priority",
        "warm",
        "mode",
        "proxy",
    ];
    let params: Vec<String> = uri
        .params
        .iter()
        .filter(|(k, _)| !CLIENT_ONLY.contains(&k.as_str()))
        .map(|(k, v)| {
            if v.is_empty() {
                k.clone()
            } else {
                format!("{k}={v}")
            }
        })
        .collect();
    let query = if params.is_empty() {
        String::new()
    } else {
        format!("?{}", params.join("&"))
    };
    format!("{}://{}{}", uri.driver, uri.path, query)
}

/// The longest `connect_timeout` taken: longer is as good as for ever, and every bound
/// derived from it (libssh2's, in `u32` milliseconds) holds this much.
const CONNECT_TIMEOUT_MAX: u64 = 30 * 24 * 3600;

/// The URI's `connect_timeout`, when it gives one (`0` is none): whole seconds, digits only,
/// capped at [`CONNECT_TIMEOUT_MAX`]; anything else is refused.
fn given_connect_timeout(uri: &Uri) -> Result<Option<Duration>> {
    let Some(value) = uri.param("connect_timeout") else {
        return Ok(None);
    };
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid_arg(format!(
            "invalid value '{value}' for the URI parameter connect_timeout: give the seconds a \
             connection may take to be made (0: the default)"
        )));
    }
    // Digits only: the one way to fail is a number too large, which the cap takes care of.
    let seconds = value.parse::<u64>().unwrap_or(u64::MAX);
    Ok((seconds > 0).then(|| Duration::from_secs(seconds.min(CONNECT_TIMEOUT_MAX))))
}

/// What bounds a connection's making (TCP, TLS or ssh handshake, the daemon's first answers):
/// the URI's `connect_timeout`, else 20 s (over ssh, `ConnectTimeout` may stand in for the
/// default: see `ssh::target`).
fn connect_limit(uri: &Uri) -> Result<Duration> {
    Ok(given_connect_timeout(uri)?.unwrap_or(Duration::from_secs(20)))
}

/// How opening a connection failed.
enum Opening {
    /// The connection was lost or went unanswered (`first`: at the first call).
    Lost { error: RpcError, first: bool },
    /// The daemon refused, or the transport's own error.
    Failed(Error),
}

impl Opening {
    /// A call's failure: the daemon's own error, else the connection's.
    fn of(first: bool) -> impl Fn(RpcError) -> Opening {
        move |error| match error {
            RpcError::Remote { .. } => Opening::Failed(error.into()),
            error => Opening::Lost { error, first },
        }
    }

    fn into_error(self) -> Error {
        match self {
            Opening::Lost { error, first: true } => handshake_error(error),
            Opening::Lost {
                error,
                first: false,
            } => error.into(),
            Opening::Failed(e) => e,
        }
    }
}

impl RemoteDriver {
    /// Connects, authenticates as libvirt's client does, and opens the daemon's connection,
    /// all of it within one `connect_timeout`.
    pub fn open(uri: &Uri, readonly: bool, keepalive: Keepalive) -> Result<RemoteDriver> {
        let mut deadline = Deadline::after(connect_limit(uri)?);
        let (client, reach) = transport::connect(uri, readonly, true, &mut deadline)?;
        match Self::handshake(client, uri, readonly, keepalive, &deadline) {
            // A warm channel lost before the connection is open (its keeper gone, say) left
            // nothing done on the daemon: a cold connection, verified anew, is made instead,
            // in what is left of the time. One that went unanswered used the time up.
            Err(Opening::Lost { error, .. })
                if reach == transport::Reach::Warm && !matches!(error, RpcError::Timeout(_)) =>
            {
                let (cold, _) = transport::connect(uri, readonly, false, &mut deadline)?;
                Self::handshake(cold, uri, readonly, keepalive, &deadline)
                    .map_err(Opening::into_error)
            }
            opened => opened.map_err(Opening::into_error),
        }
    }

    /// Authentication, keepalive and the daemon's connection over a new client, each answer
    /// awaited no later than `deadline`.
    fn handshake(
        client: Client,
        uri: &Uri,
        readonly: bool,
        keepalive: Keepalive,
        deadline: &Deadline,
    ) -> std::result::Result<RemoteDriver, Opening> {
        let client = Arc::new(client);
        let auth = client.call_before::<_, AuthListRet>(AUTH_LIST, &(), deadline);
        match auth.map_err(Opening::of(true)) {
            Ok(list) if !list.types.is_empty() && !list.types.contains(&0) => {
                if !list.types.contains(&2) {
                    return Err(Opening::Failed(Error::new(
                        ErrorCode::AuthFailed,
                        "authentication failed: the daemon asks for SASL, which virtsh does not speak",
                    )));
                }
                let done: IntRet = client
                    .call_before(AUTH_POLKIT, &(), deadline)
                    .map_err(Opening::of(false))?;
                if done.value == 0 {
                    return Err(Opening::Failed(Error::new(
                        ErrorCode::AuthFailed,
                        "authentication failed: polkit",
                    )));
                }
            }
            Ok(_) => {}
            Err(Opening::Failed(e)) if e.code == ErrorCode::NoSupport => {}
            Err(e) => return Err(e),
        }
        if keepalive.interval > 0 {
            let feature = FeatureArgs {
                feature: FEATURE_PROGRAM_KEEPALIVE,
            };
            let supported: IntRet = client
                .call_before(CONNECT_SUPPORTS_FEATURE, &feature, deadline)
                .map_err(Opening::of(false))?;
            if supported.value == 1 {
                client.keepalive_thread(
                    Duration::from_secs(keepalive.interval.into()),
                    keepalive.count,
                );
            }
        }
        let open = OpenArgs {
            name: Some(daemon_name(uri)),
            flags: u32::from(readonly),
        };
        client
            .call_before::<_, ()>(CONNECT_OPEN, &open, deadline)
            .map_err(Opening::of(false))?;
        Ok(RemoteDriver {
            client,
            uri: uri.to_string(),
            security_model: std::sync::OnceLock::new(),
        })
    }

    fn remember_security_model(&self, r: SecurityModelRet) -> &Option<SecurityModel> {
        self.security_model.get_or_init(|| {
            (!r.model.0.is_empty()).then_some(SecurityModel {
                model: r.model.0,
                doi: r.doi.0,
            })
        })
    }

    fn call<A: crate::rpc::xdr::Xdr, R: crate::rpc::xdr::Xdr>(
        &self,
        proc_: i32,
        args: &A,
    ) -> Result<R> {
        Ok(self.client.call(proc_, args)?)
    }

    fn void<A: crate::rpc::xdr::Xdr>(&self, proc_: i32, args: &A) -> Result<()> {
        Ok(self.client.call::<A, ()>(proc_, args)?)
    }

    fn string<A: crate::rpc::xdr::Xdr>(&self, proc_: i32, args: &A) -> Result<String> {
        self.call::<A, StringRet>(proc_, args).map(|r| r.value)
    }

    fn flag<A: crate::rpc::xdr::Xdr>(&self, proc_: i32, args: &A) -> Result<bool> {
        self.call::<A, IntRet>(proc_, args).map(|r| r.value != 0)
    }
}

impl Drop for RemoteDriver {
    fn drop(&mut self) {
        if self.client.is_alive() {
            let _ = self.client.call::<(), ()>(CONNECT_CLOSE, &());
        }
    }
}

impl Driver for RemoteDriver {
    fn supports_keepalive(&self) -> bool {
        true
    }
    fn is_remote(&self) -> bool {
        true
    }
    fn lost(&self) -> Option<String> {
        self.client.lost()
    }
}

impl HostApi for RemoteDriver {
    fn uri(&self) -> Result<String> {
        Ok(self.uri.clone())
    }
    fn hostname(&self) -> Result<String> {
        self.string(CONNECT_GET_HOSTNAME, &())
    }
    fn hv_type(&self) -> Result<String> {
        self.string(CONNECT_GET_TYPE, &())
    }
    fn hv_version(&self) -> Result<u64> {
        self.call::<(), HyperRet>(CONNECT_GET_VERSION, &())
            .map(|r| r.value)
    }
    fn node_info(&self) -> Result<NodeInfo> {
        let r: NodeInfoRet = self.call(NODE_GET_INFO, &())?;
        Ok(NodeInfo {
            model: r.model.0,
            memory_kib: r.memory,
            cpus: r.cpus as u32,
            mhz: r.mhz as u32,
            nodes: r.nodes as u32,
            sockets: r.sockets as u32,
            cores: r.cores as u32,
            threads: r.threads as u32,
        })
    }
    fn capabilities(&self) -> Result<String> {
        self.string(CONNECT_GET_CAPABILITIES, &())
    }
    fn security_model(&self) -> Result<Option<SecurityModel>> {
        if let Some(m) = self.security_model.get() {
            return Ok(m.clone());
        }
        let r: SecurityModelRet = self.call(NODE_GET_SECURITY_MODEL, &())?;
        Ok(self.remember_security_model(r).clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_timeouts_are_whole_seconds_capped() {
        let given = |t: &str| {
            given_connect_timeout(
                &Uri::parse(&format!("qemu+ssh://h/system?connect_timeout={t}")).unwrap(),
            )
        };
        assert_eq!(given("7"), Ok(Some(Duration::from_secs(7))));
        assert_eq!(given("0"), Ok(None));
        let max = Some(Duration::from_secs(CONNECT_TIMEOUT_MAX));
        assert_eq!(given("18446744073709551615"), Ok(max));
        assert_eq!(given("99999999999999999999999999"), Ok(max));
        for bad in ["abc", "", "-1", "5s", "1.5", "0x10"] {
            let e = given(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidArg, "{bad}");
            assert!(
                e.message.starts_with(&format!(
                    "invalid argument: invalid value '{bad}' for the URI parameter connect_timeout"
                )),
                "{}",
                e.message
            );
        }
        assert_eq!(
            connect_limit(&Uri::parse("qemu+ssh://h/system").unwrap()),
            Ok(Duration::from_secs(20))
        );
    }

    #[test]
    fn daemon_names() {
        let name = |u: &str| daemon_name(&Uri::parse(u).unwrap());
        assert_eq!(name("test+unix:///default"), "test:///default");
        assert_eq!(
            name("qemu+ssh://root@host:22/system?keyfile=/k&no_verify=1"),
            "qemu:///system"
        );
        assert_eq!(
            name("qemu:///system?name=qemu:///session"),
            "qemu:///session"
        );
        assert_eq!(
            name("qemu+unix:///system?socket=/s&x=1"),
            "qemu:///system?x=1"
        );
    }
}
