//! The client half of libvirt's RPC: calls matched to replies by serial (several may be in
//! flight), a reader thread that answers keepalive PINGs, sends its own when the line is
//! quiet, and turns a peer that goes away or talks nonsense into an error for every waiting
//! call, never a hang or a panic.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::message::*;
use super::xdr::{from_bytes, to_bytes, Xdr};
use super::RpcError;
use crate::deadline::Deadline;

type Writer = Arc<Mutex<Box<dyn Write + Send>>>;

/// Why a connection the keepalive gave up on is gone.
const KEEPALIVE_TIMEOUT: &str = "keepalive timeout";

/// State shared with the reader thread.
pub(super) struct Shared {
    /// Where replies (and stream packets) for each serial go.
    pub(super) pending: Mutex<HashMap<u32, Sender<Message>>>,
    /// Why the connection is gone, once it is.
    dead: Mutex<Option<String>>,
    /// When anything last arrived (for keepalive).
    last_seen: Mutex<Instant>,
    /// Keepalive PINGs sent since anything last arrived.
    unanswered: AtomicU32,
    /// Where event messages go, while someone listens.
    events: Mutex<Option<Sender<Message>>>,
}

pub struct Client {
    writer: Writer,
    pub(super) shared: Arc<Shared>,
    serial: AtomicU32,
    uri: String,
    /// Closes the transport (so the reader thread ends).
    closer: Box<dyn Fn() + Send + Sync>,
}

/// A call sent, its reply not yet read.
pub struct Pending<'a> {
    client: &'a Client,
    pub(super) serial: u32,
    /// Taken when a download keeps receiving on it.
    pub(super) replies: Option<Receiver<Message>>,
}

pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// An error reply's payload: the daemon's error number and message text.
pub fn remote_error(body: &[u8]) -> RpcError {
    match from_bytes::<WireError>(body) {
        Ok(e) => RpcError::Remote {
            code: e.code,
            message: e.message.unwrap_or_else(|| "unknown error".into()),
        },
        Err(x) => RpcError::Protocol(format!("malformed error reply from the daemon: {x}")),
    }
}

impl Client {
    /// Starts a client on a transport's two halves; `closer` shuts the transport down.
    pub fn new(
        mut reader: Box<dyn Read + Send>,
        writer: Box<dyn Write + Send>,
        closer: Box<dyn Fn() + Send + Sync>,
        uri: &str,
    ) -> Client {
        let writer: Writer = Arc::new(Mutex::new(writer));
        let shared = Arc::new(Shared {
            pending: Mutex::new(HashMap::new()),
            dead: Mutex::new(None),
            last_seen: Mutex::new(Instant::now()),
            unanswered: AtomicU32::new(0),
            events: Mutex::new(None),
        });
        let (w, s) = (writer.clone(), shared.clone());
        std::thread::spawn(move || {
            let why = loop {
                let msg = match Message::read_from(&mut *reader) {
                    Ok(m) => m,
                    Err(FrameError::Eof) => break "end of file".to_string(),
                    Err(FrameError::Io(e)) => {
                        break format!("I/O error: {}", crate::sys::strerror(&e))
                    }
                    Err(e) => break format!("a malformed message: {e}"),
                };
                *lock(&s.last_seen) = Instant::now();
                s.unanswered.store(0, Ordering::SeqCst);
                let h = msg.header;
                if h.prog == KEEPALIVE_PROGRAM {
                    if h.proc_ == KEEPALIVE_PING {
                        let pong = keepalive(KEEPALIVE_PONG);
                        if pong.write_to(&mut **lock(&w)).is_err() {
                            break "I/O error".to_string();
                        }
                    }
                    continue;
                }
                if h.prog != REMOTE_PROGRAM {
                    break format!("a message of unknown program {:#x}", h.prog);
                }
                match h.kind {
                    MsgType::Reply
                    | MsgType::Stream
                    | MsgType::StreamHole
                    | MsgType::ReplyWithFds => {
                        let target = lock(&s.pending).get(&h.serial).cloned();
                        match target {
                            Some(tx) => {
                                let _ = tx.send(msg);
                            }
                            None => break format!("a reply with unknown serial {}", h.serial),
                        }
                    }
                    // Events go to the listener, if any; none is dropped while one listens.
                    MsgType::Message => {
                        if let Some(tx) = lock(&s.events).as_ref() {
                            let _ = tx.send(msg);
                        }
                    }
                    other => break format!("an unexpected {other:?} message"),
                }
            };
            // A reason given first (a keepalive timeout that closed the line) stays.
            lock(&s.dead).get_or_insert(why);
            lock(&s.events).take();
            // Dropping the senders wakes every waiting call.
            lock(&s.pending).clear();
        });
        Client {
            writer,
            shared,
            serial: AtomicU32::new(1),
            uri: uri.to_string(),
            closer,
        }
    }

    /// The event messages the daemon sends from now on (one listener at a time). The channel
    /// ends when the connection does.
    pub fn events(&self) -> std::sync::mpsc::Receiver<Message> {
        let (tx, rx) = std::sync::mpsc::channel();
        *lock(&self.shared.events) = Some(tx);
        if lock(&self.shared.dead).is_some() {
            *lock(&self.shared.events) = None;
        }
        rx
    }

    /// The error every call gets once the connection is gone.
    pub fn disconnected(&self) -> RpcError {
        let why = lock(&self.shared.dead)
            .clone()
            .unwrap_or_else(|| "end of file".into());
        if why == KEEPALIVE_TIMEOUT {
            return RpcError::KeepaliveTimeout;
        }
        RpcError::Disconnected {
            uri: self.uri.clone(),
            why,
        }
    }

    pub fn is_alive(&self) -> bool {
        lock(&self.shared.dead).is_none()
    }

    /// Once the connection is gone, virsh's words for it (`Disconnected from URI due to
    /// end of file`).
    pub fn lost(&self) -> Option<String> {
        let why = lock(&self.shared.dead).clone()?;
        // virsh names the reason only (`I/O error`), not the socket's error.
        let reason = why.split(": ").next().unwrap_or_default();
        Some(format!("Disconnected from {} due to {reason}", self.uri))
    }

    /// Sends a call; its reply is read with [`Pending::wait`]. Calls may be pipelined.
    pub fn start<A: Xdr>(&self, proc_: i32, args: &A) -> Result<Pending<'_>, RpcError> {
        self.send_kind(proc_, MsgType::Call, MsgStatus::Ok, None, to_bytes(args))
    }

    pub(super) fn send_kind(
        &self,
        proc_: i32,
        kind: MsgType,
        status: MsgStatus,
        serial: Option<u32>,
        body: Vec<u8>,
    ) -> Result<Pending<'_>, RpcError> {
        if !self.is_alive() {
            return Err(self.disconnected());
        }
        let serial = serial.unwrap_or_else(|| self.serial.fetch_add(1, Ordering::Relaxed));
        // Only a call waits for replies; stream packets belong to their call's queue.
        let replies = (kind == MsgType::Call).then(|| {
            let (tx, rx) = channel();
            lock(&self.shared.pending).insert(serial, tx);
            rx
        });
        let header = Header {
            prog: REMOTE_PROGRAM,
            vers: REMOTE_VERSION,
            proc_,
            kind,
            serial,
            status,
        };
        let sent = Message::new(header, body).write_to(&mut **lock(&self.writer));
        if sent.is_err() {
            if replies.is_some() {
                lock(&self.shared.pending).remove(&serial);
            }
            return Err(self.disconnected());
        }
        Ok(Pending {
            client: self,
            serial,
            replies,
        })
    }

    /// One call, waited for.
    pub fn call<A: Xdr, R: Xdr>(&self, proc_: i32, args: &A) -> Result<R, RpcError> {
        self.start(proc_, args)?.wait()
    }

    /// One call, waited for no later than `deadline` (the handshake: a daemon that accepts and
    /// never answers must not hang the client); the connection is closed when it passes.
    pub fn call_before<A: Xdr, R: Xdr>(
        &self,
        proc_: i32,
        args: &A,
        deadline: &Deadline,
    ) -> Result<R, RpcError> {
        self.start(proc_, args)?.wait_within(Some(deadline))
    }

    /// Sends a PING when nothing arrived for `interval`; gives up when `count` of them went
    /// unanswered for another interval. As in libvirt's keepalive, whatever arrives (a PONG
    /// too) answers them all: a quiet line to a live peer, such as an event loop's, stays up.
    pub fn keepalive_thread(self: &Arc<Client>, interval: Duration, count: u32) {
        let client = Arc::downgrade(self);
        std::thread::spawn(move || loop {
            std::thread::sleep(interval);
            let Some(c) = client.upgrade() else { return };
            if !c.is_alive() {
                return;
            }
            if lock(&c.shared.last_seen).elapsed() < interval {
                continue;
            }
            if c.shared.unanswered.fetch_add(1, Ordering::SeqCst) >= count {
                *lock(&c.shared.dead) = Some(KEEPALIVE_TIMEOUT.into());
                (c.closer)();
                return;
            }
            let _ = keepalive(KEEPALIVE_PING).write_to(&mut **lock(&c.writer));
        });
    }

    /// Sends stream data for call `serial` (upload).
    pub fn stream_send(&self, proc_: i32, serial: u32, data: Vec<u8>) -> Result<(), RpcError> {
        self.send_kind(
            proc_,
            MsgType::Stream,
            MsgStatus::Continue,
            Some(serial),
            data,
        )
        .map(drop)
    }

    /// Ends the client's side of stream `serial` (an empty packet with status OK).
    pub fn stream_finish(&self, proc_: i32, serial: u32) -> Result<(), RpcError> {
        self.send_kind(
            proc_,
            MsgType::Stream,
            MsgStatus::Ok,
            Some(serial),
            Vec::new(),
        )
        .map(drop)
    }

    /// Opens a two-way stream (a console): the call, its reply, then the receiver of what
    /// the daemon sends on it. [`Client::forget`] ends its routing.
    pub fn open_stream<A: Xdr>(
        &self,
        proc_: i32,
        args: &A,
    ) -> Result<(u32, Receiver<Message>), RpcError> {
        let mut pending = self.start(proc_, args)?;
        let serial = pending.serial;
        let rx = pending.replies.take().expect("a new call has its receiver");
        drop(pending);
        let reply = rx.recv().map_err(|_| self.disconnected())?;
        if reply.header.status == MsgStatus::Error {
            self.forget(serial);
            return Err(remote_error(&reply.body));
        }
        Ok((serial, rx))
    }

    /// Stops routing replies of call `serial` (its stream ended).
    pub fn forget(&self, serial: u32) {
        lock(&self.shared.pending).remove(&serial);
    }

    /// Closes the connection.
    pub fn close(&self) {
        (self.closer)();
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        (self.closer)();
    }
}

fn keepalive(proc_: i32) -> Message {
    Message::new(
        Header {
            prog: KEEPALIVE_PROGRAM,
            vers: KEEPALIVE_VERSION,
            proc_,
            kind: MsgType::Message,
            serial: 0,
            status: MsgStatus::Ok,
        },
        Vec::new(),
    )
}

impl Pending<'_> {
    /// The next message for this call (its reply, or a stream packet).
    pub fn next(&self) -> Result<Message, RpcError> {
        self.receive(None)
    }

    /// The next message, waited for no later than `deadline` when there is one.
    fn receive(&self, deadline: Option<&Deadline>) -> Result<Message, RpcError> {
        let rx = self
            .replies
            .as_ref()
            .expect("a pending call keeps its receiver");
        let Some(deadline) = deadline else {
            return rx.recv().map_err(|_| self.client.disconnected());
        };
        rx.recv_timeout(deadline.left()).map_err(|e| match e {
            std::sync::mpsc::RecvTimeoutError::Timeout => {
                self.client.close();
                RpcError::Timeout(deadline.limit().as_secs())
            }
            std::sync::mpsc::RecvTimeoutError::Disconnected => self.client.disconnected(),
        })
    }

    pub fn serial(&self) -> u32 {
        self.serial
    }

    /// The reply, decoded.
    pub fn wait<R: Xdr>(self) -> Result<R, RpcError> {
        self.wait_within(None)
    }

    fn wait_within<R: Xdr>(self, deadline: Option<&Deadline>) -> Result<R, RpcError> {
        let reply = self.reply_within(deadline)?;
        from_bytes(&reply.body)
            .map_err(|e| RpcError::Protocol(format!("malformed reply from the daemon: {e}")))
    }

    /// Waits for the reply itself, keeping stream packets that came first for later.
    pub fn reply(&self) -> Result<Message, RpcError> {
        self.reply_within(None)
    }

    /// The reply, decoded; while it has not come, `tick` runs every `every` (virsh's job
    /// watch asks the daemon how far the job is meanwhile, on the same connection).
    pub fn wait_ticking<R: Xdr>(
        self,
        every: Duration,
        tick: &mut dyn FnMut(),
    ) -> Result<R, RpcError> {
        let rx = self
            .replies
            .as_ref()
            .expect("a pending call keeps its receiver");
        let reply = loop {
            match rx.recv_timeout(every) {
                Ok(m) => break Self::as_reply(m)?,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => tick(),
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(self.client.disconnected())
                }
            }
        };
        from_bytes(&reply.body)
            .map_err(|e| RpcError::Protocol(format!("malformed reply from the daemon: {e}")))
    }

    fn reply_within(&self, deadline: Option<&Deadline>) -> Result<Message, RpcError> {
        Self::as_reply(self.receive(deadline)?)
    }

    /// A message that must be the call's reply: its error, or the reply itself.
    fn as_reply(m: Message) -> Result<Message, RpcError> {
        match (m.header.kind, m.header.status) {
            (MsgType::Reply, MsgStatus::Ok) => Ok(m),
            (_, MsgStatus::Error) => Err(remote_error(&m.body)),
            _ => Err(RpcError::Protocol(
                "stream data arrived before the reply".into(),
            )),
        }
    }
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        if self.replies.is_some() {
            lock(&self.client.shared.pending).remove(&self.serial);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixStream;

    /// A fake daemon on the other end of a socket pair, answering with whatever bytes the test
    /// gives for each call it reads; with `once`, it hangs up after its first answer.
    fn fake_with(respond: impl Fn(Message) -> Vec<u8> + Send + 'static, once: bool) -> Client {
        let (ours, theirs) = UnixStream::pair().unwrap();
        std::thread::spawn(move || {
            let mut r = theirs.try_clone().unwrap();
            let mut w = theirs;
            while let Ok(m) = Message::read_from(&mut r) {
                if w.write_all(&respond(m)).is_err() || once {
                    let _ = w.shutdown(std::net::Shutdown::Both);
                    return;
                }
            }
        });
        let closer = ours.try_clone().unwrap();
        Client::new(
            Box::new(ours.try_clone().unwrap()),
            Box::new(ours),
            Box::new(move || {
                let _ = closer.shutdown(std::net::Shutdown::Both);
            }),
            "test+unix:///default",
        )
    }

    fn fake(respond: impl Fn(Message) -> Vec<u8> + Send + 'static) -> Client {
        fake_with(respond, false)
    }

    /// What a fake daemon answers to a call.
    type Responder = Box<dyn Fn(Message) -> Vec<u8> + Send>;

    fn reply(call: &Message, status: MsgStatus, body: Vec<u8>) -> Vec<u8> {
        let h = Header {
            kind: MsgType::Reply,
            status,
            ..call.header
        };
        Message::new(h, body).to_bytes()
    }

    #[test]
    fn replies_are_matched_by_serial() {
        let client = fake(|m| {
            let value = m.header.proc_ * 10;
            reply(&m, MsgStatus::Ok, to_bytes(&value))
        });
        let a = client.start(1, &()).unwrap();
        let b = client.start(2, &()).unwrap();
        assert_eq!(b.wait::<i32>().unwrap(), 20);
        assert_eq!(a.wait::<i32>().unwrap(), 10);
    }

    #[test]
    fn a_slow_reply_is_waited_for_with_ticks_and_other_calls_meanwhile() {
        let client = fake(|m| {
            if m.header.proc_ == 1 {
                std::thread::sleep(Duration::from_millis(120));
            }
            reply(&m, MsgStatus::Ok, to_bytes(&(m.header.proc_ * 10)))
        });
        let slow = client.start(1, &()).unwrap();
        let mut ticks = Vec::new();
        let value: i32 = slow
            .wait_ticking(Duration::from_millis(20), &mut || {
                // The fake daemon answers in order: a call made meanwhile waits its turn,
                // and the slow reply that came first is kept for its own call.
                ticks.push(client.call::<(), i32>(2, &()).unwrap());
            })
            .unwrap();
        assert_eq!(value, 10);
        assert_eq!(ticks, [20]);
    }

    #[test]
    fn error_replies_keep_the_daemon_text() {
        let client = fake(|m| {
            let e = WireError {
                code: 42,
                message: Some("Domain not found: no domain with matching name 'x'".into()),
                ..Default::default()
            };
            reply(&m, MsgStatus::Error, to_bytes(&e))
        });
        let e = client.call::<(), ()>(23, &()).unwrap_err();
        assert!(matches!(e, RpcError::Remote { code: 42, .. }));
        assert_eq!(
            e.to_string(),
            "Domain not found: no domain with matching name 'x'"
        );
    }

    #[test]
    fn malformed_peers_close_the_connection_with_an_error() {
        let cases: Vec<(&str, Responder)> = vec![
            ("truncated frame", Box::new(|_| vec![0, 0, 0, 40, 0, 0])),
            (
                "length over the cap",
                Box::new(|_| vec![0x7f, 0xff, 0xff, 0xff]),
            ),
            (
                "unknown serial",
                Box::new(|m| {
                    let h = Header {
                        serial: 999,
                        kind: MsgType::Reply,
                        ..m.header
                    };
                    Message::new(h, vec![]).to_bytes()
                }),
            ),
            (
                "garbage XDR",
                Box::new(|m| reply(&m, MsgStatus::Ok, vec![0, 0, 0, 200, 1])),
            ),
        ];
        for (what, respond) in cases {
            let client = fake_with(respond, true);
            let e = client.call::<(), String>(3, &()).unwrap_err();
            assert!(
                e.to_string()
                    .starts_with("Disconnected from test+unix:///default due to")
                    || e.to_string().starts_with("malformed reply"),
                "{what}: {e}"
            );
        }
    }

    #[test]
    fn a_dead_daemon_is_an_error_not_a_hang() {
        let client = fake(|_| Vec::new());
        client.close();
        let e = client.call::<(), ()>(3, &()).unwrap_err();
        assert!(
            e.to_string()
                .contains("Disconnected from test+unix:///default due to"),
            "{e}"
        );
    }
}
