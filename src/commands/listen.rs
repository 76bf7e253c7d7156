//! What the event commands (`event`, `net-event`, `pool-event`) share: `--list`, virsh's
//! `--timeout`, the object a pool or network event command listens to, each event printed
//! as it comes (after the `--timestamp` prefix), Ctrl-C, and the lines that end the loop.

use std::time::Duration;

use virtsh_commands::args::EventLoop;
use virtsh_commands::parse::ValueError;

use super::CmdError;
use crate::driver::events::{EventEnd, EventWait};

use serde::Serialize;

use crate::driver::Connection;
use crate::render::{Outcome, TextView, View};
use crate::session::Session;

use crate::types::{Event, Lifecycle, MetadataChange};

/// `--list`: the event types, one a line.
#[derive(Debug, Serialize)]
struct EventTypes {
    events: Vec<&'static str>,
}

impl TextView for EventTypes {
    fn text(&self, _quiet: bool) -> String {
        self.events.iter().map(|n| format!("{n}\n")).collect()
    }
}

pub fn list(names: &[&'static str]) -> Outcome {
    Outcome::data(EventTypes {
        events: names.to_vec(),
    })
}

/// How an event loop ended: virsh's closing lines.
#[derive(Debug, Serialize)]
struct LoopEnd {
    ended: Option<&'static str>,
    events_received: u32,
}

impl TextView for LoopEnd {
    fn text(&self, _quiet: bool) -> String {
        let mut out = String::new();
        if let Some(e) = self.ended {
            out.push_str(e);
            out.push('\n');
        }
        out.push_str(&format!("events received: {}\n", self.events_received));
        out
    }
}

/// The word for `n` among an enum's `words`, or virsh's `fallback` (`unknown`, or
/// `unsupported value`).
pub fn word(words: &[&'static str], n: i32, fallback: &'static str) -> &'static str {
    usize::try_from(n)
        .ok()
        .and_then(|i| words.get(i).copied())
        .unwrap_or(fallback)
}

/// A lifecycle event of a network or a storage pool (`kind`) as virsh prints it, by the
/// kind's `words` for its types: `event 'lifecycle' for network NAME: Started`.
pub fn lifecycle(kind: &str, object: &str, words: &[&'static str], l: &Lifecycle) -> String {
    let event = word(words, l.event, "unknown");
    format!("event 'lifecycle' for {kind} {object}: {event}")
}

/// A metadata change of a domain or a network as virsh prints it: `type title, uri <null>`.
pub fn metadata_change(m: &MetadataChange) -> String {
    const TYPES: [&str; 3] = ["description", "title", "element"];
    format!(
        "type {}, uri {}",
        word(&TYPES, m.kind, "unsupported value"),
        m.uri.as_deref().unwrap_or("<null>")
    )
}

/// The number of the event type `--event` names: virsh's errors when it names none, or one
/// it does not know.
pub fn event_type(names: &[&str], event: Option<&str>) -> Result<u32, CmdError> {
    let event =
        event.ok_or_else(|| CmdError::message("either --list or --event <type> is required"))?;
    names
        .iter()
        .position(|n| *n == event)
        .map(|i| i as u32)
        .ok_or_else(|| CmdError::message(format!("unknown event type {event}")))
}

/// virsh's `vshCommandOptTimeoutToMs`: whole seconds, at least one, that fit in an `int` as
/// milliseconds.
pub fn timeout(wait: &EventLoop) -> Result<Option<Duration>, CmdError> {
    let Some(text) = &wait.timeout else {
        return Ok(None);
    };
    let malformed = |shown: &str| {
        CmdError::message(format!(
            "Numeric value '{shown}' for <timeout> option is malformed or out of range"
        ))
    };
    let seconds: u32 = virtsh_commands::num::unsigned(text).map_err(|_| malformed(text))?;
    // A number read is shown as read (`+0` as `0`).
    if seconds == 0 || seconds > i32::MAX as u32 / 1000 {
        return Err(malformed(&seconds.to_string()));
    }
    Ok(Some(Duration::from_secs(seconds.into())))
}

/// The object a pool or network event command names with `option` (`arg`), as virsh looks
/// it up: a failure is said at once and the command listens to every object; the failure's
/// reason comes at the end, when no event came.
pub fn object_or_every<T>(
    s: &mut Session,
    option: &str,
    arg: Option<&str>,
    lookup: impl FnOnce(&str) -> Result<T, CmdError>,
) -> (Option<T>, Option<CmdError>) {
    let found = match arg {
        None => return (None, None),
        Some("") => Err(CmdError::Value(ValueError::Empty(option.to_string()))),
        Some(arg) => lookup(arg),
    };
    match found {
        Ok(object) => (Some(object), None),
        Err(CmdError::Failed { context, cause }) => {
            s.out.fatal(&context);
            (None, Some(CmdError::Driver(cause)))
        }
        Err(e) => {
            s.out.error(&e.failure());
            (None, None)
        }
    }
}

/// An event command's wait, as its options give it: the event types (numbers into the
/// command's list), whether to go on after the first event, the `--timestamp` prefix, and
/// how long.
pub struct Listening<'a> {
    how: &'a EventLoop,
    /// The command's event type names, by number.
    names: &'a [&'static str],
    events: Vec<u32>,
    timeout: Option<Duration>,
}

impl<'a> Listening<'a> {
    /// A wait for `events` (numbers into `names`); `--timeout` checked (after the event
    /// types, as virsh does).
    pub fn new(
        names: &'a [&'static str],
        events: Vec<u32>,
        how: &'a EventLoop,
    ) -> Result<Listening<'a>, CmdError> {
        let timeout = timeout(how)?;
        Ok(Listening {
            how,
            names,
            events,
            timeout,
        })
    }

    /// Runs `wait` on `object`, printing each event `describe` words as it comes (only the
    /// first without `--loop`), then virsh's closing lines. The command fails when no event
    /// came, with `pending` (a lookup's reason) to say; a lost connection is said at once, as
    /// virsh's close callback does, and its clean-up's error at the end.
    pub fn run<O, K: Serialize>(
        self,
        s: &mut Session,
        object: Option<&O>,
        describe: impl Fn(&Event<K>) -> String,
        wait: impl FnOnce(EventWait<'_, O, Event<K>>) -> crate::error::Result<EventEnd>,
        pending: Option<CmdError>,
    ) -> Result<Outcome, CmdError> {
        let _ctrl_c = crate::sys::CatchInterrupt::start();
        let (how, names, mut count) = (self.how, self.names, 0u32);
        let out = &mut s.out;
        let json = out.is_json();
        let mut sink = |e: Event<K>| {
            let stamp = how.timestamp.then(crate::sys::utc_timestamp);
            if json {
                // One JSON object a line, as each event comes.
                let name = names.get(e.id as usize).copied().unwrap_or("unknown");
                let mut v =
                    serde_json::json!({ "event": name, "object": e.object, "detail": e.what });
                if let Some(t) = stamp {
                    v["timestamp"] = t.into();
                }
                out.print(&format!("{v}\n"));
            } else {
                let stamp = stamp.map_or(String::new(), |t| format!("{t}: "));
                out.print(&format!("{stamp}{}\n", describe(&e)));
            }
            out.flush();
            count += 1;
            how.repeat
        };
        let end = wait(EventWait {
            object,
            events: &self.events,
            timeout: self.timeout,
            sink: &mut sink,
        })?;
        let mut failure = (count == 0).then_some(pending).flatten();
        let ended = match end {
            EventEnd::Done => None,
            EventEnd::TimedOut => Some("event loop timed out"),
            EventEnd::Interrupted => Some("event loop interrupted"),
            EventEnd::Lost { notice, error } => {
                s.tell_lost(&notice);
                failure = Some(CmdError::Driver(error));
                None
            }
        };
        let tail = LoopEnd {
            ended,
            events_received: count,
        };
        if count > 0 && failure.is_none() {
            return Ok(Outcome::data(tail));
        }
        let text = if s.out.is_json() {
            format!("{}\n", tail.json())
        } else {
            TextView::text(&tail, false)
        };
        Err(CmdError::after_output(text.into_bytes(), failure))
    }
}

/// What a pool or network event command runs: `--list`, or the event type named, on the
/// object `arg` names (or every object, when it cannot be found), waited for by `wait` on
/// the connection.
pub fn object_events<O, K: Serialize>(
    s: &mut Session,
    (types, event): (&'static [&'static str], Option<&str>),
    how: &EventLoop,
    (option, arg): (&str, Option<&str>),
    lookup: impl FnOnce(&Connection, &str) -> Result<O, CmdError>,
    describe: impl Fn(&Event<K>) -> String,
    wait: impl FnOnce(&Connection, EventWait<'_, O, Event<K>>) -> crate::error::Result<EventEnd>,
) -> Result<Outcome, CmdError> {
    if how.list {
        return Ok(list(types));
    }
    let event = event_type(types, event)?;
    let listening = Listening::new(types, vec![event], how)?;
    let conn = s.conn()?;
    let (object, pending) = object_or_every(s, option, arg, |a| lookup(&conn, a));
    listening.run(s, object.as_ref(), describe, |w| wait(&conn, w), pending)
}
