//! The interactive shell: rustyline on a terminal (TAB completion, history shared across
//! sessions, `\` continuation, Ctrl-C clears the line, Ctrl-D leaves), and a plain line loop
//! when standard input is not a terminal (each line is echoed after the prompt, as virsh's
//! readline does).

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::FileHistory;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{CompletionType, Config, Context, Editor, Helper};

use super::remote_names::RemoteNames;
use crate::output::Output;
use crate::session::Session;

const BANNER: &str = "Welcome to virtsh, the virtualization interactive terminal.\n\n\
                      Type:  'help' for help with commands\n       'quit' to quit\n\n";

/// The most history lines `VIRTSH_HISTSIZE` may ask for (virsh's limit).
const HISTSIZE_MAX: usize = 500_000;

/// How long completion reuses the names it listed, so that TAB never waits on a slow
/// connection twice in a row.
const CACHE_FOR: Duration = Duration::from_secs(5);

/// Reads one line after showing the prompt.
type Reader = Box<dyn FnMut(&str, &mut Output) -> Input>;

/// One line of input, or why there is none.
enum Input {
    /// A line, as bytes: words need not be UTF-8.
    Line(Vec<u8>),
    Interrupted,
    /// A line the terminal could not decode: reported, and the shell goes on.
    Undecodable,
    End,
}

/// Runs the shell until `quit`, `exit` or end of input; returns the exit status.
pub fn run(mut session: Session, run_line: impl Fn(&mut Session, &[u8]) -> bool) -> i32 {
    if !session.opts.quiet {
        session.out.print(BANNER);
    }
    let histsize = match history_size(std::env::var("VIRTSH_HISTSIZE").ok().as_deref()) {
        Ok(n) => n,
        Err(message) => {
            session.out.fatal(&message);
            500
        }
    };
    let session = Rc::new(RefCell::new(session));
    let mut reader: Reader = if std::io::stdin().is_terminal() {
        match terminal_reader(session.clone(), histsize) {
            Ok(r) => r,
            Err(e) => {
                let mut s = session.borrow_mut();
                s.out.fatal(&format!("cannot start the line editor: {e}"));
                s.out.flush();
                return 1;
            }
        }
    } else {
        plain_reader()
    };
    loop {
        let mut s = session.borrow_mut();
        let prompt = if s.opts.readonly {
            "virtsh > "
        } else {
            "virtsh # "
        };
        // The line editor borrows the session for completion while it reads.
        let json = s.opts.json;
        let mut out = std::mem::replace(&mut s.out, Output::new(json));
        drop(s);
        let input = reader(prompt, &mut out);
        let mut s = session.borrow_mut();
        s.out = out;
        match input {
            Input::Line(line) => {
                if run_line(&mut s, &line) {
                    return 0;
                }
            }
            Input::Interrupted => {}
            Input::Undecodable => s.out.fatal(
                "the line is not UTF-8 text, which the line editor cannot read; it was not run",
            ),
            Input::End => {
                s.out.print("\n");
                s.out.flush();
                return 0;
            }
        }
    }
}

/// `VIRTSH_HISTSIZE`, with virsh's messages for bad values.
fn history_size(value: Option<&str>) -> Result<usize, String> {
    let Some(v) = value else { return Ok(500) };
    let n: i64 = v
        .parse()
        .map_err(|_| "Bad $VIRTSH_HISTSIZE value.".to_string())?;
    if n < 0 || n > HISTSIZE_MAX as i64 {
        return Err(format!(
            "$VIRTSH_HISTSIZE value should be between 0 and {HISTSIZE_MAX}"
        ));
    }
    Ok(n as usize)
}

/// `$XDG_CACHE_HOME/virtsh/history` (or `~/.cache/virtsh/history`).
pub fn history_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("virtsh").join("history"))
}

/// Lines of a non-terminal stdin, as bytes, each echoed after the prompt.
fn plain_reader() -> Reader {
    let mut stdin = std::io::stdin().lock();
    Box::new(move |prompt, out| {
        out.print(prompt);
        let mut line = Vec::new();
        match stdin.read_until(b'\n', &mut line) {
            Ok(n) if n > 0 => {
                if line.last() == Some(&b'\n') {
                    line.pop();
                }
                out.print_bytes(&line);
                out.print("\n");
                Input::Line(line)
            }
            _ => Input::End,
        }
    })
}

fn terminal_reader(session: Rc<RefCell<Session>>, histsize: usize) -> rustyline::Result<Reader> {
    let config = Config::builder()
        .max_history_size(histsize.max(1))?
        .auto_add_history(false)
        .completion_type(CompletionType::List)
        .build();
    let mut editor: Editor<ShellHelper, FileHistory> = Editor::with_config(config)?;
    editor.set_helper(Some(ShellHelper {
        session,
        cache: RefCell::new(HashMap::new()),
        remote: RefCell::new(None),
    }));
    let history = history_path().filter(|_| histsize > 0);
    if let Some(path) = &history {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = editor.load_history(path);
    }
    Ok(Box::new(move |prompt, out| {
        out.flush();
        match editor.readline(prompt) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                    // Appending after every line shares history between concurrent shells.
                    if let Some(path) = &history {
                        let _ = editor.append_history(path);
                    }
                }
                if let Some(h) = editor.helper() {
                    h.cache.borrow_mut().clear();
                }
                Input::Line(line.into_bytes())
            }
            Err(ReadlineError::Interrupted) => Input::Interrupted,
            Err(ReadlineError::Io(e)) if e.kind() == std::io::ErrorKind::InvalidData => {
                Input::Undecodable
            }
            Err(_) => Input::End,
        }
    }))
}

/// Names listed for one command-line context, and when.
type Listed = (Instant, Vec<String>);

struct ShellHelper {
    session: Rc<RefCell<Session>>,
    /// Candidates per command-line context, with when they were listed.
    cache: RefCell<HashMap<Vec<String>, Listed>>,
    /// Lists names over a second connection when the shell's is remote.
    remote: RefCell<Option<RemoteNames>>,
}

/// The words of the command being typed (after the last unquoted `;`), the last one being
/// the word under the cursor, and where that word starts.
fn current_words(line: &str) -> (Vec<String>, usize) {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut start = 0;
    let (mut single, mut double, mut escaped) = (false, false, false);
    for (i, c) in line.char_indices() {
        if escaped {
            word.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' if !single => escaped = true,
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            ';' | '\n' if !single && !double => {
                words.clear();
                word.clear();
                start = i + 1;
            }
            ' ' | '\t' if !single && !double => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                start = i + 1;
            }
            c => word.push(c),
        }
    }
    words.push(word);
    (words, start)
}

impl ShellHelper {
    /// The names for `words`: from the shell's own connection when it is in process; from
    /// the remote lister otherwise, falling back to what was listed before (or nothing)
    /// when the daemon is slower than [`super::remote_names::WAIT`].
    fn list(&self, words: &[String]) -> Vec<String> {
        let target = self.session.borrow().remote_target();
        let Some((opts, uri)) = target else {
            self.remote.borrow_mut().take();
            return self.session.borrow_mut().candidates(words);
        };
        let mut remote = self.remote.borrow_mut();
        if remote.as_ref().map(RemoteNames::uri) != Some(uri.as_deref()) {
            *remote = Some(RemoteNames::spawn(opts, uri));
        }
        let lister = remote.as_ref().expect("spawned above");
        let keep = |(asked, names)| {
            self.cache
                .borrow_mut()
                .insert(asked, (Instant::now(), names));
        };
        lister.ask(words, keep).unwrap_or_else(|| {
            self.cache
                .borrow()
                .get(words)
                .map(|(_, names)| names.clone())
                .unwrap_or_default()
        })
    }
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (mut words, start) = current_words(&line[..pos]);
        let current = words.pop().unwrap_or_default();
        // Names of objects are listed once per context and filtered here; a path is
        // completed from what is typed of it.
        let cacheable = !current.contains('/');
        words.push(if cacheable {
            String::new()
        } else {
            current.clone()
        });
        let fresh = match self.cache.borrow().get(&words) {
            Some((at, names)) if cacheable && at.elapsed() < CACHE_FOR => Some(names.clone()),
            _ => None,
        };
        let names = match fresh {
            Some(names) => names,
            None if cacheable => {
                let names = self.list(&words);
                self.cache
                    .borrow_mut()
                    .insert(words, (Instant::now(), names.clone()));
                names
            }
            None => self.session.borrow_mut().candidates(&words),
        };
        let pairs = names
            .into_iter()
            .filter(|n| n.starts_with(&current))
            .map(|n| {
                // A finished word gets its space, as readline gives it; a directory does not.
                let replacement = if n.ends_with('/') {
                    n.clone()
                } else {
                    format!("{n} ")
                };
                Pair {
                    display: n,
                    replacement,
                }
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for ShellHelper {
    type Hint = String;
}

impl Highlighter for ShellHelper {}

impl Validator for ShellHelper {
    /// A line ending in an unescaped backslash continues on the next one.
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        let trailing = ctx.input().chars().rev().take_while(|c| *c == '\\').count();
        Ok(if trailing % 2 == 1 {
            ValidationResult::Incomplete
        } else {
            ValidationResult::Valid(None)
        })
    }
}

impl Helper for ShellHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_under_the_cursor() {
        assert_eq!(
            current_words("dominfo te"),
            (vec!["dominfo".into(), "te".into()], 8)
        );
        assert_eq!(
            current_words("echo a; start "),
            (vec!["start".into(), String::new()], 14)
        );
        assert_eq!(
            current_words("echo 'a b' c"),
            (vec!["echo".into(), "a b".into(), "c".into()], 11)
        );
    }

    #[test]
    fn histsize_values() {
        assert_eq!(history_size(None), Ok(500));
        assert_eq!(history_size(Some("10")), Ok(10));
        assert_eq!(
            history_size(Some("x")),
            Err("Bad $VIRTSH_HISTSIZE value.".into())
        );
        assert_eq!(
            history_size(Some("500001")),
            Err("$VIRTSH_HISTSIZE value should be between 0 and 500000".into())
        );
    }
}
