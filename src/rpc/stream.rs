//! Streams of a call (`virStream`): a download's data (and a sparse stream's holes) read as
//! they arrive, an upload's data sent in packets (holes as hole messages when the stream is
//! sparse).

use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::time::Duration;

use super::client::{lock, remote_error, Client};
use super::message::*;
use super::xdr::Xdr;
use super::RpcError;

/// What a download stream carries: data, or a hole (of a sparse stream) read as zeros.
enum Piece {
    Data(Vec<u8>),
    Hole(u64),
}

impl Piece {
    fn of(m: Message) -> Piece {
        match m.header.kind {
            MsgType::StreamHole => Piece::Hole(
                crate::rpc::xdr::from_bytes::<crate::rpc::procs::StreamHole>(&m.body)
                    .map_or(0, |h| h.length.max(0) as u64),
            ),
            _ => Piece::Data(m.body),
        }
    }
}

/// The data a download stream brings, read as it arrives.
pub struct StreamReader {
    client: Arc<Client>,
    proc_: i32,
    serial: u32,
    replies: Receiver<Message>,
    /// Data packets (and holes) that came before the call's reply, then each packet's
    /// unread rest.
    buffered: std::collections::VecDeque<Piece>,
    done: bool,
}

impl Client {
    /// Starts a download stream (`proc_` with `args`): the reply, then the data packets.
    pub fn download<A: Xdr, R: Xdr>(
        self: &Arc<Client>,
        proc_: i32,
        args: &A,
    ) -> Result<(R, StreamReader), RpcError> {
        let mut pending = self.start(proc_, args)?;
        let serial = pending.serial;
        let rx = pending.replies.take().expect("a new call has its receiver");
        drop(pending);
        let mut buffered = std::collections::VecDeque::new();
        let reply = loop {
            let m = rx.recv().map_err(|_| self.disconnected())?;
            match (m.header.kind, m.header.status) {
                (MsgType::Stream | MsgType::StreamHole, MsgStatus::Continue) => {
                    buffered.push_back(Piece::of(m))
                }
                _ => break m,
            }
        };
        if reply.header.status == MsgStatus::Error {
            lock(&self.shared.pending).remove(&serial);
            return Err(remote_error(&reply.body));
        }
        let ret = crate::rpc::xdr::from_bytes(&reply.body)
            .map_err(|e| RpcError::Protocol(format!("a malformed reply: {e}")))?;
        let reader = StreamReader {
            client: self.clone(),
            proc_,
            serial,
            replies: rx,
            buffered,
            done: false,
        };
        Ok((ret, reader))
    }
}

/// Data sent to an upload stream, in packets of at most 256 KiB.
pub struct StreamWriter {
    client: Arc<Client>,
    proc_: i32,
    serial: u32,
    replies: Receiver<Message>,
    buf: Vec<u8>,
    position: u64,
    /// The daemon takes holes (VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM was asked).
    sparse: bool,
}

/// libvirt's limit for one stream packet's payload (`VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX`).
const STREAM_CHUNK: usize = 262_120;

impl Client {
    /// Starts an upload stream (`proc_` with `args`) once the daemon accepted the call.
    pub fn upload<A: Xdr>(
        self: &Arc<Client>,
        proc_: i32,
        args: &A,
        sparse: bool,
    ) -> Result<StreamWriter, RpcError> {
        let (serial, rx) = self.open_stream(proc_, args)?;
        Ok(StreamWriter {
            client: self.clone(),
            proc_,
            serial,
            replies: rx,
            buf: Vec::new(),
            position: 0,
            sparse,
        })
    }
}

impl StreamWriter {
    fn send_chunks(&mut self, all: bool) -> std::io::Result<()> {
        while self.buf.len() >= STREAM_CHUNK || (all && !self.buf.is_empty()) {
            let n = self.buf.len().min(STREAM_CHUNK);
            let chunk: Vec<u8> = self.buf.drain(..n).collect();
            // The daemon answers only a failed stream, so look for that between packets.
            if let Ok(m) = self.replies.try_recv() {
                if m.header.status == MsgStatus::Error {
                    return Err(std::io::Error::other(crate::error::Error::from(
                        remote_error(&m.body),
                    )));
                }
            }
            self.client
                .stream_send(self.proc_, self.serial, chunk)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
        }
        Ok(())
    }

    /// Sends what is buffered and the end of the stream; waits for the daemon's word.
    pub fn finish(&mut self) -> Result<(), RpcError> {
        self.send_chunks(true)
            .map_err(|e| RpcError::Protocol(e.to_string()))?;
        self.client.send_kind(
            self.proc_,
            MsgType::Stream,
            MsgStatus::Ok,
            Some(self.serial),
            Vec::new(),
        )?;
        loop {
            let m = self
                .replies
                .recv()
                .map_err(|_| self.client.disconnected())?;
            match m.header.status {
                MsgStatus::Ok => return Ok(()),
                MsgStatus::Error => return Err(remote_error(&m.body)),
                MsgStatus::Continue => {}
            }
        }
    }
}

impl std::io::Write for StreamWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        self.position += data.len() as u64;
        self.send_chunks(false)?;
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Skipping forward is a hole: sent as one to a sparse stream, as zeros to another (the
/// content is the same, only not sparse).
impl std::io::Seek for StreamWriter {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        match pos {
            std::io::SeekFrom::Current(0) | std::io::SeekFrom::End(0) => Ok(self.position),
            std::io::SeekFrom::Current(n) if n >= 0 && self.sparse => {
                self.send_chunks(true)?;
                let hole = crate::rpc::procs::StreamHole {
                    length: n,
                    flags: 0,
                };
                self.client
                    .send_kind(
                        self.proc_,
                        MsgType::StreamHole,
                        MsgStatus::Continue,
                        Some(self.serial),
                        crate::rpc::xdr::to_bytes(&hole),
                    )
                    .map_err(|e| std::io::Error::other(e.to_string()))?;
                self.position += n as u64;
                Ok(self.position)
            }
            std::io::SeekFrom::Current(n) if n >= 0 => {
                std::io::Write::write_all(self, &vec![0u8; n as usize])?;
                Ok(self.position)
            }
            _ => Err(std::io::Error::other("an upload stream only moves forward")),
        }
    }
}

impl Drop for StreamWriter {
    fn drop(&mut self) {
        lock(&self.client.shared.pending).remove(&self.serial);
    }
}

impl std::io::Read for StreamReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            match self.buffered.front_mut() {
                Some(Piece::Hole(left)) => {
                    let n = (*left).min(buf.len() as u64) as usize;
                    buf[..n].fill(0);
                    *left -= n as u64;
                    if *left == 0 {
                        self.buffered.pop_front();
                    }
                    if n > 0 {
                        return Ok(n);
                    }
                    continue;
                }
                Some(Piece::Data(front)) if front.is_empty() => {
                    self.buffered.pop_front();
                    if !self.done {
                        self.done = true;
                        // End of data: finish the stream as libvirt's client does.
                        let finish = self.client.send_kind(
                            self.proc_,
                            MsgType::Stream,
                            MsgStatus::Ok,
                            Some(self.serial),
                            Vec::new(),
                        );
                        if finish.is_ok() {
                            let _ = self.replies.recv_timeout(Duration::from_secs(30));
                        }
                    }
                    return Ok(0);
                }
                Some(Piece::Data(front)) => {
                    let n = front.len().min(buf.len());
                    buf[..n].copy_from_slice(&front[..n]);
                    front.drain(..n);
                    if front.is_empty() && n > 0 {
                        self.buffered.pop_front();
                    }
                    return Ok(n);
                }
                None => {}
            }
            if self.done {
                return Ok(0);
            }
            let m = self.replies.recv().map_err(|_| {
                std::io::Error::other(crate::error::Error::from(self.client.disconnected()))
            })?;
            match m.header.status {
                MsgStatus::Continue => self.buffered.push_back(Piece::of(m)),
                MsgStatus::Error => {
                    return Err(std::io::Error::other(crate::error::Error::from(
                        remote_error(&m.body),
                    )))
                }
                MsgStatus::Ok => {
                    self.done = true;
                    return Ok(0);
                }
            }
        }
    }
}

impl Drop for StreamReader {
    fn drop(&mut self) {
        lock(&self.client.shared.pending).remove(&self.serial);
    }
}
