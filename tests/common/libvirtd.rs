//! What the tests against the system libvirtd share: the check that it answers, what it
//! logged about a domain, so that a start that fails on a CI host shows QEMU's own reason, and
//! a relay to it that answers slowly.

use std::process::Command;

fn answers(program: &str, uri: &str) -> bool {
    Command::new(program)
        .args(["-c", uri, "uri"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Panics, saying what to run, when no libvirtd answers on its default unix socket or its log
/// daemon does not (libvirtd then fails every QEMU start).
pub fn daemon_answers() {
    assert!(
        answers("virsh", "test+unix:///default"),
        "no libvirtd answers on its unix socket: run scripts/setup-test-env.sh (as root)"
    );
    assert!(
        answers("virt-admin", "virtlogd:///system"),
        "no virtlogd answers on its unix socket: run scripts/setup-test-env.sh (as root)"
    );
}

fn tail(path: &str, lines: usize) -> String {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(e) => format!("({e})"),
    }
}

/// The end of libvirtd's QEMU log for `domain` and its own last errors.
pub fn logs_of(domain: &str) -> String {
    let qemu_log = format!("/var/log/libvirt/qemu/{domain}.log");
    let daemon: Vec<String> = std::fs::read_to_string("/var/log/libvirt/libvirtd.log")
        .unwrap_or_default()
        .lines()
        // Not the test driver's (its functions are named test*): the golden replays fill the
        // log with those.
        .filter(|l| l.contains(" error : ") && !l.contains(" error : test"))
        .map(str::to_string)
        .collect();
    format!(
        "--- {qemu_log}\n{}\n--- libvirtd's last errors\n{}",
        tail(&qemu_log, 25),
        daemon[daemon.len().saturating_sub(10)..].join("\n")
    )
}

/// Starts `domain` through `start` (virtsh's `start DOMAIN` on the daemon); a failure shows
/// QEMU's own words and libvirtd's.
pub fn start_domain(domain: &str, start: impl FnOnce() -> std::process::Output) {
    let o = start();
    assert!(
        o.status.success(),
        "start {domain}: {}\n{}",
        String::from_utf8_lossy(&o.stderr),
        logs_of(domain)
    );
}

/// A relay to libvirtd's socket at `path` that holds each of the daemon's answers back for
/// `delay`: the handshake of a connection through it takes a known while. `before_answer(n)`
/// runs before the `n`th answer (from 0) of each connection is passed on.
pub fn slow_daemon(
    path: &std::path::Path,
    delay: std::time::Duration,
    before_answer: impl Fn(usize) + Send + Sync + 'static,
) {
    let listener = std::os::unix::net::UnixListener::bind(path).unwrap();
    let before_answer = std::sync::Arc::new(before_answer);
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(daemon) = std::os::unix::net::UnixStream::connect("/run/libvirt/libvirt-sock")
            else {
                continue;
            };
            let (mut c_in, mut d_out) = (client.try_clone().unwrap(), daemon.try_clone().unwrap());
            // The client gone, the daemon's connection goes too (else libvirtd counts it
            // among its clients yet to authenticate, of which it takes few).
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut c_in, &mut d_out);
                let _ = d_out.shutdown(std::net::Shutdown::Both);
            });
            let (mut d_in, mut c_out) = (daemon, client);
            let before_answer = before_answer.clone();
            std::thread::spawn(move || {
                let mut buf = vec![0u8; 1 << 16];
                let mut answers = 0;
                while let Ok(n @ 1..) = std::io::Read::read(&mut d_in, &mut buf) {
                    std::thread::sleep(delay);
                    before_answer(answers);
                    answers += 1;
                    if std::io::Write::write_all(&mut c_out, &buf[..n]).is_err() {
                        break;
                    }
                }
                let _ = c_out.shutdown(std::net::Shutdown::Both);
            });
        }
    });
}
