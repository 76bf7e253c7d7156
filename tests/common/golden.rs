//! The golden cases: each one file, `tests/golden/cases/NAME.case`, captured from the real
//! virsh by `tests/golden/capture.sh`:
//!
//! ```text
//! $ virsh -c test:///default 'define dom-a.xml; list --inactive'
//! ? 0
//! > the first line of stdout
//! >
//! ! the first line of stderr
//! \ no newline at end
//! ```
//!
//! The `$` line is the command in shell quoting; `?` the exit status; `>` and `!` prefix the
//! lines of stdout and stderr (an empty line is the bare prefix); `\ no newline at end` says
//! the stream before it does not end with one. Everything compares through one normaliser.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// One golden case.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    /// The arguments after the program name.
    pub args: Vec<String>,
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Case {
    pub fn parse(name: &str, text: &str) -> Case {
        let mut case = Case {
            name: name.to_string(),
            args: Vec::new(),
            status: -1,
            stdout: String::new(),
            stderr: String::new(),
        };
        // Which stream the last line went to, for `\ no newline at end`.
        let mut last_out = true;
        for line in text.lines() {
            if let Some(cmd) = line.strip_prefix("$ ") {
                let mut words = shell_words(cmd);
                words.remove(0);
                case.args = words;
            } else if let Some(rc) = line.strip_prefix("? ") {
                case.status = rc.parse().expect("an exit status");
            } else if line == "\\ no newline at end" {
                let stream = if last_out {
                    &mut case.stdout
                } else {
                    &mut case.stderr
                };
                stream.pop();
            } else if let Some(rest) = line.strip_prefix('>') {
                case.stdout.push_str(rest.strip_prefix(' ').unwrap_or(rest));
                case.stdout.push('\n');
                last_out = true;
            } else if let Some(rest) = line.strip_prefix('!') {
                case.stderr.push_str(rest.strip_prefix(' ').unwrap_or(rest));
                case.stderr.push('\n');
                last_out = false;
            } else {
                panic!("{name}.case: unexpected line {line:?}");
            }
        }
        assert!(case.status >= 0, "{name}.case has no exit status");
        case
    }

    /// Every case of `dir` (`NAME.case` files), by name.
    pub fn load_all(dir: &Path) -> Vec<Case> {
        let mut cases: Vec<Case> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "case"))
            .map(|p| {
                let name = p.file_stem().unwrap().to_string_lossy().into_owned();
                Case::parse(&name, &std::fs::read_to_string(&p).unwrap())
            })
            .collect();
        cases.sort_by(|a, b| a.name.cmp(&b.name));
        cases
    }

    /// How `got` differs from the case, after normalising both: `hosts` and `cwds` are the
    /// host names and the run directories (`""`: none) of the case's side and of `got`'s.
    pub fn differences(
        &self,
        got: &Output,
        hosts: (&str, &str),
        cwds: (&str, &str),
    ) -> Vec<String> {
        let mut why = Vec::new();
        for (what, want, got) in [
            ("stdout", &self.stdout, &got.stdout),
            ("stderr", &self.stderr, &got.stderr),
        ] {
            let want = normalise(want, hosts.0, cwds.0);
            let got = normalise(&String::from_utf8_lossy(got), hosts.1, cwds.1);
            if want != got {
                why.push(format!("{what}:\n--- expected\n{want}--- got\n{got}"));
            }
        }
        if got.status.code() != Some(self.status) {
            why.push(format!(
                "exit status: expected {}, got {:?}",
                self.status,
                got.status.code()
            ));
        }
        why
    }
}

/// What may differ between two runs of the same case: the `CPU time:` value (the test driver
/// reports the wall clock), `-t` timings, the machine's host name, the clock a snapshot or
/// checkpoint is made by (see [`mask_clock`]), the run's directory (`cwd`, written `<cwd>`:
/// libvirt prints the absolute form of a relative path), and libvirt's own log lines, which
/// virsh's library prints with a time and a pid (`... 28148: warning :
/// virDomainSnapshotDefParse:290 : parsing older snapshot that lacks domain`) and virtsh does
/// not imitate.
pub fn normalise(text: &str, host: &str, cwd: &str) -> String {
    let text = match cwd {
        "" => text.to_string(),
        dir => text.replace(dir, "<cwd>"),
    };
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches('\n');
        let end = &line[bare.len()..];
        if is_log_line(bare) {
            continue;
        }
        if bare.starts_with("CPU time:") {
            out.push_str("CPU time: <t>");
        } else if bare.starts_with("(Time: ") {
            out.push_str("(Time: <t>)");
        } else if !host.is_empty() && bare == host {
            out.push_str("<host>");
        } else {
            out.push_str(&mask_clock(bare));
        }
        out.push_str(end);
    }
    out
}

/// `YYYY-MM-DD HH:MM:SS.mmm+0000: PID: LEVEL : ...`, libvirt's log format.
fn is_log_line(line: &str) -> bool {
    let Some((stamp, rest)) = line.split_once(": ") else {
        return false;
    };
    let Some((pid, rest)) = rest.split_once(": ") else {
        return false;
    };
    stamp.len() == 28
        && stamp.ends_with("+0000")
        && stamp.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && ["info :", "warning :", "error :", "debug :"]
            .iter()
            .any(|l| rest.starts_with(l))
}

/// The first second a masked clock reading may be (2020-09-13): the fixed creation times
/// the cases give (`1234567890`, 2009) are older and compared as they are.
const CLOCK_FROM: u64 = 1_600_000_000;

/// A snapshot or checkpoint made now carries the clock: its `<creationTime>`, the `Creation
/// Time` column of the listings (`2026-12-07 04:24:20 +0000`), and, without a name, its name
/// (`Domain snapshot 1796616629 created`, `<name>`, a bitmap named after it). Each reading
/// from 2020 on becomes `<clock>`; anything else on the line is compared.
pub fn mask_clock(line: &str) -> String {
    let named = ["<creationTime>", "<name>", "bitmap='"]
        .iter()
        .any(|m| line.contains(m))
        || line.starts_with("Domain snapshot ")
        || line.starts_with("Domain checkpoint ");
    let b = line.as_bytes();
    let digits = |from: usize, n: usize| {
        b.get(from..from + n)
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < b.len() {
        let word_start = i == 0 || !b[i - 1].is_ascii_digit();
        // `YYYY-MM-DD HH:MM:SS +ZZZZ`, as g_date_time_format writes it.
        let stamp = word_start
            && digits(i, 4)
            && at(i + 4, b'-')
            && digits(i + 5, 2)
            && at(i + 7, b'-')
            && digits(i + 8, 2)
            && at(i + 10, b' ')
            && digits(i + 11, 2)
            && at(i + 13, b':')
            && digits(i + 14, 2)
            && at(i + 16, b':')
            && digits(i + 17, 2)
            && at(i + 19, b' ')
            && (at(i + 20, b'+') || at(i + 20, b'-'))
            && digits(i + 21, 4)
            && line[i..i + 4].parse::<u32>().is_ok_and(|y| y >= 2020);
        if stamp {
            out.push_str("<clock>");
            i += 25;
            continue;
        }
        let seconds = named
            && word_start
            && digits(i, 10)
            && !b.get(i + 10).is_some_and(u8::is_ascii_digit)
            && line[i..i + 10]
                .parse::<u64>()
                .is_ok_and(|v| v >= CLOCK_FROM);
        if seconds {
            out.push_str("<clock>");
            i += 10;
            continue;
        }
        let c = line[i..].chars().next().expect("in bounds");
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Splits a command line as bash does: blanks separate words; single quotes are literal;
/// double quotes keep blanks and take `\"`, `\\`, `\$` and `` \` ``; `$'...'` takes bash's
/// escapes (`\t`, `\n`, `\\`, `\'`, `\NNN` octal); a backslash outside quotes escapes the
/// next character.
pub fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => words.extend(word.take()),
            '$' if chars.peek() == Some(&'\'') => {
                chars.next();
                let w = word.get_or_insert_with(String::new);
                while let Some(c) = chars.next() {
                    match c {
                        '\'' => break,
                        '\\' => match chars.next() {
                            Some('t') => w.push('\t'),
                            Some('n') => w.push('\n'),
                            Some(d @ '0'..='7') => {
                                let mut n = d.to_digit(8).unwrap_or(0);
                                for _ in 0..2 {
                                    match chars.peek().and_then(|c| c.to_digit(8)) {
                                        Some(x) => {
                                            n = n * 8 + x;
                                            chars.next();
                                        }
                                        None => break,
                                    }
                                }
                                w.extend(char::from_u32(n));
                            }
                            Some(other) => w.push(other),
                            None => {}
                        },
                        c => w.push(c),
                    }
                }
            }
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    w.push(c);
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' if matches!(chars.peek(), Some('"' | '\\' | '$' | '`')) => {
                            w.push(chars.next().unwrap())
                        }
                        c => w.push(c),
                    }
                }
            }
            '\\' => word.get_or_insert_with(String::new).extend(chars.next()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

/// The golden cases' environment: `LANG=C`, a fixed `PATH`, no home, the data directory as
/// the working directory.
pub fn command(program: &str, args: &[String]) -> Command {
    let mut c = Command::new(program);
    c.args(args)
        .current_dir(golden_dir().join("data"))
        .env_clear()
        .env("LANG", "C")
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", "/nonexistent");
    c
}

/// The private working directory of one run of a case: a copy of the data directory, so that
/// what a case writes (a save image, a core dump) is its own however many runs are under way
/// at once (a case's virsh and virtsh runs go in parallel). It goes with the value.
pub struct RunDir {
    dir: tempfile::TempDir,
    /// The directory as the process sees it (`getcwd`), which is what libvirt prints.
    real: String,
}

impl RunDir {
    pub fn new() -> RunDir {
        let dir = tempfile::tempdir().unwrap();
        let data = golden_dir().join("data");
        for entry in std::fs::read_dir(&data).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
        let real = dir.path().canonicalize().unwrap().display().to_string();
        RunDir { dir, real }
    }

    /// [`command`] in this directory.
    pub fn command(&self, program: &str, args: &[String]) -> Command {
        let mut c = command(program, args);
        c.current_dir(self.dir.path());
        c
    }

    /// The directory, as outputs show it.
    pub fn shown(&self) -> &str {
        &self.real
    }
}

impl Default for RunDir {
    fn default() -> RunDir {
        RunDir::new()
    }
}

/// How long a run of virsh on a golden case may take before it counts as hung: virsh 11.3's
/// job commands (`save`, `managedsave`, `dump`) hang for good now and then (their worker
/// thread may end the event loop before the main thread starts it: a third of the runs of a
/// `dump` that fails at once). Killing a run that was only slow costs a retry, nothing else.
const VIRSH_PATIENCE: Duration = Duration::from_secs(3);
/// How many times a hung virsh is run again before the case fails.
const VIRSH_TRIES: u32 = 12;

/// Runs `program` on `args` in a [`RunDir`] of its own, `adjust` adding to its environment.
/// virsh is run again, in a fresh directory, when it hangs (see [`VIRSH_PATIENCE`]); virtsh
/// is run once, and must not hang.
pub fn run_case(program: &str, args: &[String], adjust: impl Fn(&mut Command)) -> (RunDir, Output) {
    let retried = program == "virsh";
    for _ in 0..VIRSH_TRIES {
        let dir = RunDir::new();
        let mut c = dir.command(program, args);
        adjust(&mut c);
        if !retried {
            let out = c
                .output()
                .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
            return (dir, out);
        }
        if let Some(out) = output_within(c, VIRSH_PATIENCE) {
            return (dir, out);
        }
    }
    panic!("virsh hung {VIRSH_TRIES} times in a row on {args:?}")
}

/// The command's output, or `None` (the process killed) when it takes longer than `limit`.
pub fn output_within(mut c: Command, limit: Duration) -> Option<Output> {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = c
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {c:?}: {e}"));
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let (stdout, stderr) = (out.join().unwrap(), err.join().unwrap());
    status.map(|status| Output {
        status,
        stdout,
        stderr,
    })
}

/// libvirt's default fixture as a file, for a daemon's test driver: each connection to
/// `test:///default` on a daemon shares one state with every other connection open at the
/// moment (a case would see what the last case's connection, not yet closed on the daemon's
/// side, left), while each connection to a fixture file gets a state of its own.
pub fn private_default() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/driver/testdrv/default.xml")
        .display()
        .to_string()
}

/// Runs every golden case with `uri` in place of `test:///default` for `virsh` and for
/// virtsh (see [`run_case`]), `adjust` adding to each command's environment; asserts that no
/// case differs.
pub fn assert_same_over(uri: &str, adjust: impl Fn(&mut Command)) {
    let mut failures = Vec::new();
    for case in Case::load_all(&golden_dir().join("cases")) {
        let args: Vec<String> = case
            .args
            .iter()
            .map(|a| {
                if a == "test:///default" {
                    uri.to_string()
                } else {
                    a.clone()
                }
            })
            .collect();
        let (theirs, virsh) = run_case("virsh", &args, &adjust);
        let (ours, mine) = run_case(env!("CARGO_BIN_EXE_virtsh"), &args, &adjust);
        let reference = Case {
            stdout: String::from_utf8_lossy(&virsh.stdout).into_owned(),
            stderr: without_errno(&String::from_utf8_lossy(&virsh.stderr)),
            status: virsh.status.code().unwrap_or(-1),
            ..case
        };
        let mine = Output {
            stderr: without_errno(&String::from_utf8_lossy(&mine.stderr)).into_bytes(),
            ..mine
        };
        let why = reference.differences(&mine, ("", ""), (theirs.shown(), ours.shown()));
        if !why.is_empty() {
            failures.push(format!("== {}\n{}", reference.name, why.join("\n")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences over {uri}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A short read of a save image is reported with whatever `errno` the daemon's worker thread
/// last left (libvirt's test driver reads no error of its own there): `: <errno>` in place of
/// it, so that two runs over one daemon compare.
fn without_errno(stderr: &str) -> String {
    const SHORT_READS: [&str; 3] = [
        "error: incomplete save header in '",
        "error: failed to read metadata length in '",
        "error: incomplete metadata in '",
    ];
    stderr
        .split_inclusive('\n')
        .map(
            |line| match SHORT_READS.iter().any(|p| line.starts_with(p)) {
                true => match line.rfind("': ") {
                    Some(at) => format!("{}': <errno>\n", &line[..at]),
                    None => line.to_string(),
                },
                false => line.to_string(),
            },
        )
        .collect()
}
