//! What the integration tests share: running virtsh on a URI, the QEMU processes of a root,
//! size knobs, the golden cases, and the system libvirtd.

// Each test binary uses its own part of this module.
#![allow(dead_code)]

pub mod golden;
pub mod guests;
pub mod libvirtd;
pub mod sshd;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// `program ARGS`, as the golden cases run it, as the user whose home is `home` (an sshd
/// fixture's: see [`sshd::environment`]).
pub fn run_at(program: &str, home: &Path, args: &[String]) -> Output {
    let mut c = golden::command(program, args);
    sshd::environment(&mut c, home);
    c.output().unwrap()
}

/// virtsh on one connection: `virtsh -q -c URI ...`.
pub struct Virtsh {
    uri: String,
}

impl Virtsh {
    pub fn on(uri: impl Into<String>) -> Virtsh {
        Virtsh { uri: uri.into() }
    }

    /// The embedded QEMU driver on `root`.
    pub fn embedded(root: &Path) -> Virtsh {
        Virtsh::on(format!("qemu:///embed?root={}", root.display()))
    }

    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The command, ready for its words.
    pub fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_virtsh"));
        c.args(["-q", "-c", &self.uri]);
        c
    }

    /// One command given as words.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("virtsh runs")
    }

    /// A command string (`;` separates commands).
    pub fn script(&self, script: &str) -> Output {
        self.run(&[script])
    }

    /// The stdout of a command string that must succeed.
    pub fn ok(&self, script: &str) -> String {
        let o = self.script(script);
        assert!(
            o.status.success(),
            "{script}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    }

    /// The stderr of a command string that must fail.
    pub fn err(&self, script: &str) -> String {
        let o = self.script(script);
        assert!(
            !o.status.success(),
            "{script} should fail: {}",
            String::from_utf8_lossy(&o.stdout)
        );
        String::from_utf8(o.stderr).unwrap()
    }

    /// A command started in the background, its output piped.
    pub fn spawn(&self, args: &[&str]) -> Child {
        self.command()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("virtsh runs")
    }
}

/// stdout and stderr as text.
pub fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A size knob: the environment variable `name`, else `default`.
pub fn knob(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator (xorshift), so a failing run can be replayed: seeded by
/// `VIRTSH_CRASH_SEED`, else `default`.
pub struct Rng(pub u64);

impl Rng {
    pub fn seeded(default: u64) -> Rng {
        Rng(std::env::var("VIRTSH_CRASH_SEED")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default))
    }

    pub fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

impl Virtsh {
    /// Runs the command `args` and kills it with SIGKILL after `after`, wherever it is.
    pub fn killed_after(&self, args: &[String], after: std::time::Duration) {
        let mut child = self
            .command()
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(after);
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// The QEMU processes started for `root`: (pid, domain name), found by their pid file, the
/// one absolute path of theirs that names the domain.
pub fn qemus(root: &Path) -> Vec<(u32, String)> {
    let prefix = format!("{}/run/qemu/", root.display());
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        if stat
            .rsplit(')')
            .next()
            .is_some_and(|s| s.trim_start().starts_with('Z'))
        {
            continue;
        }
        let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
            continue;
        };
        let args: Vec<String> = cmdline
            .split(|b| *b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        for pair in args.windows(2).filter(|w| w[0] == "-pidfile") {
            if let Some(name) = pair[1]
                .strip_prefix(&prefix)
                .and_then(|r| r.strip_suffix(".pid"))
            {
                out.push((pid, name.to_string()));
            }
        }
    }
    out
}

/// Kills whatever QEMU of `root` is left when a test ends, passed or failed, so that one
/// failure does not leave machines behind for the rest of the run.
pub struct KillQemusOnDrop(pub PathBuf);

impl Drop for KillQemusOnDrop {
    fn drop(&mut self) {
        for (pid, _) in qemus(&self.0) {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
        }
    }
}

/// Waits up to a minute for `check` to hold; `what` says what was awaited when it does not.
pub fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    let started = std::time::Instant::now();
    while !check() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "gave up waiting: {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

impl Virtsh {
    /// Waits until `domstate NAME --reason` prints `want`.
    pub fn wait_state(&self, name: &str, want: &str) {
        let mut last = String::new();
        wait_until(&format!("{name} to be '{want}'"), || {
            last = self.ok(&format!("domstate {name} --reason"));
            last.trim_end() == want
        });
    }
}

/// One QMP command on the monitor of domain `name` of `root` (no virtsh command may be
/// talking to it meanwhile).
pub fn qmp(
    root: &Path,
    name: &str,
    command: &str,
    args: Option<serde_json::Value>,
) -> serde_json::Value {
    let dir = root.join("run/qemu");
    let mut q = virtsh::driver::qemu::qmp::Qmp::connect(
        &dir,
        &format!("{name}.qmp"),
        std::time::Duration::from_secs(5),
    )
    .expect("the monitor answers");
    q.execute(command, args).expect("the command runs")
}

/// The command line of the QEMU of domain `name` of `root`.
pub fn qemu_args(root: &Path, name: &str) -> Vec<String> {
    let (pid, _) = qemus(root)
        .into_iter()
        .find(|(_, n)| n == name)
        .expect("the domain's QEMU runs");
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .unwrap()
        .split(|b| *b == 0)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect()
}

/// A tmpfs of `mib` MiB mounted on `dir` (unmounted on drop): a disk that fills up.
pub struct SmallDisk(std::path::PathBuf);

impl SmallDisk {
    pub fn mount(dir: &std::path::Path, mib: u32) -> SmallDisk {
        std::fs::create_dir_all(dir).unwrap();
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m"), "tmpfs"])
            .arg(dir)
            .status()
            .unwrap();
        assert!(
            status.success(),
            "mounting a tmpfs needs root (the test command runs as root)"
        );
        SmallDisk(dir.to_path_buf())
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// A fresh embedded root in a temporary directory; whatever QEMU it started is killed when it
/// goes (fields drop in order: the QEMUs before the directory).
pub struct Embedded {
    _cleanup: KillQemusOnDrop,
    pub v: Virtsh,
    pub root: PathBuf,
    pub dir: tempfile::TempDir,
}

impl Embedded {
    pub fn new() -> Embedded {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        Embedded {
            _cleanup: KillQemusOnDrop(root.clone()),
            v: Virtsh::embedded(&root),
            root,
            dir,
        }
    }
}

/// `virtsh console NAME EXTRA...` in a pseudo-terminal.
pub fn console(v: &Virtsh, name: &str, extra: &[&str]) -> expectrl::session::OsSession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_virtsh"));
    cmd.args(["-c", v.uri(), "console", name]).args(extra);
    let mut p = expectrl::Session::spawn(cmd).unwrap();
    p.set_expect_timeout(Some(std::time::Duration::from_secs(30)));
    p
}

/// Whether `haystack` holds `needle` (output that need not be UTF-8).
pub fn has(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The guest's console, once its shell is ready for commands.
pub fn shell(v: &Virtsh, name: &str) -> expectrl::session::OsSession {
    use expectrl::Expect;
    let mut console = console(v, name, &[]);
    console.set_expect_timeout(Some(std::time::Duration::from_secs(120)));
    console.expect("Escape character is").unwrap();
    console
}

/// Runs `command` in the guest's shell and waits for `want` on its console; the line is
/// typed again while the guest has not answered (a shell restored from a snapshot may not
/// have its prompt on screen).
pub fn ask(console: &mut expectrl::session::OsSession, command: &str, want: &str) {
    use expectrl::Expect;
    console.set_expect_timeout(Some(std::time::Duration::from_secs(5)));
    for _ in 0..24 {
        console.send_line(command).unwrap();
        if console.expect(want).is_ok() {
            return;
        }
    }
    panic!("the guest never answered {want:?} to {command:?}");
}
