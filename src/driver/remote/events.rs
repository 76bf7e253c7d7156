//! Events over the protocol, one way for every kind of object: a callback registered with the
//! daemon for each event type asked for, the event messages for those callbacks decoded and
//! handed on as they come, and the callbacks deregistered at the end.

use std::sync::mpsc::RecvTimeoutError;

use super::RemoteDriver;
use crate::driver::events::{pump, EventEnd, EventWait, Next};
use crate::error::{Error, Result};
use crate::rpc::events::EventWire;
use crate::rpc::xdr::Xdr;
use crate::types::Event;

impl RemoteDriver {
    /// Registers a callback for each event type of `wait` on `object` (the wait's object as
    /// the wire names it), hands the wait's sink the events the daemon sends for them until
    /// the wait ends (see [`pump`]), and deregisters. As virsh does, only the first
    /// registration must succeed: an older daemon knows fewer event types.
    pub(super) fn wait_events<W: Xdr + Clone, O, K>(
        &self,
        wire: EventWire<K>,
        object: Option<W>,
        wait: EventWait<'_, O, Event<K>>,
    ) -> Result<EventEnd> {
        // Listening starts before the first registration: no event is missed.
        let messages = self.client.events();
        let mut callbacks = Vec::new();
        for (i, event) in wait.events.iter().enumerate() {
            match self.call::<_, i32>(wire.register, &(*event as i32, object.clone())) {
                Ok(id) => callbacks.push(id),
                Err(e) if i == 0 => return Err(e),
                Err(_) => {}
            }
        }
        let next = |slice| match messages.recv_timeout(slice) {
            Ok(m) => match (wire.decode)(&m) {
                Some((callback, e)) if callbacks.contains(&callback) => Next::Event(e),
                _ => Next::Nothing,
            },
            Err(RecvTimeoutError::Timeout) => Next::Nothing,
            Err(RecvTimeoutError::Disconnected) => Next::Gone,
        };
        let end = pump(wait.timeout, next, wait.sink);
        // Every deregistration is sent before any reply is read.
        let deregistered: Vec<_> = callbacks
            .iter()
            .map(|id| self.client.start(wire.deregister, id))
            .collect();
        let mut failed = None;
        for pending in deregistered {
            if let Err(e) = pending.and_then(|p| p.wait::<()>()) {
                failed.get_or_insert(e);
            }
        }
        match (end, failed) {
            (Err(_), _) => Ok(EventEnd::Lost {
                notice: self
                    .client
                    .lost()
                    .unwrap_or_else(|| self.client.disconnected().to_string()),
                error: Error::internal("client socket is closed"),
            }),
            (Ok(_), Some(e)) => Err(e.into()),
            (Ok(end), None) => Ok(end),
        }
    }
}
