//! Snapshots and checkpoints of a real Linux guest on the embedded driver: an internal
//! snapshot keeps the guest's memory (a file in its RAM-backed root reads as it was), an
//! external disk-only one puts the disk on an overlay and reverting to it makes a new one,
//! each can be deleted (overlays committed back into the image below them), a checkpoint is a
//! persistent bitmap in the image, and `undefine` counts the snapshots as libvirt does. An
//! external snapshot with memory keeps the guest's memory in a save image and its disk on an
//! overlay; reverting to it brings both back.

use std::path::Path;

use crate::common::guests::{linux, write};
use crate::common::{ask, shell, Embedded};
use expectrl::Expect;

/// What `qemu-img info` says of `path` (it may be in use: `-U`).
fn image_info(path: &Path) -> serde_json::Value {
    let out = std::process::Command::new("qemu-img")
        .args(["info", "-U", "--output=json"])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn tags(path: &Path) -> Vec<String> {
    image_info(path)["snapshots"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect()
}

fn bitmaps(path: &Path) -> Vec<String> {
    image_info(path)["format-specific"]["data"]["bitmaps"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| b["name"].as_str().unwrap().to_string())
        .collect()
}

/// Defines and boots the Linux guest `sg` on a new 64 MiB qcow2 disk (`disk.qcow2` in the
/// fixture's directory); its console once the guest is ready.
fn boot_linux_guest(e: &Embedded) -> expectrl::session::OsSession {
    let (kernel, initrd) = linux();
    let (dir, v) = (e.dir.path(), &e.v);
    let disk = dir.join("disk.qcow2");
    let made = std::process::Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2"])
        .arg(&disk)
        .arg("64M")
        .status()
        .unwrap();
    assert!(made.success());
    let xml = format!(
        "<domain type='qemu'><name>sg</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>\
         <os><type arch='x86_64'>hvm</type><kernel>{}</kernel><initrd>{}</initrd>\
         <cmdline>console=ttyS0 quiet panic=-1</cmdline></os><features><acpi/></features>\
         <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
         <source file='{}'/><target dev='vda' bus='virtio'/></disk>\
         <serial type='pty'/></devices></domain>",
        kernel.display(),
        initrd.display(),
        disk.display()
    );
    let file = write(dir, "sg.xml", &xml);
    v.ok(&format!("define {}; start --paused sg", file.display()));
    let mut console = shell(v, "sg");
    v.ok("resume sg");
    console.expect("virtsh-guest: ready").unwrap();
    console
}

#[test]
fn snapshots_and_checkpoints_of_a_linux_guest() {
    let e = Embedded::new();
    let (dir, v) = (e.dir.path(), &e.v);
    let disk = dir.join("disk.qcow2");
    let mut console = boot_linux_guest(&e);

    // Internal: the guest's memory is part of the snapshot.
    ask(
        &mut console,
        "echo one > /tmp/marker; echo M=$(cat /tmp/marker)",
        "M=one",
    );
    v.ok("snapshot-create-as sg s1 --description first");
    assert_eq!(v.ok("domstate sg --reason").trim(), "running (unpaused)");
    assert_eq!(tags(&disk), ["s1"]);
    assert!(dir.join("root/qemu/snapshot/sg/s1.xml").is_file());
    ask(
        &mut console,
        "echo two > /tmp/marker; echo M=$(cat /tmp/marker)",
        "M=two",
    );
    drop(console);
    v.ok("destroy sg");
    v.ok("snapshot-revert sg s1");
    assert_eq!(
        v.ok("domstate sg --reason").trim(),
        "running (from snapshot)"
    );
    assert_eq!(v.ok("snapshot-current sg --name").trim(), "s1");
    let mut console = shell(v, "sg");
    ask(&mut console, "echo M=$(cat /tmp/marker)", "M=one");
    drop(console);

    // External, disk only: the disk goes on an overlay whose backing file is the image.
    v.ok("snapshot-create-as sg e1 --disk-only");
    let overlay = dir.join("disk.e1");
    let live = v.ok("dumpxml sg");
    assert!(
        live.contains(&format!("<source file='{}'", overlay.display())),
        "{live}"
    );
    assert!(v
        .ok("dumpxml sg --inactive")
        .contains(&format!("<source file='{}'", overlay.display())));
    let info = image_info(&overlay);
    assert_eq!(info["backing-filename"], disk.display().to_string());
    assert_eq!(info["format"], "qcow2");
    assert_eq!(v.ok("snapshot-parent sg e1").trim(), "s1");
    // Reverting to it discards what ran on its overlay and makes a new one on the image.
    v.ok("snapshot-revert sg e1");
    assert_eq!(
        v.ok("domstate sg --reason").trim(),
        "shut off (from snapshot)"
    );
    assert!(!overlay.exists());
    let config = v.ok("dumpxml sg --inactive");
    let source = config
        .split("<source file='")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .unwrap()
        .to_string();
    assert!(
        source.starts_with(&format!("{}/disk.", dir.display())),
        "{config}"
    );
    assert_ne!(source, disk.display().to_string());
    assert_eq!(
        image_info(Path::new(&source))["backing-filename"],
        disk.display().to_string()
    );
    // As in libvirt, an external snapshot whose parent is internal cannot be merged away.
    assert!(v.err("snapshot-delete sg e1").contains(
        "error: Operation not supported: deleting external snapshot that has internal snapshot as parent not supported"
    ));
    // The internal one, deleted while the guest is off (`qemu-img snapshot -d`)...
    v.ok("snapshot-delete sg s1");
    assert!(tags(&disk).is_empty());
    // ...leaves the external one a root: deleting it, the current one, commits its overlay
    // back into the image.
    v.ok("snapshot-delete sg e1");
    assert!(!Path::new(&source).exists());
    assert!(v
        .ok("dumpxml sg --inactive")
        .contains(&format!("<source file='{}'", disk.display())));
    assert_eq!(v.ok("snapshot-list sg --name").trim(), "");
    // An internal snapshot deleted while the guest runs (a snapshot-delete job).
    v.ok("start sg; snapshot-create-as sg i2");
    assert_eq!(tags(&disk), ["i2"]);
    v.ok("snapshot-delete sg i2");
    assert!(tags(&disk).is_empty());
    assert_eq!(v.ok("snapshot-list sg --name").trim(), "");

    // Two overlays on a running guest: deleting the lower one commits it into the image
    // (QEMU relinks the upper one), deleting the upper one (the current) pivots back.
    v.ok("snapshot-create-as sg x1 --disk-only; snapshot-create-as sg x2 --disk-only");
    v.ok("snapshot-delete sg x1");
    assert!(!dir.join("disk.x1").exists());
    assert_eq!(
        image_info(&dir.join("disk.x2"))["backing-filename"],
        disk.display().to_string()
    );
    assert!(v
        .ok("snapshot-dumpxml sg x2")
        .contains(&format!("<source file='{}'", disk.display())));
    v.ok("snapshot-delete sg x2");
    assert!(!dir.join("disk.x2").exists());
    assert!(v
        .ok("dumpxml sg")
        .contains(&format!("<source file='{}'", disk.display())));

    // A checkpoint: a persistent bitmap, seen in the image once QEMU is gone.
    v.ok("checkpoint-create-as sg c1");
    assert_eq!(v.ok("checkpoint-list sg --name").trim(), "c1");
    assert!(v
        .ok("checkpoint-dumpxml sg c1 --size")
        .contains("<disk name='vda' checkpoint='bitmap' bitmap='c1' size='"));
    v.ok("destroy sg");
    assert_eq!(bitmaps(&disk), ["c1"]);
    assert!(v
        .err("checkpoint-delete sg c1")
        .contains("error: Operation not supported: cannot delete checkpoint for inactive domain"));
    v.ok("start sg");
    v.ok("checkpoint-delete sg c1");
    assert_eq!(v.ok("checkpoint-list sg --name").trim(), "");
    v.ok("destroy sg");
    assert!(bitmaps(&disk).is_empty());

    // undefine counts the snapshots, and drops their metadata when told to.
    v.ok("snapshot-create-as sg last");
    assert_eq!(v.ok("list --all --with-snapshot --name").trim(), "sg");
    assert!(v.err("undefine sg").contains(
        "error: Requested operation is not valid: cannot delete inactive domain with 1 snapshots"
    ));
    v.ok("undefine sg --snapshots-metadata");
    assert!(!dir.join("root/qemu/snapshot/sg").exists());
    assert_eq!(tags(&disk), ["last"]);
}

/// `echo MARK` in the guest (the marker file's content first: `one > /tmp/marker; ...`),
/// then `snapshot-create-as sg ARGS`, after which the guest runs again.
fn marked_snapshot(
    e: &Embedded,
    console: &mut expectrl::session::OsSession,
    mark: &str,
    args: &str,
) {
    let value = mark.split(' ').next().unwrap_or_default();
    ask(
        console,
        &format!("echo {mark}; echo M=$(cat /tmp/marker)"),
        &format!("M={value}"),
    );
    e.v.ok(&format!("snapshot-create-as sg {args}"));
    assert_eq!(e.v.ok("domstate sg --reason").trim(), "running (unpaused)");
}

#[test]
fn external_memory_snapshots_of_a_linux_guest() {
    let e = Embedded::new();
    let (dir, v) = (e.dir.path(), &e.v);
    let disk = dir.join("disk.qcow2");
    let mut console = boot_linux_guest(&e);
    // A marker in RAM, and one on the disk (read past the guest's cache later).
    let mem = dir.join("m1.mem");
    marked_snapshot(
        &e,
        &mut console,
        "one > /tmp/marker; echo D=one > /dev/vda; sync",
        &format!(
            "m1 --memspec {},snapshot=external --diskspec vda,snapshot=external",
            mem.display()
        ),
    );
    // The memory file is a whole save image (the guest was running: it resumes).
    let head = std::fs::read(&mem).unwrap();
    assert_eq!(&head[..16], b"LibvirtQemudSave");
    assert_eq!(u32::from_ne_bytes(head[24..28].try_into().unwrap()), 1);
    assert!(v
        .ok(&format!("save-image-dumpxml {}", mem.display()))
        .contains("<name>sg</name>"));
    let xml = v.ok("snapshot-dumpxml sg m1");
    assert!(xml.contains("<state>running</state>"), "{xml}");
    assert!(
        xml.contains(&format!(
            "<memory snapshot='external' file='{}'/>",
            mem.display()
        )),
        "{xml}"
    );
    let overlay = dir.join("disk.m1");
    assert_eq!(
        image_info(&overlay)["backing-filename"],
        disk.display().to_string()
    );
    ask(
        &mut console,
        "echo two > /tmp/marker; echo D=two > /dev/vda; sync; echo M=$(cat /tmp/marker)",
        "M=two",
    );
    drop(console);

    // Reverting: a new QEMU loads the memory, on a new overlay over the snapshot's image.
    v.ok("snapshot-revert sg m1");
    assert_eq!(
        v.ok("domstate sg --reason").trim(),
        "running (from snapshot)"
    );
    assert_eq!(v.ok("snapshot-current sg --name").trim(), "m1");
    let live = v.ok("dumpxml sg");
    let source = live
        .split("<source file='")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .unwrap()
        .to_string();
    assert_ne!(source, overlay.display().to_string());
    assert_eq!(
        image_info(Path::new(&source))["backing-filename"],
        disk.display().to_string()
    );
    // m1 is a leaf: it now records the new overlay, and the one it made is gone.
    assert!(!overlay.exists());
    assert!(v
        .ok("snapshot-dumpxml sg m1")
        .contains(&format!("<source file='{source}'")));
    let mut console = shell(v, "sg");
    ask(&mut console, "echo M=$(cat /tmp/marker)", "M=one");
    ask(
        &mut console,
        "echo 3 > /proc/sys/vm/drop_caches; echo X$(head -c 5 /dev/vda)",
        "XD=one",
    );

    // A live, memory-only snapshot: the disk stays where it is.
    let mem2 = dir.join("m2.mem");
    marked_snapshot(
        &e,
        &mut console,
        "live > /tmp/marker",
        &format!(
            "m2 --memspec {} --diskspec vda,snapshot=no --live",
            mem2.display()
        ),
    );
    assert!(v
        .ok("snapshot-dumpxml sg m2")
        .contains("<disk name='vda' snapshot='no'/>"));
    assert!(v
        .ok("dumpxml sg")
        .contains(&format!("<source file='{source}'")));
    ask(
        &mut console,
        "echo after > /tmp/marker; echo M=$(cat /tmp/marker)",
        "M=after",
    );
    drop(console);
    // Reverting to it, paused: the memory is back; the disk gets an overlay on its current
    // content (libvirt's way).
    v.ok("snapshot-revert sg m2 --paused");
    assert_eq!(
        v.ok("domstate sg --reason").trim(),
        "paused (from snapshot)"
    );
    let live = v.ok("dumpxml sg");
    assert!(
        !live.contains(&format!("<source file='{source}'")),
        "{live}"
    );
    v.ok("resume sg");
    let mut console = shell(v, "sg");
    ask(&mut console, "echo M=$(cat /tmp/marker)", "M=live");
    drop(console);

    // Deleting a snapshot with memory removes its memory file.
    v.ok("snapshot-delete sg m2");
    assert!(!mem2.exists());
    assert_eq!(v.ok("snapshot-list sg --name").trim(), "m1");
    // --halt: the snapshot is taken, then the guest stops.
    let mem3 = dir.join("m3.mem");
    v.ok(&format!(
        "snapshot-create-as sg m3 --memspec {} --halt",
        mem3.display()
    ));
    assert_eq!(
        v.ok("domstate sg --reason").trim(),
        "shut off (from snapshot)"
    );
    // Taken shut off, a snapshot cannot hold memory (libvirt's words).
    assert!(v
        .err(&format!(
            "snapshot-create-as sg m4 --memspec {}",
            dir.join("m4.mem").display()
        ))
        .contains(
            "error: XML error: memory state cannot be saved with offline or disk-only snapshot"
        ));
    v.ok("snapshot-revert sg m3");
    assert_eq!(
        v.ok("domstate sg --reason").trim(),
        "running (from snapshot)"
    );
    let mut console = shell(v, "sg");
    ask(&mut console, "echo M=$(cat /tmp/marker)", "M=live");
    drop(console);
    v.ok("destroy sg");
}
