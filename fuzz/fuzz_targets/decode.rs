//! Fuzzes the RPC decoder: any bytes from a peer must decode or be refused, never panic.
//!
//!     cargo +nightly fuzz run decode

#![no_main]

use libfuzzer_sys::fuzz_target;
use virtsh::rpc::message::{Message, WireError};
use virtsh::rpc::procs::{DomainInfoRet, DomainListRet, NodeInfoRet, PoolListRet, SecurityLabelRet, VolListRet};
use virtsh::rpc::xdr::from_bytes;

fuzz_target!(|data: &[u8]| {
    let _ = Message::read_from(&mut &data[..]);
    if let Ok(m) = Message::parse(data) {
        let _ = from_bytes::<WireError>(&m.body);
        let _ = from_bytes::<DomainListRet>(&m.body);
        let _ = from_bytes::<PoolListRet>(&m.body);
        let _ = from_bytes::<VolListRet>(&m.body);
        let _ = from_bytes::<DomainInfoRet>(&m.body);
        let _ = from_bytes::<NodeInfoRet>(&m.body);
        let _ = from_bytes::<SecurityLabelRet>(&m.body);
    }
});
