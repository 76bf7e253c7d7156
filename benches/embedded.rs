//! The embedded QEMU driver, in one run:
//! - start-to-running and destroy of a diskless tcg VM (one-shot `virtsh start` / `destroy`),
//!   against starting and quitting the same QEMU by hand (the floor), and against libvirt's
//!   `virsh -c qemu:///system` when a libvirtd answers there;
//! - `list --all` with 1,000 defined domains, and with 100 running;
//! - 8 processes defining 200 distinct domains each into one root: throughput, and lost ones.
//!
//! Knobs: `VIRTSH_BENCH_RUNS` (start/destroy rounds, default 20), `VIRTSH_BENCH_DEFINED`
//! (default 1000), `VIRTSH_BENCH_RUNNING` (default 100), `VIRTSH_BENCH_WRITERS` (8) and
//! `VIRTSH_BENCH_PER_WRITER` (200).
//!
//!     cargo bench --bench embedded

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{knob, median};

fn virtsh(root: &Path, args: &[&str]) -> Duration {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_virtsh"))
        .arg("-q")
        .arg("-c")
        .arg(format!("qemu:///embed?root={}", root.display()))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    started.elapsed()
}

fn xml(name: &str) -> String {
    format!(
        "<domain type='qemu'><name>{name}</name><memory unit='MiB'>32</memory><vcpu>1</vcpu>\
         <os><type arch='x86_64'>hvm</type></os></domain>"
    )
}

/// Starting the same QEMU by hand: daemonize, wait for the monitor, quit.
fn by_hand(dir: &Path) -> (Duration, Duration) {
    let qmp = dir.join("hand.qmp");
    let pid = dir.join("hand.pid");
    let _ = std::fs::remove_file(&qmp);
    let started = Instant::now();
    let status = Command::new("qemu-system-x86_64")
        .args([
            "-machine",
            "pc,accel=tcg",
            "-m",
            "32",
            "-nodefaults",
            "-display",
            "none",
            "-daemonize",
        ])
        .arg("-pidfile")
        .arg(&pid)
        .arg("-qmp")
        .arg(format!("unix:{},server=on,wait=off", qmp.display()))
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let (dir, name) = (
        qmp.parent().unwrap(),
        qmp.file_name().unwrap().to_str().unwrap(),
    );
    let mut q =
        virtsh::driver::qemu::qmp::Qmp::connect(dir, name, Duration::from_secs(10)).unwrap();
    q.query_status().unwrap();
    let start = started.elapsed();
    let started = Instant::now();
    q.quit().unwrap();
    let pid: u32 = std::fs::read_to_string(&pid)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    while virtsh::sys::pid_alive(pid) {
        std::thread::sleep(Duration::from_micros(200));
    }
    (start, started.elapsed())
}

fn libvirt(dir: &Path, runs: usize) -> Option<(f64, f64)> {
    let ok = Command::new("virsh")
        .args(["-c", "qemu:///system", "uri"])
        .output()
        .ok()?
        .status
        .success();
    if !ok {
        return None;
    }
    let file = dir.join("lv.xml");
    std::fs::write(&file, xml("virtsh-bench-lv")).unwrap();
    let v = |args: &[&str]| {
        let started = Instant::now();
        let o = Command::new("virsh")
            .args(["-q", "-c", "qemu:///system"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "virsh {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        started.elapsed()
    };
    v(&["define", file.to_str().unwrap()]);
    let (mut s, mut d) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        s.push(v(&["start", "virtsh-bench-lv"]));
        d.push(v(&["destroy", "virtsh-bench-lv"]));
    }
    v(&["undefine", "virtsh-bench-lv"]);
    Some((median(s), median(d)))
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let runs = knob("VIRTSH_BENCH_RUNS", 20);

    let root = dir.path().join("lifecycle");
    let file = dir.path().join("vm.xml");
    std::fs::write(&file, xml("vm")).unwrap();
    virtsh(&root, &["define", file.to_str().unwrap()]);
    let (mut s, mut d) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        s.push(virtsh(&root, &["start", "vm"]));
        d.push(virtsh(&root, &["destroy", "vm"]));
    }
    let (hs, hd): (Vec<Duration>, Vec<Duration>) = (0..runs).map(|_| by_hand(dir.path())).unzip();
    println!("diskless tcg VM, median of {runs} rounds (ms)");
    println!(
        "  {:<28} start {:8.1}   destroy {:8.1}",
        "QEMU by hand (floor)",
        median(hs),
        median(hd)
    );
    println!(
        "  {:<28} start {:8.1}   destroy {:8.1}",
        "virtsh (embedded)",
        median(s),
        median(d)
    );
    match libvirt(dir.path(), runs) {
        Some((ls, ld)) => {
            println!(
                "  {:<28} start {:8.1}   destroy {:8.1}",
                "virsh -c qemu:///system", ls, ld
            )
        }
        None => println!("  virsh -c qemu:///system: no libvirtd answers; start one to compare"),
    }

    let defined = knob("VIRTSH_BENCH_DEFINED", 1000);
    let running = knob("VIRTSH_BENCH_RUNNING", 100);
    let root = dir.path().join("many");
    let batch: String = (0..defined)
        .map(|i| {
            let f = dir.path().join(format!("m{i}.xml"));
            std::fs::write(&f, xml(&format!("m{i}"))).unwrap();
            format!("define {};", f.display())
        })
        .collect();
    virtsh(&root, &[&batch]);
    let list = |root: &Path| median((0..20).map(|_| virtsh(root, &["list", "--all"])).collect());
    println!("list --all, median of 20 runs");
    println!("  {defined} defined, none running: {:8.1} ms", list(&root));
    let starts: String = (0..running).map(|i| format!("start m{i};")).collect();
    virtsh(&root, &[&starts]);
    println!(
        "  {defined} defined, {running} running: {:8.1} ms",
        list(&root)
    );
    let stops: String = (0..running).map(|i| format!("destroy m{i};")).collect();
    virtsh(&root, &[&stops]);

    let writers = knob("VIRTSH_BENCH_WRITERS", 8);
    let per = knob("VIRTSH_BENCH_PER_WRITER", 200);
    let root = dir.path().join("writers");
    let batches: Vec<String> = (0..writers)
        .map(|w| {
            (0..per)
                .map(|i| {
                    let f = dir.path().join(format!("w{w}-{i}.xml"));
                    std::fs::write(&f, xml(&format!("w{w}-{i}"))).unwrap();
                    format!("define {};", f.display())
                })
                .collect()
        })
        .collect();
    let started = Instant::now();
    let children: Vec<_> = batches
        .iter()
        .map(|b| {
            Command::new(env!("CARGO_BIN_EXE_virtsh"))
                .args([
                    "-q",
                    "-c",
                    &format!("qemu:///embed?root={}", root.display()),
                    b,
                ])
                .stdout(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let elapsed = started.elapsed().as_secs_f64();
    let out = Command::new(env!("CARGO_BIN_EXE_virtsh"))
        .args([
            "-q",
            "-c",
            &format!("qemu:///embed?root={}", root.display()),
            "list --all --name",
        ])
        .output()
        .unwrap();
    let count = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .count();
    println!("{writers} processes x {per} defines into one root");
    println!(
        "  {:.0} defines/s, {} of {} listed, {} lost",
        (writers * per) as f64 / elapsed,
        count,
        writers * per,
        writers * per - count
    );
}
