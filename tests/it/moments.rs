//! Snapshots and checkpoints against the real virsh where a golden case cannot go: a test
//! driver `<node>` file with preset snapshots (its path is absolute), the edit commands (an
//! editor of the test's own), each in process and over libvirtd's test driver, and a real
//! QEMU guest with a qcow2 disk (internal snapshots, a checkpoint) through libvirtd, on
//! `qemu:///system` and over `qemu+ssh`.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::golden::{command, normalise, private_default, Case};
use crate::common::libvirtd::{daemon_answers, logs_of, start_domain};
use crate::common::sshd;

/// `program -c URI SCRIPT`, as the golden cases run it.
fn invocation(program: &str, uri: &str, script: &str) -> Command {
    command(program, &["-c".into(), uri.into(), script.into()])
}

fn output(mut c: Command, program: &str) -> Output {
    c.output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
}

/// What `program` prints for `script` on `uri`, with `EDITOR` set when given.
fn run(program: &str, uri: &str, script: &str, editor: Option<&Path>) -> Output {
    let mut c = invocation(program, uri, script);
    if let Some(e) = editor {
        c.env("EDITOR", e);
    }
    output(c, program)
}

/// Each script prints through virtsh what it prints through virsh (after the golden cases'
/// normaliser: clock readings masked, libvirt's log lines dropped).
fn assert_same(uri: &str, scripts: &[&str], editor: Option<&Path>) {
    let mut failures = Vec::new();
    for script in scripts {
        let virsh = run("virsh", uri, script, editor);
        let ours = run(env!("CARGO_BIN_EXE_virtsh"), uri, script, editor);
        let reference = Case {
            name: script.to_string(),
            args: Vec::new(),
            status: virsh.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&virsh.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&virsh.stderr).into_owned(),
        };
        let why = reference.differences(&ours, ("", ""), ("", ""));
        if !why.is_empty() {
            failures.push(format!("== {uri} {script}\n{}", why.join("\n")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A node file with a shut-off domain and two preset snapshots: `old` (current, saved
/// without a domain definition) and its child `kid`.
const NODE: &str = "<node>
  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
    <name>fd</name>
    <uuid>33333333-2222-3333-4444-555555555555</uuid>
    <memory unit='KiB'>1048576</memory>
    <vcpu>1</vcpu>
    <os><type arch='i686'>hvm</type></os>
    <devices>
      <disk type='file' device='disk'>
        <source file='/x/y.img'/>
        <target dev='vda' bus='virtio'/>
      </disk>
    </devices>
    <test:runstate>5</test:runstate>
    <test:domainsnapshot>
      <name>old</name>
      <state>running</state>
      <creationTime>1000000000</creationTime>
      <active>1</active>
    </test:domainsnapshot>
    <test:domainsnapshot>
      <name>kid</name>
      <state>shutoff</state>
      <parent><name>old</name></parent>
      <creationTime>1000000001</creationTime>
      <active>0</active>
    </test:domainsnapshot>
  </domain>
</node>
";

#[test]
fn preset_snapshots_of_a_node_file_print_as_virsh() {
    daemon_answers();
    let dir = tempfile::tempdir().unwrap();
    let node = dir.path().join("node.xml");
    std::fs::write(&node, NODE).unwrap();
    let two_current = NODE.replace("<active>0</active>", "<active>1</active>");
    let bad = dir.path().join("two-current.xml");
    std::fs::write(&bad, two_current).unwrap();
    let orphan = dir.path().join("orphan.xml");
    std::fs::write(
        &orphan,
        NODE.replace("<name>old</name></parent>", "<name>gone</name></parent>"),
    )
    .unwrap();
    let scripts = [
        "list --all; snapshot-list fd --parent; snapshot-current fd --name; snapshot-dumpxml fd old",
        "snapshot-list fd --tree; snapshot-info fd kid; snapshot-info fd --current",
        "snapshot-revert fd old",
        "snapshot-revert fd old --force",
        "snapshot-revert fd kid; domstate fd --reason; snapshot-current fd --name",
        "undefine fd",
        "undefine fd --snapshots-metadata; list --all",
        "list --all --with-snapshot --name; snapshot-delete fd old; snapshot-list fd --parent",
    ];
    for uri in [
        format!("test://{}", node.display()),
        format!("test+unix://{}", node.display()),
    ] {
        assert_same(&uri, &scripts, None);
        // Read-only, a snapshot's secrets are refused; the rest of its XML is not.
        let read_only = format!(
            "connect {uri} --readonly; snapshot-dumpxml fd old --security-info; snapshot-dumpxml fd kid"
        );
        assert_same(&uri, &[&read_only], None);
    }
    // A file libvirt refuses is refused as libvirt refuses it.
    for file in [&bad, &orphan] {
        assert_same(&format!("test://{}", file.display()), &["list --all"], None);
    }
}

/// An editor script: `sed -i EXPR` on the file.
fn editor(dir: &Path, name: &str, expr: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\nsed -i '{expr}' \"$1\"\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn snapshot_and_checkpoint_editing_prints_as_virsh() {
    daemon_answers();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let describe = editor(d, "desc.sh", "s/<description>d1/<description>changed/");
    let rename = editor(d, "name.sh", "s/<name>s1</<name>s9</");
    let cdescribe = editor(
        d,
        "cdesc.sh",
        "s|<name>c1</name>|<name>c1</name><description>new</description>|",
    );
    let crename = editor(d, "cname.sh", "s/<name>c1</<name>c9</");
    let unchanged = Path::new("/bin/true");
    let runs: &[(&Path, &[&str])] = &[
        (
            &describe,
            &["snapshot-create-as test s1 d1; snapshot-edit test s1; snapshot-dumpxml test s1 --xpath /domainsnapshot/description"],
        ),
        (
            &rename,
            &[
                "snapshot-create-as test s1; snapshot-edit test s1; snapshot-list test --name",
                "snapshot-create-as test s1; snapshot-edit test s1 --clone; snapshot-list test --parent; snapshot-current test --name",
                "snapshot-create-as test s1; snapshot-edit test s1 --rename; snapshot-list test --name",
                "snapshot-create-as test s1; snapshot-create-as test s2; snapshot-edit test s1 --clone --current; snapshot-current test --name",
            ],
        ),
        (
            unchanged,
            &[
                "snapshot-create-as test s1; snapshot-edit test s1",
                "snapshot-create-as test s1; snapshot-create-as test s2; snapshot-edit test s1 --current; snapshot-current test --name",
                "snapshot-create-as test s1; snapshot-edit test --current",
                "checkpoint-create-as test c1; checkpoint-edit test c1",
            ],
        ),
        (
            &cdescribe,
            &["checkpoint-create-as test c1; checkpoint-edit test c1; checkpoint-dumpxml test c1 --no-domain"],
        ),
        (
            &crename,
            &["checkpoint-create-as test c1; checkpoint-edit test c1; checkpoint-list test --name"],
        ),
    ];
    for uri in [
        "test:///default".to_string(),
        format!("test+unix://{}", private_default()),
    ] {
        for (editor, scripts) in runs {
            assert_same(&uri, scripts, Some(editor));
        }
    }
}

/// libvirtd as a test reaches it: its URI, the environment of the programs that do, and the
/// test's own guest (tests run at once).
struct Daemon {
    uri: String,
    env: Vec<(String, String)>,
    guest: &'static str,
}

impl Daemon {
    fn run(&self, program: &str, script: &str) -> Output {
        let mut c = invocation(program, &self.uri, script);
        c.envs(self.env.iter().cloned());
        output(c, program)
    }

    /// Runs `script` through virtsh and returns what it printed; it must succeed.
    fn ok(&self, script: &str) -> String {
        let o = self.run(env!("CARGO_BIN_EXE_virtsh"), script);
        assert!(
            o.status.success(),
            "{script}: {}\n{}",
            String::from_utf8_lossy(&o.stderr),
            logs_of(self.guest)
        );
        String::from_utf8(o.stdout).unwrap()
    }

    /// What both print for `script` (read-only: it runs twice), after the normaliser.
    fn both(&self, script: &str) -> String {
        let theirs = self.run("virsh", script);
        let ours = self.run(env!("CARGO_BIN_EXE_virtsh"), script);
        let text = |o: &Output| {
            let out = normalise(&String::from_utf8_lossy(&o.stdout), "", "");
            let err = normalise(&String::from_utf8_lossy(&o.stderr), "", "");
            (out, err, o.status.code())
        };
        assert_eq!(text(&ours), text(&theirs), "{} {script}", self.uri);
        text(&ours).0
    }
}

#[test]
fn a_real_guest_snapshots_through_libvirtd() {
    daemon_answers();
    snapshots_through(&Daemon {
        uri: "qemu:///system".into(),
        env: Vec::new(),
        guest: "virtsh-interop-snapshots",
    });
}

#[test]
fn a_real_guest_snapshots_over_qemu_ssh() {
    daemon_answers();
    let d = sshd::start();
    snapshots_through(&Daemon {
        uri: format!("qemu+ssh://root@127.0.0.1:{}/system", d.port),
        env: sshd::variables(d.home.path()),
        guest: "virtsh-interop-snapshots-ssh",
    });
}

/// One guest's snapshots and a checkpoint, taken by virsh and virtsh in turn: each prints what
/// the other does and sees what the other did.
fn snapshots_through(d: &Daemon) {
    let guest = d.guest;
    // QEMU runs as the daemon's user: the image's directory must let it in.
    let dir = tempfile::Builder::new()
        .prefix("virtsh-snapshots")
        .tempdir_in("/var/tmp")
        .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let disk = dir.path().join("disk.qcow2");
    let made = std::process::Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2"])
        .arg(&disk)
        .arg("16M")
        .status()
        .unwrap();
    assert!(made.success());
    let xml = dir.path().join("guest.xml");
    std::fs::write(
        &xml,
        format!(
            "<domain type='qemu'><name>{guest}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>\
             <os><type arch='x86_64'>hvm</type></os><devices><disk type='file' device='disk'>\
             <driver name='qemu' type='qcow2'/><source file='{}'/><target dev='vda' bus='virtio'/>\
             </disk></devices></domain>",
            disk.display()
        ),
    )
    .unwrap();
    // A leftover of an interrupted run goes first.
    let _ = d.run("virsh", &format!("destroy {guest}"));
    let _ = d.run(
        "virsh",
        &format!("undefine {guest} --snapshots-metadata --checkpoints-metadata"),
    );
    d.ok(&format!("define {}", xml.display()));
    start_domain(guest, || {
        d.run(env!("CARGO_BIN_EXE_virtsh"), &format!("start {guest}"))
    });

    // One snapshot by each: the messages differ only by name.
    assert_eq!(
        d.ok(&format!("snapshot-create-as {guest} s1 first")),
        "Domain snapshot s1 created\n"
    );
    let theirs = d.run(
        "virsh",
        &format!("snapshot-create-as {guest} s2 --description second"),
    );
    assert_eq!(
        String::from_utf8_lossy(&theirs.stdout),
        "Domain snapshot s2 created\n"
    );
    for script in [
        "snapshot-list {G}",
        "snapshot-list {G} --parent",
        "snapshot-list {G} --tree",
        "snapshot-list {G} --name --topological",
        "snapshot-list {G} --roots --internal",
        "snapshot-info {G} s1",
        "snapshot-info {G} --current",
        "snapshot-current {G} --name",
        "snapshot-parent {G} s2",
        "snapshot-dumpxml {G} s1",
        "snapshot-dumpxml {G} s2 --xpath /domainsnapshot/disks",
    ] {
        d.both(&script.replace("{G}", guest));
    }
    // Other tests' guests come and go on the same daemon: only this one's line counts.
    for program in ["virsh", env!("CARGO_BIN_EXE_virtsh")] {
        let listed = d.run(program, "list --all --with-snapshot --name");
        let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
        assert!(listed.lines().any(|l| l == guest), "{program}: {listed}");
    }
    assert!(d
        .both(&format!("snapshot-list {guest} --tree"))
        .starts_with("s1\n  |\n  +- s2\n"));

    // Back to the first, then made current anew by virsh: each sees what the other did.
    assert_eq!(
        d.ok(&format!("snapshot-revert {guest} s1")),
        "Domain snapshot s1 reverted\n\n"
    );
    assert_eq!(
        d.both(&format!("domstate {guest} --reason")),
        "running (from snapshot)\n\n"
    );
    assert_eq!(d.both(&format!("snapshot-current {guest} --name")), "s1\n");
    let set = d.run("virsh", &format!("snapshot-current {guest} s2"));
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    assert_eq!(d.ok(&format!("snapshot-current {guest} --name")), "s2\n");
    d.both(&format!("snapshot-delete {guest} nosuch"));
    assert_eq!(
        d.ok(&format!("snapshot-delete {guest} s2")),
        "Domain snapshot s2 deleted\n\n"
    );
    assert_eq!(
        d.ok(&format!("snapshot-delete {guest} --current")),
        "Domain snapshot s1 deleted\n\n"
    );
    assert_eq!(d.both(&format!("snapshot-list {guest} --name")), "\n");

    // A checkpoint: its bitmap on the qcow2 image.
    assert_eq!(
        d.ok(&format!("checkpoint-create-as {guest} c1")),
        "Domain checkpoint c1 created\n"
    );
    for script in [
        "checkpoint-list {G} --parent",
        "checkpoint-info {G} c1",
        "checkpoint-dumpxml {G} c1 --no-domain",
        "checkpoint-parent {G} c1",
    ] {
        d.both(&script.replace("{G}", guest));
    }
    assert_eq!(
        d.ok(&format!("checkpoint-delete {guest} c1")),
        "Domain checkpoint c1 deleted\n\n"
    );
    d.ok(&format!("destroy {guest}"));
    d.ok(&format!("undefine {guest}"));
}
