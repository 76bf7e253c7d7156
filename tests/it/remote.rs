//! The remote driver's transports and failure handling against a real libvirtd: the ext
//! transport, a peer that goes away (an error, never a hang), and the interactive shell
//! reconnecting after it lost its connection.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn relay(dir: &std::path::Path, body: &str) -> String {
    let script = dir.join("relay.sh");
    std::fs::write(&script, format!("#!/bin/sh\n{body}\n")).unwrap();
    Command::new("chmod")
        .arg("755")
        .arg(&script)
        .status()
        .unwrap();
    format!("qemu+ext:///system?command={}", script.display())
}

#[test]
fn ext_transport_reaches_the_daemon() {
    let dir = tempfile::tempdir().unwrap();
    let uri = relay(dir.path(), "exec virt-ssh-helper qemu:///system");
    let o = Command::new(env!("CARGO_BIN_EXE_virtsh"))
        .args(["-q", "-c", &uri, "uri; list --all --name"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with(&format!("{uri}\n")));
}

#[test]
fn a_peer_that_goes_away_is_an_error_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let uri = relay(dir.path(), "exit 0");
    let started = Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_virtsh"))
        .args(["-c", &uri, "list"])
        .output()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err,
        // libvirt's words for a socket that ends before the handshake did.
        "error: failed to connect to the hypervisor\nerror: End of file while reading data: Input/output error\n"
    );
}

/// An interactive shell over a relay (with `extra` options), past its first command.
struct RelayShell {
    shell: std::process::Child,
    input: std::process::ChildStdin,
    lines: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

impl RelayShell {
    fn start(uri: &str, extra: &[&str]) -> RelayShell {
        let mut shell = Command::new(env!("CARGO_BIN_EXE_virtsh"))
            .arg("-q")
            .args(extra)
            .args(["-c", uri])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = shell.stdin.take().unwrap();
        let mut lines = BufReader::new(shell.stdout.take().unwrap()).lines();
        input.write_all(b"uri\n").unwrap();
        // Without a terminal each line is echoed after the prompt, then its output follows.
        assert_eq!(lines.next().unwrap().unwrap(), "virtsh # uri");
        assert_eq!(lines.next().unwrap().unwrap(), uri);
        RelayShell {
            shell,
            input,
            lines,
        }
    }

    /// Sends `signal` to the relay (the shell's child).
    fn signal_relay(&self, signal: &str) {
        let pid = self.shell.id();
        let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap();
        for child in children.split_whitespace() {
            Command::new("kill")
                .arg(signal)
                .arg(child)
                .status()
                .unwrap();
        }
    }

    /// Types `script`, ends the input; returns the rest of stdout and all of stderr.
    fn finish(mut self, script: &str) -> (Vec<String>, String) {
        self.input.write_all(script.as_bytes()).unwrap();
        drop(self.input);
        let rest: Vec<String> = self.lines.map_while(Result::ok).collect();
        let mut err = String::new();
        std::io::Read::read_to_string(&mut self.shell.stderr.take().unwrap(), &mut err).unwrap();
        assert!(self.shell.wait().unwrap().success());
        (rest, err)
    }
}

#[test]
fn the_shell_reconnects_after_losing_its_connection() {
    let dir = tempfile::tempdir().unwrap();
    // The helper's own complaint when the shell leaves is not virtsh's output.
    let uri = relay(
        dir.path(),
        "exec virt-ssh-helper qemu:///system 2>/dev/null",
    );
    let shell = RelayShell::start(&uri, &[]);
    // Kill the relay, the shell's connection with it.
    shell.signal_relay("-9");
    std::thread::sleep(Duration::from_millis(200));
    let (rest, err) = shell.finish("uri\nquit\n");
    assert!(rest.contains(&uri), "{rest:?}");
    // As virsh: the loss, then the reconnection.
    assert_eq!(
        err,
        format!("error: Disconnected from {uri} due to end of file\nerror: Reconnected to the hypervisor\n")
    );
}

/// As in libvirt, a host without a transport means tls, never the local socket (libvirtd's
/// test certificate names localhost only, so 127.0.0.1 fails its check as in virsh); `libssh`
/// takes the same ssh transport as `ssh` (a closed port shows it).
#[test]
fn the_transport_follows_the_uri() {
    let error_of = |program: &str, uri: &str| {
        let o = Command::new(program)
            .args(["-c", uri, "uri"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{program} {uri}");
        // Without libvirt's own log lines, which virtsh does not imitate.
        String::from_utf8(o.stderr)
            .unwrap()
            .lines()
            .filter(|l| !l.contains(": warning : ") && !l.contains(": info : "))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    };
    let uri_error = |uri: &str| error_of(env!("CARGO_BIN_EXE_virtsh"), uri);
    let e = uri_error("test://127.0.0.1/default");
    assert_eq!(e, error_of("virsh", "test://127.0.0.1/default"));
    assert!(e.contains("Failed to verify peer's certificate"), "{e}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = uri_error(&format!("qemu+libssh://root@127.0.0.1:{closed}/system"));
    assert!(
        e.contains(&format!(
            "Cannot connect to 127.0.0.1:{closed}: Connection refused"
        )),
        "{e}"
    );
}

/// A daemon that takes the connection and never answers: the handshake gives up after
/// `connect_timeout` seconds (virsh waits forever).
#[test]
fn a_silent_daemon_does_not_hang_the_handshake() {
    let dir = tempfile::tempdir().unwrap();
    let uri = format!("{}&connect_timeout=2", relay(dir.path(), "exec sleep 300"));
    let started = Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_virtsh"))
        .args(["-c", &uri, "uri"])
        .output()
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: failed to connect to the hypervisor\nerror: Timed out during operation: no answer from the daemon within 2 seconds (connect_timeout)\n"
    );
}

/// With keepalive on (`-k`, `-K`), a daemon that goes silent ends the connection with
/// libvirt's words for it (and the shell opens another for the next command).
#[test]
fn a_silent_peer_ends_in_a_keepalive_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let uri = relay(dir.path(), "exec virt-ssh-helper qemu:///system");
    let shell = RelayShell::start(&uri, &["-k", "1", "-K", "1"]);
    // Freeze the relay: the line stays open and nothing comes back.
    shell.signal_relay("-STOP");
    std::thread::sleep(Duration::from_secs(4));
    // By now the keepalive gave up; the frozen relay goes.
    shell.signal_relay("-9");
    let (_, err) = shell.finish("list\nquit\n");
    assert!(
        err.starts_with(&format!(
            "error: Disconnected from {uri} due to keepalive timeout\n"
        )),
        "{err}"
    );
}

/// What `program` prints when its connection goes in the middle of an event loop (its relay
/// gets `signal`), and the status it ends with; the batch's next command reconnects.
fn event_loop_losing_its_relay(program: &str, signal: &str) -> (String, String, Option<i32>) {
    let dir = tempfile::tempdir().unwrap();
    let uri = relay(dir.path(), "exec virt-ssh-helper qemu:///system");
    let child = Command::new(program)
        .args(["-k", "1", "-K", "1", "-c", &uri])
        .arg("event --all --loop; pool-event --event lifecycle --timeout 1")
        .env("LANG", "C")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let pid = child.id();
    let relays = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap();
    let signal_relays = |signal: &str| {
        for relay in relays.split_whitespace() {
            let _ = Command::new("kill")
                .arg(signal)
                .arg(relay)
                .stderr(Stdio::null())
                .status();
        }
    };
    signal_relays(signal);
    let o = child.wait_with_output().unwrap();
    // A frozen relay is the test's to end.
    signal_relays("-9");
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    );
    (out, err.replace(&uri, "URI"), o.status.code())
}

/// An event loop whose daemon goes away (its end of file), or goes silent (the keepalive
/// gives up), ends as virsh's does: the loss said when it happens, the count, the clean-up's
/// error; the next command of the batch reconnects.
#[test]
fn an_event_loop_ends_as_virsh_when_its_daemon_goes() {
    for (signal, why) in [("-9", "end of file"), ("-STOP", "keepalive timeout")] {
        let virtsh = event_loop_losing_its_relay(env!("CARGO_BIN_EXE_virtsh"), signal);
        assert_eq!(
            virtsh.1,
            format!(
                "error: Disconnected from URI due to {why}\n\
                 error: internal error: client socket is closed\n\
                 error: Reconnected to the hypervisor\n"
            )
        );
        assert_eq!(
            virtsh.0,
            "events received: 0\n\nevent loop timed out\nevents received: 0\n\n"
        );
        assert_eq!(virtsh, event_loop_losing_its_relay("virsh", signal));
    }
}

/// A long event loop on a quiet line stays up: the daemon answers the keepalive.
#[test]
fn keepalive_keeps_a_quiet_event_loop() {
    let o = Command::new(env!("CARGO_BIN_EXE_virtsh"))
        .args(["-k", "1", "-K", "1", "-c", "qemu:///system"])
        .args([
            "event",
            "--event",
            "nic-mac-change",
            "--loop",
            "--timeout",
            "6",
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "event loop timed out\nevents received: 0\n\n"
    );
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
    assert_eq!(o.status.code(), Some(1));
}
