//! What every driver's wait for events shares: the clock, Ctrl-C, and how the wait ended.

use std::time::{Duration, Instant};

use crate::error::Error;
use crate::types::EventSink;

/// How a wait for events ended.
#[derive(Debug, Clone, PartialEq)]
pub enum EventEnd {
    /// The listener wanted no more (one event, without `--loop`).
    Done,
    TimedOut,
    /// Ctrl-C.
    Interrupted,
    /// The connection went away: virsh's notice of it (`Disconnected from URI due to end of
    /// file`), and the error the wait's clean-up then met.
    Lost {
        notice: String,
        error: Error,
    },
}

/// A wait for events: on `object` (`None`: every object of its kind), of the types `events`
/// (a callback each, as virsh registers them), for `timeout` (`None`: until the sink wants
/// no more, Ctrl-C, or the connection is lost), heard by `sink`.
pub struct EventWait<'a, O, E> {
    pub object: Option<&'a O>,
    pub events: &'a [u32],
    pub timeout: Option<Duration>,
    pub sink: EventSink<'a, E>,
}

/// What a source of events has next.
pub enum Next<E> {
    Event(E),
    /// Nothing this time (the time given ran out, or the message was not for us).
    Nothing,
    /// The source is gone.
    Gone,
}

/// The source of events went away mid-wait.
#[derive(Debug)]
pub struct Gone;

/// How long a wait goes without looking at Ctrl-C.
const TICK: Duration = Duration::from_millis(100);

/// Hands `sink` what `next` gives (`next` may block for the time it is given) until the
/// sink wants no more, `timeout` passes (`None`: never), the user presses Ctrl-C (see
/// [`crate::sys::CatchInterrupt`]), or the source is gone.
pub fn pump<E>(
    timeout: Option<Duration>,
    mut next: impl FnMut(Duration) -> Next<E>,
    sink: EventSink<'_, E>,
) -> Result<EventEnd, Gone> {
    let deadline = timeout.map(|t| Instant::now() + t);
    loop {
        if crate::sys::interrupted() {
            return Ok(EventEnd::Interrupted);
        }
        let slice = match deadline {
            Some(d) => match d.saturating_duration_since(Instant::now()) {
                left if left.is_zero() => return Ok(EventEnd::TimedOut),
                left => left.min(TICK),
            },
            None => TICK,
        };
        match next(slice) {
            Next::Event(e) => {
                if !sink(e) {
                    return Ok(EventEnd::Done);
                }
            }
            Next::Nothing => {}
            Next::Gone => return Err(Gone),
        }
    }
}

/// The wait of a driver no other client can reach (libvirt's test driver in one process):
/// no event comes, so it ends with the time, or Ctrl-C.
pub fn none_come<O, E>(wait: EventWait<'_, O, E>) -> EventEnd {
    let quiet = |slice| {
        std::thread::sleep(slice);
        Next::Nothing
    };
    pump(wait.timeout, quiet, wait.sink).unwrap_or(EventEnd::TimedOut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_ends_with_the_sink_the_clock_or_the_source() {
        let mut events = vec![1, 2, 3].into_iter();
        let mut heard = Vec::new();
        let mut sink = |e: i32| {
            heard.push(e);
            e < 2
        };
        let next = |_| events.next().map_or(Next::Nothing, Next::Event);
        assert_eq!(pump(None, next, &mut sink).unwrap(), EventEnd::Done);
        assert_eq!(heard, [1, 2]);
        let start = Instant::now();
        let wait = EventWait::<(), i32> {
            object: None,
            events: &[0],
            timeout: Some(Duration::from_millis(250)),
            sink: &mut |_| true,
        };
        let end = none_come(wait);
        assert_eq!(end, EventEnd::TimedOut);
        assert!(start.elapsed() >= Duration::from_millis(250));
        let gone = pump::<i32>(None, |_| Next::Gone, &mut |_| true);
        assert!(gone.is_err());
    }
}
