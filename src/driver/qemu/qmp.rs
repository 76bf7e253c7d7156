//! A QMP client: one connection per operation (QMP serves one client at a time, so no virtsh
//! process keeps one open), capability negotiation, commands, and events skipped on the way.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Why a QMP exchange failed.
#[derive(Debug, thiserror::Error)]
pub enum QmpError {
    #[error("cannot connect to the QEMU monitor at {path}: {source}")]
    Connect {
        path: String,
        source: std::io::Error,
    },
    #[error("QEMU monitor I/O failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("QEMU monitor closed the connection")]
    Closed,
    #[error("QEMU monitor sent a malformed message: {0}")]
    Malformed(String),
    /// QEMU's own error (`{"error": {"class": ..., "desc": ...}}`).
    #[error("{class}: {desc}")]
    Command { class: String, desc: String },
}

/// A monitor exchange that failed, as the driver reports it (`operation failed: ...`).
pub fn qmp_failed(e: QmpError) -> crate::error::Error {
    crate::error::Error::operation_failed(e.to_string())
}

pub struct Qmp {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
    /// The latest events that arrived while a reply was awaited (a job's end says why it
    /// failed only in its event).
    events: Vec<Value>,
}

/// How many passed-over events a connection keeps.
const EVENTS_KEPT: usize = 64;

/// QEMU's run state as `query-status` reports it (`running`, `paused`, `shutdown`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunStatus {
    pub status: String,
    pub running: bool,
}

impl Qmp {
    /// Connects to the monitor socket `name` in `dir`, waiting up to `timeout` for it to
    /// appear, and negotiates capabilities.
    pub fn connect(dir: &Path, name: &str, timeout: Duration) -> Result<Qmp, QmpError> {
        let started = Instant::now();
        let stream = loop {
            match crate::sys::connect_unix_in(dir, name) {
                Ok(s) => break s,
                Err(_) if started.elapsed() < timeout => {
                    std::thread::sleep(Duration::from_millis(2));
                }
                Err(source) => {
                    return Err(QmpError::Connect {
                        path: dir.join(name).display().to_string(),
                        source,
                    })
                }
            }
        };
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        let mut qmp = Qmp {
            reader: BufReader::new(stream.try_clone()?),
            writer: stream,
            events: Vec::new(),
        };
        let greeting = qmp.read_message()?;
        if greeting.get("QMP").is_none() {
            return Err(QmpError::Malformed(greeting.to_string()));
        }
        qmp.execute("qmp_capabilities", None)?;
        Ok(qmp)
    }

    fn read_message(&mut self) -> Result<Value, QmpError> {
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(QmpError::Closed);
        }
        serde_json::from_str(&line).map_err(|_| QmpError::Malformed(line.trim().to_string()))
    }

    /// Runs one command and returns its `return` value; events that arrive first are skipped.
    pub fn execute(&mut self, command: &str, arguments: Option<Value>) -> Result<Value, QmpError> {
        self.writer
            .write_all(format!("{}\n", message(command, arguments)).as_bytes())?;
        self.reply()
    }

    /// Runs one command with a file descriptor passed alongside (`add-fd`, `getfd`), as QMP
    /// takes descriptors: in the same message, as `SCM_RIGHTS`.
    pub fn execute_with_fd(
        &mut self,
        command: &str,
        arguments: Option<Value>,
        fd: std::os::fd::BorrowedFd<'_>,
    ) -> Result<Value, QmpError> {
        use nix::sys::socket::{sendmsg, ControlMessage, MsgFlags};
        use std::os::fd::AsRawFd;
        let text = format!("{}\n", message(command, arguments));
        let fds = [fd.as_raw_fd()];
        let sent = sendmsg::<()>(
            self.writer.as_raw_fd(),
            &[std::io::IoSlice::new(text.as_bytes())],
            &[ControlMessage::ScmRights(&fds)],
            MsgFlags::empty(),
            None,
        )
        .map_err(std::io::Error::from)?;
        // The descriptor went with the first byte; the rest of a long message follows plainly.
        self.writer.write_all(&text.as_bytes()[sent..])?;
        self.reply()
    }

    fn reply(&mut self) -> Result<Value, QmpError> {
        loop {
            let reply = self.read_message()?;
            if let Some(r) = reply.get("return") {
                return Ok(r.clone());
            }
            if let Some(e) = reply.get("error") {
                let field = |k: &str| {
                    e.get(k)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string()
                };
                return Err(QmpError::Command {
                    class: field("class"),
                    desc: field("desc"),
                });
            }
            if reply.get("event").is_none() {
                return Err(QmpError::Malformed(reply.to_string()));
            }
            if self.events.len() == EVENTS_KEPT {
                self.events.remove(0);
            }
            self.events.push(reply);
        }
    }

    /// The latest event named `name` that arrived while replies were awaited.
    pub fn seen_event(&self, name: &str) -> Option<&Value> {
        self.events.iter().rev().find(|e| e["event"] == name)
    }

    /// Waits, however long it takes, for QEMU's next event.
    pub fn next_event(&mut self) -> Result<Value, QmpError> {
        self.writer.set_read_timeout(None)?;
        loop {
            let message = self.read_message()?;
            if message.get("event").is_some() {
                return Ok(message);
            }
        }
    }

    pub fn query_status(&mut self) -> Result<RunStatus, QmpError> {
        let r = self.execute("query-status", None)?;
        Ok(RunStatus {
            status: r
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            running: r.get("running").and_then(Value::as_bool).unwrap_or(false),
        })
    }

    pub fn stop(&mut self) -> Result<(), QmpError> {
        self.execute("stop", None).map(drop)
    }

    pub fn cont(&mut self) -> Result<(), QmpError> {
        self.execute("cont", None).map(drop)
    }

    pub fn system_powerdown(&mut self) -> Result<(), QmpError> {
        self.execute("system_powerdown", None).map(drop)
    }

    pub fn system_reset(&mut self) -> Result<(), QmpError> {
        self.execute("system_reset", None).map(drop)
    }

    /// Asks QEMU to exit; the connection closes as it does.
    pub fn quit(&mut self) -> Result<(), QmpError> {
        match self.execute("quit", None) {
            Ok(_) | Err(QmpError::Closed) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The TCP port the VNC server listens on, if it runs.
    pub fn vnc_port(&mut self) -> Result<Option<i64>, QmpError> {
        let r = self.execute("query-vnc", None)?;
        Ok(r.get("service")
            .and_then(Value::as_str)
            .and_then(|s| s.parse().ok()))
    }

    /// What QEMU does when the guest powers off: `poweroff` (exit) or `pause`.
    pub fn on_shutdown(&mut self, action: &str) -> Result<(), QmpError> {
        self.execute("set-action", Some(json!({ "shutdown": action })))
            .map(drop)
    }

    /// Sets the balloon target in bytes.
    pub fn balloon(&mut self, bytes: u64) -> Result<(), QmpError> {
        self.execute("balloon", Some(json!({ "value": bytes })))
            .map(drop)
    }
}

/// A command as QMP reads it.
fn message(command: &str, arguments: Option<Value>) -> Value {
    let mut msg = json!({ "execute": command });
    if let Some(args) = arguments {
        msg["arguments"] = args;
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixListener;

    /// A fake monitor that replays a script: the greeting, then one canned reply per command
    /// read (events may precede a reply).
    fn fake(replies: Vec<&'static str>) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("qmp.sock");
        let listener = UnixListener::bind(&path).unwrap();
        std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut out = stream;
            out.write_all(b"{\"QMP\": {\"version\": {}, \"capabilities\": []}}\n")
                .unwrap();
            for reply in replies {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap() == 0 {
                    return;
                }
                out.write_all(reply.as_bytes()).unwrap();
            }
        });
        dir
    }

    #[test]
    fn negotiates_and_skips_events() {
        let dir = fake(vec![
            "{\"return\": {}}\n",
            "{\"event\": \"STOP\"}\n{\"return\": {\"status\": \"paused\", \"running\": false}}\n",
            "{\"error\": {\"class\": \"GenericError\", \"desc\": \"no balloon\"}}\n",
        ]);
        let mut q = Qmp::connect(dir.path(), "qmp.sock", Duration::from_secs(2)).unwrap();
        assert_eq!(
            q.query_status().unwrap(),
            RunStatus {
                status: "paused".into(),
                running: false
            }
        );
        match q.balloon(1) {
            Err(QmpError::Command { class, desc }) => {
                assert_eq!(
                    (class.as_str(), desc.as_str()),
                    ("GenericError", "no balloon")
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let dir = fake(vec!["not json\n"]);
        assert!(matches!(
            Qmp::connect(dir.path(), "qmp.sock", Duration::from_secs(2)),
            Err(QmpError::Malformed(_))
        ));
    }
}
