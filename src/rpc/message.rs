//! libvirt's RPC messages: a 4-byte length (counting itself), a 24-byte header (program,
//! version, procedure, type, serial, status), then the XDR payload; at most 32 MiB in all.

use std::io::{Read, Write};

use super::xdr::{Reader, Xdr, XdrError};
use crate::xdr_struct;

/// The largest message libvirt sends or accepts.
pub const MAX_MESSAGE: usize = 32 * 1024 * 1024;
const HEADER_LEN: usize = 24;

/// The remote program and its version.
pub const REMOTE_PROGRAM: u32 = 0x2000_8086;
pub const REMOTE_VERSION: u32 = 1;
/// The keepalive program ("keep"), its version and procedures.
pub const KEEPALIVE_PROGRAM: u32 = 0x6b65_6570;
pub const KEEPALIVE_VERSION: u32 = 1;
pub const KEEPALIVE_PING: i32 = 1;
pub const KEEPALIVE_PONG: i32 = 2;

/// `virNetMessageType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MsgType {
    Call = 0,
    Reply = 1,
    Message = 2,
    Stream = 3,
    CallWithFds = 4,
    ReplyWithFds = 5,
    StreamHole = 6,
}

/// `virNetMessageStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MsgStatus {
    Ok = 0,
    Error = 1,
    Continue = 2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub prog: u32,
    pub vers: u32,
    pub proc_: i32,
    pub kind: MsgType,
    pub serial: u32,
    pub status: MsgStatus,
}

/// Why a message could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("end of file")]
    Eof,
    #[error("packet {0} bytes received from server too large, want {MAX_MESSAGE}")]
    TooLarge(usize),
    #[error("packet {0} bytes received from server too small")]
    TooSmall(usize),
    #[error("malformed message header: {0}")]
    Header(String),
    #[error("malformed message payload: {0}")]
    Payload(#[from] XdrError),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub header: Header,
    pub body: Vec<u8>,
}

impl Message {
    pub fn new(header: Header, body: Vec<u8>) -> Message {
        Message { header, body }
    }

    /// The frame: length, header, payload.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(4 + HEADER_LEN + self.body.len());
        ((4 + HEADER_LEN + self.body.len()) as u32).encode(&mut out);
        self.header.prog.encode(&mut out);
        self.header.vers.encode(&mut out);
        self.header.proc_.encode(&mut out);
        (self.header.kind as i32).encode(&mut out);
        self.header.serial.encode(&mut out);
        (self.header.status as i32).encode(&mut out);
        out.extend_from_slice(&self.body);
        out
    }

    pub fn write_to(&self, w: &mut dyn Write) -> std::io::Result<()> {
        w.write_all(&self.to_bytes())?;
        w.flush()
    }

    /// Reads one frame; a length over the cap or under the header is refused before anything
    /// is allocated.
    pub fn read_from(r: &mut dyn Read) -> Result<Message, FrameError> {
        let mut len = [0u8; 4];
        match r.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Err(FrameError::Eof),
            Err(e) => return Err(FrameError::Io(e)),
        }
        let len = u32::from_be_bytes(len) as usize;
        if len > MAX_MESSAGE {
            return Err(FrameError::TooLarge(len));
        }
        if len < 4 + HEADER_LEN {
            return Err(FrameError::TooSmall(len));
        }
        let mut rest = vec![0u8; len - 4];
        r.read_exact(&mut rest).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => FrameError::Eof,
            _ => FrameError::Io(e),
        })?;
        Message::parse(&rest)
    }

    /// A frame without its length.
    pub fn parse(data: &[u8]) -> Result<Message, FrameError> {
        let mut r = Reader::new(data);
        let prog = u32::decode(&mut r)?;
        let vers = u32::decode(&mut r)?;
        let proc_ = i32::decode(&mut r)?;
        let kind = match i32::decode(&mut r)? {
            0 => MsgType::Call,
            1 => MsgType::Reply,
            2 => MsgType::Message,
            3 => MsgType::Stream,
            4 => MsgType::CallWithFds,
            5 => MsgType::ReplyWithFds,
            6 => MsgType::StreamHole,
            t => return Err(FrameError::Header(format!("unknown message type {t}"))),
        };
        let serial = u32::decode(&mut r)?;
        let status = match i32::decode(&mut r)? {
            0 => MsgStatus::Ok,
            1 => MsgStatus::Error,
            2 => MsgStatus::Continue,
            s => return Err(FrameError::Header(format!("unknown message status {s}"))),
        };
        let body = r.take(r.remaining())?.to_vec();
        Ok(Message {
            header: Header {
                prog,
                vers,
                proc_,
                kind,
                serial,
                status,
            },
            body,
        })
    }
}

xdr_struct! {
    /// `remote_nonnull_domain`.
    pub struct WireDomain {
        pub name: String,
        pub uuid: uuid::Uuid,
        pub id: i32,
    }
}

xdr_struct! {
    /// `remote_nonnull_network`.
    pub struct WireNetwork {
        pub name: String,
        pub uuid: uuid::Uuid,
    }
}

xdr_struct! {
    /// `virNetMessageError`: what an error reply carries.
    pub struct WireError {
        pub code: i32,
        pub domain: i32,
        pub message: Option<String>,
        pub level: i32,
        pub dom: Option<WireDomain>,
        pub str1: Option<String>,
        pub str2: Option<String>,
        pub str3: Option<String>,
        pub int1: i32,
        pub int2: i32,
        pub net: Option<WireNetwork>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_round_trip() {
        let m = Message::new(
            Header {
                prog: REMOTE_PROGRAM,
                vers: 1,
                proc_: 1,
                kind: MsgType::Call,
                serial: 7,
                status: MsgStatus::Ok,
            },
            vec![0, 0, 0, 0],
        );
        let bytes = m.to_bytes();
        assert_eq!(&bytes[..4], &[0, 0, 0, 32]);
        assert_eq!(&bytes[4..8], &[0x20, 0x00, 0x80, 0x86]);
        assert_eq!(Message::read_from(&mut &bytes[..]).unwrap(), m);
    }

    #[test]
    fn bad_frames() {
        let too_big = ((MAX_MESSAGE + 1) as u32).to_be_bytes();
        assert!(matches!(
            Message::read_from(&mut &too_big[..]),
            Err(FrameError::TooLarge(_))
        ));
        assert!(matches!(
            Message::read_from(&mut &[0, 0, 0, 8][..]),
            Err(FrameError::TooSmall(8))
        ));
        assert!(matches!(
            Message::read_from(&mut &[0, 0, 0, 40, 1][..]),
            Err(FrameError::Eof)
        ));
        let mut bad_type = Message::new(
            Header {
                prog: 1,
                vers: 1,
                proc_: 1,
                kind: MsgType::Reply,
                serial: 1,
                status: MsgStatus::Ok,
            },
            vec![],
        )
        .to_bytes();
        bad_type[19] = 9;
        assert!(matches!(
            Message::read_from(&mut &bad_type[..]),
            Err(FrameError::Header(_))
        ));
    }
}
