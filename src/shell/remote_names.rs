//! Completion candidates from a remote connection, listed on a thread of their own over a
//! second connection to the same URI, so that TAB never holds the prompt longer than
//! [`WAIT`] on a slow link: what comes later is kept for the next TAB.
//!
//! In-process drivers are asked directly: they answer in microseconds, and the test driver's
//! state lives only in the shell's own connection.

use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use crate::session::{Options, Session};

/// The longest TAB waits for the daemon.
pub const WAIT: Duration = Duration::from_millis(200);

/// Words of a command line (the last one being what is completed) and the names for them.
pub type Answer = (Vec<String>, Vec<String>);

pub struct RemoteNames {
    uri: Option<String>,
    requests: Sender<Vec<String>>,
    answers: Receiver<Answer>,
}

impl RemoteNames {
    /// Starts the lister; it connects on its first request, off the prompt's thread.
    pub fn spawn(opts: Options, uri: Option<String>) -> RemoteNames {
        let (requests, asked) = channel::<Vec<String>>();
        let (answer, answers) = channel();
        let target = uri.clone();
        std::thread::spawn(move || {
            let mut session = Session::new(opts, target);
            for words in asked {
                let names = session.candidates(&words);
                if answer.send((words, names)).is_err() {
                    break;
                }
            }
        });
        RemoteNames {
            uri,
            requests,
            answers,
        }
    }

    /// The URI this lister connects to.
    pub fn uri(&self) -> Option<&str> {
        self.uri.as_deref()
    }

    /// Asks for `words` and waits at most [`WAIT`]; every answer that arrives meanwhile,
    /// late ones for earlier requests included, goes to `keep`. `None` when it took longer.
    pub fn ask(&self, words: &[String], mut keep: impl FnMut(Answer)) -> Option<Vec<String>> {
        for late in self.answers.try_iter() {
            keep(late);
        }
        self.requests.send(words.to_vec()).ok()?;
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.answers.recv_timeout(left) {
                Ok((asked, names)) if asked == words => return Some(names),
                Ok(earlier) => keep(earlier),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            }
        }
    }
}
