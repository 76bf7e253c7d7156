//! Warm connections over ssh against Debian's sshd (see `ssh.rs`): one-shots leave a warm
//! connection the next ones take, one keeper for many at once; a keeper killed under a
//! one-shot, stopped, or ended by a signal costs no one-shot its output; a warm channel that
//! goes unanswered costs `connect_timeout` once.

use crate::common;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::{Command, Output};

use crate::common::golden::command;
use crate::common::run_at as run;
use crate::common::sshd::{self, keepers, keygen, pubkey};

#[test]
fn one_shots_leave_a_warm_connection_the_next_ones_take() {
    let d = sshd::start();
    let home = d.home.path();
    d.alias("lab1");
    let uri = "test+ssh://lab1/default".to_string();
    let virtsh = |args: &[&str]| {
        let mut all = vec!["-c".to_string(), uri.clone()];
        all.extend(args.iter().map(|a| a.to_string()));
        let started = std::time::Instant::now();
        let o = run(env!("CARGO_BIN_EXE_virtsh"), home, &all);
        (o, started.elapsed())
    };
    // The first one-shot connects cold and returns at once, its output captured through a
    // pipe the keeper does not hold.
    // Commands whose output no other test changes (libvirtd shares test:///default between
    // the connections open at a time).
    let (cold, took) = virtsh(&["nodeinfo"]);
    assert!(
        cold.status.success(),
        "{}",
        String::from_utf8_lossy(&cold.stderr)
    );
    assert!(took < std::time::Duration::from_secs(10), "{took:?}");
    common::wait_until("a keeper for the alias", || {
        keepers(home).iter().any(|k| k.1 == uri)
    });
    let dir = home.join("run/virtsh-warm");
    assert_eq!(std::fs::metadata(&dir).unwrap().mode() & 0o777, 0o700);
    let sock = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .find(|e| e.path().extension().is_some_and(|x| x == "sock"))
        .expect("the keeper's socket");
    assert_eq!(sock.metadata().unwrap().mode() & 0o777, 0o600);
    // The next ones go through it, with the same bytes and statuses, errors included.
    for args in [&["nodeinfo"][..], &["dominfo", "nosuch"], &["hostname"]] {
        let (warm, _) = virtsh(args);
        let cold = run(
            env!("CARGO_BIN_EXE_virtsh"),
            home,
            &["-c".into(), format!("{uri}?warm=0"), args.join(" ")],
        );
        assert_eq!(
            (warm.status.code(), &warm.stdout, &warm.stderr),
            (cold.status.code(), &cold.stdout, &cold.stderr),
            "{args:?}"
        );
    }
    let served = keepers(home).iter().find(|k| k.1 == uri).unwrap().2;
    assert_eq!(served, 3, "three one-shots took the warm channel");
    // A dead session ends its keeper; the next one-shot connects anew (and leaves a new one).
    let pid = keepers(home)[0].0;
    let sessions = Command::new("pgrep")
        .args(["-P", &d.child.id().to_string()])
        .output()
        .unwrap();
    for s in String::from_utf8_lossy(&sessions.stdout).split_whitespace() {
        let _ = Command::new("kill").arg(s).status();
    }
    common::wait_until("the keeper of a dead session to end", || {
        !virtsh::sys::pid_alive(pid)
    });
    let (again, _) = virtsh(&["nodeinfo"]);
    assert_eq!(again.stdout, cold.stdout);
    common::wait_until("a new keeper", || keepers(home).iter().any(|k| k.0 != pid));
    // `--warm` says the time a keeper has left (60 s less its idle time), not its setting,
    // and is data under --json.
    std::thread::sleep(std::time::Duration::from_secs(2));
    let mut listed = Command::new(env!("CARGO_BIN_EXE_virtsh"));
    sshd::environment(listed.args(["--json", "--warm"]), home);
    let listed: serde_json::Value =
        serde_json::from_slice(&listed.output().unwrap().stdout).unwrap();
    let keeper = &listed[0];
    let (idle, left) = (
        keeper["idle"].as_u64().unwrap(),
        keeper["expires_in"].as_u64().unwrap(),
    );
    assert!(idle >= 2 && left == 60 - idle, "{listed}");
    // Stopped, and with a changed host key: the one-shot is refused as a cold one is, and no
    // keeper is left.
    assert!(
        run(env!("CARGO_BIN_EXE_virtsh"), home, &["--warm-stop".into()])
            .status
            .success()
    );
    common::wait_until("no keeper", || keepers(home).is_empty());
    // Nothing of the stopped keepers is left: no socket, no lock file.
    common::wait_until("the keepers' files to go", || {
        std::fs::read_dir(home.join("run/virtsh-warm"))
            .map(|d| d.count() == 0)
            .unwrap_or(true)
    });
    let trust = |key: &str| {
        let line = format!("[127.0.0.1]:{} {}\n", d.port, pubkey(&home.join(key)));
        std::fs::write(home.join(".ssh/known_hosts"), line).unwrap();
    };
    keygen(&home.join("changed_key"));
    trust("changed_key");
    let (refused, _) = virtsh(&["list"]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("does not match"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(keepers(home).is_empty());
    // An idle keeper ends after its expiry; `0` leaves none; a bad value is refused.
    trust("host_key");
    let short = format!("{uri}?warm=1");
    let o = run(
        env!("CARGO_BIN_EXE_virtsh"),
        home,
        &["-c".into(), short.clone(), "list".into()],
    );
    assert!(o.status.success());
    common::wait_until("the short-lived keeper", || {
        keepers(home).iter().any(|k| k.1 == short)
    });

    common::wait_until("the short-lived keeper to expire", || {
        !keepers(home).iter().any(|k| k.1 == short)
    });
    let off = format!("{uri}?warm=0");
    let o = run(
        env!("CARGO_BIN_EXE_virtsh"),
        home,
        &["-c".into(), off, "list".into()],
    );
    assert!(o.status.success());
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(keepers(home).is_empty());
    let bad = run(
        env!("CARGO_BIN_EXE_virtsh"),
        home,
        &["-c".into(), format!("{uri}?warm=soon"), "list".into()],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr)
        .contains("invalid value 'soon' for the URI parameter warm"));
}

/// Many one-shots at once to a destination with no keeper: all connect, exactly one keeper
/// is left (the others find its lock taken and end); many at once through it: all get the
/// same answer. `VIRTSH_WARM_PROCS` sets how many (8).
#[test]
fn concurrent_one_shots_leave_one_keeper() {
    let d = sshd::start();
    d.alias("lab1");
    let home = d.home.path();
    let procs = common::knob("VIRTSH_WARM_PROCS", 8);
    let all_at_once = || -> Vec<Output> {
        let children: Vec<_> = (0..procs)
            .map(|_| {
                let mut c = command(
                    env!("CARGO_BIN_EXE_virtsh"),
                    &[
                        "-c".into(),
                        "test+ssh://lab1/default".into(),
                        "nodeinfo".into(),
                    ],
                );
                sshd::environment(&mut c, home);
                c.stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect()
    };
    let cold = all_at_once();
    for o in &cold {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(o.stdout, cold[0].stdout);
    }
    common::wait_until("a keeper", || !keepers(home).is_empty());
    // Those that lost the race for the lock are gone by now.
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(keepers(home).len(), 1, "{:?}", keepers(home));
    let socks = std::fs::read_dir(home.join("run/virtsh-warm"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "sock"))
        .count();
    assert_eq!(socks, 1);
    // (A keeper up early may have served some of the first round already.)
    let before = keepers(home)[0].2;
    let warm = all_at_once();
    for o in &warm {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(o.stdout, cold[0].stdout);
    }
    let served = keepers(home)[0].2 - before;
    assert_eq!(
        served as usize, procs,
        "every one of them took a warm channel"
    );
}

/// `virtsh -c URI nodeinfo` as the fixture's user, and how long it took.
fn nodeinfo(home: &Path, uri: &str) -> (Output, std::time::Duration) {
    let started = std::time::Instant::now();
    let o = run(
        env!("CARGO_BIN_EXE_virtsh"),
        home,
        &["-c".into(), uri.into(), "nodeinfo".into()],
    );
    (o, started.elapsed())
}

fn signal(pid: u32, name: &str) {
    let _ = Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status();
}

/// A keeper killed (SIGKILL) while a one-shot's handshake over its warm channel is in flight
/// (the daemon's answers held back 100 ms each; the relay itself kills the keeper before it
/// passes on the first or the second answer, so always before the connection is open): every
/// one-shot still prints what a cold one prints, since a warm channel lost before the
/// connection is open is given up for a cold one. `VIRTSH_WARM_KILLS` sets how many (30).
#[test]
fn one_shots_survive_keepers_killed_under_them() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    common::libvirtd::daemon_answers();
    let d = sshd::start();
    d.alias("lab1");
    let home = d.home.path();
    let socket = home.join("slow.sock");
    // The answer before which the keepers are killed, once; none when usize::MAX.
    let kill_before = std::sync::Arc::new(AtomicUsize::new(usize::MAX));
    let (armed, keepers_home) = (kill_before.clone(), home.to_path_buf());
    common::libvirtd::slow_daemon(&socket, std::time::Duration::from_millis(100), move |n| {
        if armed
            .compare_exchange(n, usize::MAX, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            for pid in sshd::keeper_pids(&keepers_home) {
                signal(pid, "KILL");
            }
        }
    });
    // qemu:///system: a test:///default connection open this long would keep that shared
    // driver's state alive between the golden cases' connections.
    let uri = format!("qemu+ssh://lab1/system?socket={}", socket.display());
    let one_shot = || {
        let mut c = command(
            env!("CARGO_BIN_EXE_virtsh"),
            &["-c".into(), uri.clone(), "uri".into()],
        );
        sshd::environment(&mut c, home);
        c.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    // The first is cold: no keeper is there yet.
    let cold = one_shot().wait_with_output().unwrap();
    assert!(
        cold.status.success(),
        "{}",
        String::from_utf8_lossy(&cold.stderr)
    );
    for i in 0..common::knob("VIRTSH_WARM_KILLS", 30) {
        // Only a cold one-shot leaves a keeper: one that went warm before the kill did not.
        if sshd::keeper_pids(home).is_empty() {
            assert!(one_shot().wait().unwrap().success());
        }
        common::wait_until("a serving keeper", || !keepers(home).is_empty());
        let before = i % 2;
        kill_before.store(before, Ordering::SeqCst);
        let o = one_shot().wait_with_output().unwrap();
        // Disarmed, had the one-shot connected cold before the keeper served it.
        kill_before.store(usize::MAX, Ordering::SeqCst);
        assert_eq!(
            (
                o.status.code(),
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
            (
                cold.status.code(),
                String::from_utf8_lossy(&cold.stdout),
                String::from_utf8_lossy(&cold.stderr)
            ),
            "one-shot {i}, keeper killed before answer {before} ({:?})",
            std::os::unix::process::ExitStatusExt::signal(&o.status)
        );
    }
}

/// A stopped (SIGSTOP) keeper holds no one-shot up: it is given up within a moment and the
/// one-shot connects cold.
#[test]
fn a_stopped_keeper_is_passed_over() {
    common::libvirtd::daemon_answers();
    let d = sshd::start();
    d.alias("lab1");
    let home = d.home.path();
    let uri = "qemu+ssh://lab1/system";
    let (cold, _) = nodeinfo(home, uri);
    assert!(cold.status.success());
    common::wait_until("a keeper", || !sshd::keeper_pids(home).is_empty());
    let pid = sshd::keeper_pids(home)[0];
    // Serving: the keeper is up and answers.
    common::wait_until("the keeper to serve", || {
        keepers(home).iter().any(|k| k.0 == pid)
    });
    signal(pid, "STOP");
    // Resumed however this ends, so that it can be stopped for good with the fixture.
    let _resume = Resume(pid);
    for _ in 0..3 {
        let (o, took) = nodeinfo(home, uri);
        assert_eq!(
            o.stdout,
            cold.stdout,
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        // Passed over after half a second; waiting for it would take the 20 s connect_timeout.
        assert!(took < std::time::Duration::from_secs(10), "{took:?}");
    }
}

/// Sends SIGCONT to a stopped process when dropped.
struct Resume(u32);

impl Drop for Resume {
    fn drop(&mut self) {
        signal(self.0, "CONT");
    }
}

/// A keeper ended by SIGTERM, SIGINT or SIGHUP removes its socket and its lock file.
#[test]
fn a_keeper_ended_by_a_signal_removes_its_socket() {
    common::libvirtd::daemon_answers();
    let d = sshd::start();
    d.alias("lab1");
    let home = d.home.path();
    let dir = home.join("run/virtsh-warm");
    let files = |ext: &str| {
        std::fs::read_dir(&dir)
            .map(|rd| {
                rd.flatten()
                    .filter(|e| e.path().extension().is_some_and(|x| x == ext))
                    .count()
            })
            .unwrap_or(0)
    };
    for name in ["TERM", "INT", "HUP"] {
        let (o, _) = nodeinfo(home, "qemu+ssh://lab1/system");
        assert!(o.status.success());
        common::wait_until("a keeper", || !keepers(home).is_empty());
        let pid = keepers(home)[0].0;
        assert_eq!(files("sock"), 1);
        signal(pid, name);
        // Ended, whether reaped yet or not (a zombie until its parent reaps it).
        common::wait_until("the keeper to end", || !virtsh::sys::pid_alive(pid));
        assert_eq!(files("sock"), 0, "SIG{name} left the socket");
        assert_eq!(files("lock"), 0, "SIG{name} left the lock file");
    }
}

/// A warm channel whose daemon never answers uses `connect_timeout` up once: the one-shot
/// fails as the cold one did, and makes no cold connection after it (which would take as long
/// again).
#[test]
fn a_warm_channel_that_times_out_is_not_retried_cold() {
    use std::io::Read;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let d = sshd::start();
    d.alias("lab1");
    let home = d.home.path();
    // A daemon socket that takes connections and never answers, counting those that spoke.
    let socket = home.join("mute.sock");
    let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let spoke = std::sync::Arc::new(AtomicUsize::new(0));
    let counted = spoke.clone();
    std::thread::spawn(move || {
        for mut client in listener.incoming().flatten() {
            let counted = counted.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let mut first = true;
                while let Ok(1..) = client.read(&mut buf) {
                    if std::mem::take(&mut first) {
                        counted.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
        }
    });
    let uri = format!(
        "test+ssh://lab1/default?socket={}&connect_timeout=2",
        socket.display()
    );
    let one_shot = || {
        run(
            env!("CARGO_BIN_EXE_virtsh"),
            home,
            &["-c".into(), uri.clone(), "uri".into()],
        )
    };
    let cold = one_shot();
    let e = String::from_utf8_lossy(&cold.stderr).into_owned();
    assert_eq!(
        e,
        "error: failed to connect to the hypervisor\nerror: Timed out during operation: no answer from the daemon within 2 seconds (connect_timeout)\n"
    );
    assert_eq!(spoke.load(Ordering::SeqCst), 1);
    common::wait_until("a keeper", || keepers(home).iter().any(|k| k.1 == uri));
    let warm = one_shot();
    assert_eq!(String::from_utf8_lossy(&warm.stderr), e);
    assert_eq!(keepers(home).iter().find(|k| k.1 == uri).unwrap().2, 1);
    // The warm channel spoke; nothing after it (a cold connection speaks before it waits).
    assert_eq!(spoke.load(Ordering::SeqCst), 2);
}
