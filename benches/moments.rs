//! Snapshots and saves of one running Linux guest (the test guest of scripts/test-guest.sh,
//! 128 MiB, a qcow2 disk), three ways:
//! - virtsh's embedded driver, one-shot commands;
//! - libvirt's `virsh -c qemu:///system` on the same guest and disk, when a libvirtd answers;
//! - the same steps done by hand over QMP on a QEMU started directly (the limit): an internal
//!   snapshot (`stop`, a `snapshot-save` job, `cont`), its revert (QEMU restarted paused, a
//!   `snapshot-load` job, `cont`, as libvirt 10.9+ and virtsh revert), a save (`stop`,
//!   migration into a file, its data synced to disk as virtsh's image format needs before the
//!   image is marked whole, `quit`) and its restore (QEMU with `-incoming defer`, migration
//!   from the file, `cont`).
//!
//! And the one-shots `snapshot-list` and `snapshot-info`, virtsh embedded against virsh on
//! libvirtd. Medians in milliseconds and the ratios. Needs root (libvirtd's images).
//!
//! Knob: `VIRTSH_BENCH_RUNS` (rounds, default 5; one-shots run 4x as many).
//!
//!     cargo bench --bench moments

use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use virtsh::driver::qemu::qmp::Qmp;

mod common;
use common::{knob, median};

/// The test guest's kernel and initramfs, built by the repository's script when missing.
fn guest() -> (PathBuf, PathBuf) {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tmp/test-guest");
    let built = Command::new("scripts/test-guest.sh")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg(&out)
        .status()
        .expect("scripts/test-guest.sh runs");
    assert!(built.success(), "scripts/test-guest.sh failed");
    (out.join("vmlinuz"), out.join("initrd.img"))
}

fn qcow2(path: &Path) {
    let _ = std::fs::remove_file(path);
    let made = Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2"])
        .arg(path)
        .arg("64M")
        .status()
        .unwrap();
    assert!(made.success());
}

fn domain_xml(name: &str, dir: &Path) -> String {
    format!(
        "<domain type='qemu'><name>{name}</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>\
         <os><type arch='x86_64'>hvm</type><kernel>{d}/vmlinuz</kernel><initrd>{d}/initrd.img</initrd>\
         <cmdline>console=ttyS0 quiet panic=-1</cmdline></os><features><acpi/></features>\
         <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
         <source file='{d}/{name}.qcow2'/><target dev='vda' bus='virtio'/></disk>\
         <serial type='pty'/></devices></domain>",
        d = dir.display()
    )
}

/// A program's command runner: the time of one command, which must succeed.
struct Tool {
    program: String,
    uri: String,
}

impl Tool {
    fn run(&self, args: &[&str]) -> Duration {
        let started = Instant::now();
        let o = Command::new(&self.program)
            .args(["-q", "-c", &self.uri])
            .args(args)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{} {args:?}: {}",
            self.program,
            String::from_utf8_lossy(&o.stderr)
        );
        started.elapsed()
    }
}

/// Medians of the four operations, and of the two one-shots.
#[derive(Default)]
struct Figures {
    create: f64,
    revert: f64,
    save: f64,
    restore: f64,
    list: f64,
    info: f64,
}

/// The rounds through a libvirt-like tool (virtsh, virsh) on guest `name`.
fn rounds(t: &Tool, name: &str, dir: &Path, runs: usize) -> Figures {
    let image = dir.join(format!("{name}.save"));
    let image = image.to_str().unwrap();
    let (mut c, mut r, mut s, mut l) = (vec![], vec![], vec![], vec![]);
    for i in 0..runs {
        let snap = format!("b{i}");
        c.push(t.run(&["snapshot-create-as", name, &snap]));
        r.push(t.run(&["snapshot-revert", name, &snap]));
        t.run(&["snapshot-delete", name, &snap]);
        let _ = std::fs::remove_file(image);
        s.push(t.run(&["save", name, image]));
        l.push(t.run(&["restore", image]));
    }
    t.run(&["snapshot-create-as", name, "kept"]);
    let list: Vec<_> = (0..runs * 4)
        .map(|_| t.run(&["snapshot-list", name]))
        .collect();
    let info: Vec<_> = (0..runs * 4)
        .map(|_| t.run(&["snapshot-info", name, "kept"]))
        .collect();
    t.run(&["snapshot-delete", name, "kept"]);
    Figures {
        create: median(c),
        revert: median(r),
        save: median(s),
        restore: median(l),
        list: median(list),
        info: median(info),
    }
}

/// A QEMU started by hand for the guest, paused (`-S`), with its monitor.
fn launch(dir: &Path, incoming: bool) -> Qmp {
    let sock = dir.join("hand.qmp");
    let _ = std::fs::remove_file(&sock);
    let mut cmd = Command::new("qemu-system-x86_64");
    cmd.args(["-machine", "pc,accel=tcg", "-m", "128", "-nodefaults", "-S"])
        .args(["-display", "none", "-daemonize"])
        .arg("-pidfile")
        .arg(dir.join("hand.pid"))
        .arg("-kernel")
        .arg(dir.join("vmlinuz"))
        .arg("-initrd")
        .arg(dir.join("initrd.img"))
        .args(["-append", "console=ttyS0 quiet panic=-1"])
        .arg("-drive")
        .arg(format!(
            "if=none,id=drive0,file={},format=qcow2,node-name=fmt0",
            dir.join("hand.qcow2").display()
        ))
        .args(["-device", "virtio-blk-pci,drive=drive0"])
        .arg("-qmp")
        .arg(format!("unix:{},server=on,wait=off", sock.display()))
        .stdout(Stdio::null());
    if incoming {
        cmd.args(["-incoming", "defer"]);
    }
    assert!(cmd.status().unwrap().success());
    Qmp::connect(dir, "hand.qmp", Duration::from_secs(10)).unwrap()
}

fn job(q: &mut Qmp, command: &str, id: &str) {
    let mut args = json!({ "job-id": id, "tag": "hand", "devices": ["fmt0"] });
    if command != "snapshot-delete" {
        args["vmstate"] = json!("fmt0");
    }
    q.execute(command, Some(args)).unwrap();
    loop {
        let jobs = q.execute("query-jobs", None).unwrap();
        let done = jobs
            .as_array()
            .unwrap()
            .iter()
            .any(|j| j["id"] == id && j["status"] == "concluded");
        if done {
            q.execute("job-dismiss", Some(json!({ "id": id }))).unwrap();
            return;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn migrated(q: &mut Qmp) {
    loop {
        let m = q.execute("query-migrate", None).unwrap();
        match m["status"].as_str() {
            Some("completed") => return,
            Some("failed") => panic!("migration failed: {m}"),
            _ => std::thread::sleep(Duration::from_millis(2)),
        }
    }
}

/// Quits QEMU and waits for its process to end: the disk's lock goes with it.
fn quit(mut q: Qmp, dir: &Path) {
    let pid: u32 = std::fs::read_to_string(dir.join("hand.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    q.quit().unwrap();
    // Gone, or a zombie waiting for its reaper.
    while virtsh::sys::pid_alive(pid) {
        std::thread::sleep(Duration::from_micros(500));
    }
}

/// The same steps by hand over QMP.
fn by_hand(dir: &Path, runs: usize) -> Figures {
    qcow2(&dir.join("hand.qcow2"));
    let mut q = launch(dir, false);
    q.cont().unwrap();
    std::thread::sleep(Duration::from_secs(3));
    let (mut c, mut r, mut s, mut l) = (vec![], vec![], vec![], vec![]);
    let image = dir.join("hand.save");
    for _ in 0..runs {
        let t = Instant::now();
        q.stop().unwrap();
        job(&mut q, "snapshot-save", "save");
        q.cont().unwrap();
        c.push(t.elapsed());

        let t = Instant::now();
        quit(q, dir);
        q = launch(dir, false);
        job(&mut q, "snapshot-load", "load");
        q.cont().unwrap();
        r.push(t.elapsed());
        job(&mut q, "snapshot-delete", "delete");

        let t = Instant::now();
        q.stop().unwrap();
        let file = std::fs::File::create(&image).unwrap();
        q.execute(
            "migrate-set-parameters",
            Some(json!({ "max-bandwidth": i64::MAX >> 1 })),
        )
        .unwrap();
        let set = q.execute_with_fd("add-fd", None, file.as_fd()).unwrap();
        let uri = format!("file:/dev/fdset/{},offset=0", set["fdset-id"]);
        q.execute("migrate", Some(json!({ "uri": uri }))).unwrap();
        migrated(&mut q);
        // On disk before it may be marked whole: the barrier virtsh's image format needs.
        file.sync_data().unwrap();
        quit(q, dir);
        s.push(t.elapsed());

        let t = Instant::now();
        q = launch(dir, true);
        let file = std::fs::File::open(&image).unwrap();
        let set = q.execute_with_fd("add-fd", None, file.as_fd()).unwrap();
        let uri = format!("file:/dev/fdset/{},offset=0", set["fdset-id"]);
        q.execute("migrate-incoming", Some(json!({ "uri": uri })))
            .unwrap();
        migrated(&mut q);
        q.cont().unwrap();
        l.push(t.elapsed());
    }
    quit(q, dir);
    Figures {
        create: median(c),
        revert: median(r),
        save: median(s),
        restore: median(l),
        ..Figures::default()
    }
}

fn libvirtd_answers() -> bool {
    Command::new("virsh")
        .args(["-c", "qemu:///system", "uri"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn main() {
    let runs = knob("VIRTSH_BENCH_RUNS", 5);
    let (kernel, initrd) = guest();
    // Where libvirtd's QEMU (another user) can read the guest and write the images.
    let dir = Path::new("/var/lib/libvirt/images/virtsh-bench");
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    std::fs::copy(&kernel, dir.join("vmlinuz")).unwrap();
    std::fs::copy(&initrd, dir.join("initrd.img")).unwrap();

    let hand = by_hand(dir, runs);

    let root = tempfile::tempdir().unwrap();
    let embedded = Tool {
        program: env!("CARGO_BIN_EXE_virtsh").into(),
        uri: format!("qemu:///embed?root={}", root.path().display()),
    };
    let name = "virtsh-bench-embed";
    qcow2(&dir.join(format!("{name}.qcow2")));
    let xml = dir.join(format!("{name}.xml"));
    std::fs::write(&xml, domain_xml(name, dir)).unwrap();
    embedded.run(&["define", xml.to_str().unwrap()]);
    embedded.run(&["start", name]);
    std::thread::sleep(Duration::from_secs(3));
    let ours = rounds(&embedded, name, dir, runs);
    embedded.run(&["destroy", name]);

    let theirs = libvirtd_answers().then(|| {
        let virsh = Tool {
            program: "virsh".into(),
            uri: "qemu:///system".into(),
        };
        let name = "virtsh-bench-libvirt";
        qcow2(&dir.join(format!("{name}.qcow2")));
        let xml = dir.join(format!("{name}.xml"));
        std::fs::write(&xml, domain_xml(name, dir)).unwrap();
        let _ = Command::new("virsh")
            .args(["-c", "qemu:///system", "destroy", name])
            .output();
        let _ = Command::new("virsh")
            .args([
                "-c",
                "qemu:///system",
                "undefine",
                name,
                "--snapshots-metadata",
            ])
            .output();
        virsh.run(&["define", xml.to_str().unwrap()]);
        virsh.run(&["start", name]);
        std::thread::sleep(Duration::from_secs(3));
        let f = rounds(&virsh, name, dir, runs);
        virsh.run(&["destroy", name]);
        virsh.run(&["undefine", name, "--snapshots-metadata"]);
        f
    });

    println!("moments: medians of {runs} rounds (ms), a running 128 MiB TCG Linux guest");
    println!(
        "{:<28} {:>10} {:>10} {:>10} {:>12} {:>12}",
        "", "by hand", "virtsh", "libvirtd", "virtsh/hand", "virtsh/virsh"
    );
    let rows = [
        (
            "internal snapshot create",
            hand.create,
            ours.create,
            theirs.as_ref().map(|t| t.create),
        ),
        (
            "internal snapshot revert",
            hand.revert,
            ours.revert,
            theirs.as_ref().map(|t| t.revert),
        ),
        (
            "save",
            hand.save,
            ours.save,
            theirs.as_ref().map(|t| t.save),
        ),
        (
            "restore",
            hand.restore,
            ours.restore,
            theirs.as_ref().map(|t| t.restore),
        ),
    ];
    for (what, h, o, t) in rows {
        println!(
            "{what:<28} {h:>10.1} {o:>10.1} {:>10} {:>12.2} {:>12}",
            t.map_or("-".into(), |t| format!("{t:.1}")),
            o / h,
            t.map_or("-".into(), |t| format!("{:.2}", o / t)),
        );
    }
    for (what, o, t) in [
        (
            "snapshot-list one-shot",
            ours.list,
            theirs.as_ref().map(|t| t.list),
        ),
        (
            "snapshot-info one-shot",
            ours.info,
            theirs.as_ref().map(|t| t.info),
        ),
    ] {
        println!(
            "{what:<28} {:>10} {o:>10.1} {:>10} {:>12} {:>12}",
            "-",
            t.map_or("-".into(), |t| format!("{t:.1}")),
            "-",
            t.map_or("-".into(), |t| format!("{:.2}", o / t)),
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}
