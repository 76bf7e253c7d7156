//! One-shot commands over ssh through an alias of `~/.ssh/config`, against a sshd of its own
//! on 127.0.0.1 and libvirtd's `qemu:///system` (scripts/setup-test-env.sh starts both
//! packages' daemons):
//! - warm: N sequential `list --all` one-shots, virtsh taking its keeper's warm channel
//!   against virsh whose OpenSSH shares a ControlMaster (`ControlPersist`);
//! - cold: the first call, virtsh with no keeper against virsh with no master.
//!
//! `VIRTSH_BENCH_RUNS` sets N (default 21).
//!
//!     cargo bench --bench warm

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

#[allow(dead_code)]
#[path = "../tests/common/sshd.rs"]
mod sshd;

mod common;
use common::median;

const VIRTSH: &str = env!("CARGO_BIN_EXE_virtsh");

fn timed(program: &str, home: &Path, args: &[&str]) -> Duration {
    let mut c = Command::new(program);
    c.args(args).env_clear().env("LANG", "C");
    sshd::environment(&mut c, home);
    let started = Instant::now();
    let o = c.output().unwrap();
    let took = started.elapsed();
    assert!(
        o.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    took
}

/// Ends virsh's ControlMaster and virtsh's keeper: the next call is cold.
fn forget(home: &Path) {
    let mut c = Command::new("ssh");
    c.args(["-O", "exit", "lab1"]);
    sshd::environment(&mut c, home);
    let _ = c.output();
    let mut c = Command::new(VIRTSH);
    c.arg("--warm-stop");
    sshd::environment(&mut c, home);
    let _ = c.output();
    std::thread::sleep(Duration::from_millis(200));
}

fn main() {
    let runs: usize = std::env::var("VIRTSH_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(21);
    let d = sshd::start();
    let home = d.home.path();
    let alias = format!(
        "Host lab1\n  HostName 127.0.0.1\n  Port {}\n  User root\n  ControlMaster auto\n  ControlPath {}/cm-%C\n  ControlPersist 60\n",
        d.port,
        home.display()
    );
    // virtsh reads $HOME/.ssh/config; virsh's ssh the wrapper's -F file: the same alias.
    std::fs::write(home.join(".ssh/config"), &alias).unwrap();
    let wrapper_config = home.join("ssh_config");
    let mut both = std::fs::read_to_string(&wrapper_config).unwrap();
    both.push_str(&alias);
    std::fs::write(&wrapper_config, both).unwrap();
    let args = ["-q", "-c", "qemu+ssh://lab1/system", "list", "--all"];

    let cold = |program: &str| {
        let v: Vec<Duration> = (0..runs.min(9))
            .map(|_| {
                forget(home);
                timed(program, home, &args)
            })
            .collect();
        median(v)
    };
    let warm = |program: &str| {
        forget(home);
        timed(program, home, &args);
        // The keeper (or master) has its session once the first call has left it.
        std::thread::sleep(Duration::from_millis(500));
        median((0..runs).map(|_| timed(program, home, &args)).collect())
    };
    let (virsh_cold, virtsh_cold) = (cold("virsh"), cold(VIRTSH));
    let (virsh_warm, virtsh_warm) = (warm("virsh"), warm(VIRTSH));
    forget(home);
    println!("one-shot `list --all` over qemu+ssh://lab1/system (an alias), medians");
    println!("  cold (first call):        virsh {virsh_cold:7.1} ms   virtsh {virtsh_cold:7.1} ms   ratio {:.3}", virtsh_cold / virsh_cold);
    println!("  warm ({runs} sequential):   virsh {virsh_warm:7.1} ms   virtsh {virtsh_warm:7.1} ms   ratio {:.3}", virtsh_warm / virsh_warm);
    println!("  (virsh: OpenSSH ControlMaster with ControlPersist; virtsh: its keeper)");
}
