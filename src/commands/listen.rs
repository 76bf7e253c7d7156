//! What the event commands (`event`, `net-event`, `pool-event`) share: `--list`, virsh's
//! `--timeout`, the object a pool or network event command listens to, each event printed
//! as it comes (after the `--timestamp` prefix), Ctrl-C, and the lines that end the loop.

use std::time::Duration;

use virtsh_commands::args::EventLoop;
use virtsh_commands::parse::ValueError;

use super::CmdError;
use crate::driver::events::{EventEnd, EventWait};

use crate::render::Outcome;
use crate::session::Session;
use crate::types::{Lifecycle, MetadataChange};

/// `--list`: the event types, one a line.
pub fn list(names: &[&str]) -> Outcome {
    Outcome::Text(
        names
            .iter()
            .map(|n| format!("{n}\n"))
            .collect::<String>()
            .into_bytes(),
    )
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
            s.out.error(&CmdError::message(context));
            (None, Some(CmdError::Driver(cause)))
        }
        Err(e) => {
            s.out.error(&e);
            (None, None)
        }
    }
}

/// An event command's wait, as its options give it: the event types (numbers into the
/// command's list), whether to go on after the first event, the `--timestamp` prefix, and
/// how long.
pub struct Listening<'a> {
    how: &'a EventLoop,
    events: Vec<u32>,
    timeout: Option<Duration>,
}

impl<'a> Listening<'a> {
    /// A wait for `events`; `--timeout` checked (after the event types, as virsh does).
    pub fn new(events: Vec<u32>, how: &'a EventLoop) -> Result<Listening<'a>, CmdError> {
        let timeout = timeout(how)?;
        Ok(Listening {
            how,
            events,
            timeout,
        })
    }

    /// Runs `wait` on `object`, printing each event `describe` words as it comes (only the
    /// first without `--loop`), then virsh's closing lines. The command fails when no event
    /// came, with `pending` (a lookup's reason) to say; a lost connection is said at once, as
    /// virsh's close callback does, and its clean-up's error at the end.
    pub fn run<O, E>(
        self,
        s: &mut Session,
        object: Option<&O>,
        describe: impl Fn(&E) -> String,
        wait: impl FnOnce(EventWait<'_, O, E>) -> crate::error::Result<EventEnd>,
        pending: Option<CmdError>,
    ) -> Result<Outcome, CmdError> {
        let _ctrl_c = crate::sys::CatchInterrupt::start();
        let (how, mut count) = (self.how, 0u32);
        let out = &mut s.out;
        let mut sink = |e: E| {
            let stamp = if how.timestamp {
                format!("{}: ", crate::sys::utc_timestamp())
            } else {
                String::new()
            };
            out.print(&format!("{stamp}{}\n", describe(&e)));
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
        let mut tail = String::new();
        let mut failure = (count == 0).then_some(pending).flatten();
        match end {
            EventEnd::Done => {}
            EventEnd::TimedOut => tail.push_str("event loop timed out\n"),
            EventEnd::Interrupted => tail.push_str("event loop interrupted\n"),
            EventEnd::Lost { notice, error } => {
                s.tell_lost(&notice);
                failure = Some(CmdError::Driver(error));
            }
        }
        tail.push_str(&format!("events received: {count}\n"));
        if count > 0 && failure.is_none() {
            return Ok(Outcome::Text(tail.into_bytes()));
        }
        Err(CmdError::after_output(tail.into_bytes(), failure))
    }
}

/// `Run` of a pool or network event command `$cmd`: `--list`, or one of the event types
/// `$types` on the object its option `$object` names (which `$lookup` finds; virsh listens
/// to every object when it cannot), waited for with the connection's `$kind().$wait(...)`.
macro_rules! object_events {
    ($cmd:ty: $types:expr, $object:ident found by $lookup:expr, waited for by $kind:ident.$wait:ident) => {
        impl Run for $cmd {
            fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
                if self.wait.list {
                    return Ok(listen::list(&$types));
                }
                let event = listen::event_type(&$types, self.event.as_deref())?;
                let listening = listen::Listening::new(vec![event], &self.wait)?;
                let conn = s.conn()?;
                let (option, arg) = (stringify!($object), self.$object.as_deref());
                let find = |a: &str| ($lookup)(&*conn, a);
                let (object, pending) = listen::object_or_every(s, option, arg, find);
                listening.run(
                    s,
                    object.as_ref(),
                    describe,
                    |w| conn.$kind().$wait(w),
                    pending,
                )
            }
        }
    };
}
pub(crate) use object_events;
