//! Save, restore, managed save and core dump against the real virsh, where the golden cases
//! cannot go: a real TCG guest through libvirtd, on `qemu:///system` and over `qemu+ssh` (the
//! same steps run by
//! virsh on one definition, then by virtsh on another just like it: same messages, same state
//! after each step, the progress of `--verbose`), the test driver's `<node>` files with their
//! managed save and state presets, and the edit commands with a scripted `$EDITOR`.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use crate::common::golden::{normalise, output_within};
use crate::common::libvirtd::{daemon_answers, logs_of};
use crate::common::sshd;

const VIRTSH: &str = env!("CARGO_BIN_EXE_virtsh");

/// `program -c URI SCRIPT` in `dir`, with `env` added; a run that hangs (virsh's job commands
/// do, now and then) fails the test instead of hanging it.
fn run_in(program: &str, uri: &str, script: &str, dir: &Path, env: &[(&str, &str)]) -> Output {
    output_within(
        command(program, uri, script, dir, env),
        Duration::from_secs(120),
    )
    .unwrap_or_else(|| panic!("{program} hung on {script:?}"))
}

fn command(program: &str, uri: &str, script: &str, dir: &Path, env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(program);
    c.args(["-c", uri, script])
        .current_dir(dir)
        .env("LANG", "C")
        .env_remove("VISUAL");
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

/// [`run_in`] on the test driver, where a run changes nothing that lasts (but the files it
/// writes again): a hung virsh is run again (see the golden runner's `VIRSH_PATIENCE`).
fn run_test_driver(
    program: &str,
    uri: &str,
    script: &str,
    dir: &Path,
    env: &[(&str, &str)],
) -> Output {
    for _ in 0..12 {
        let c = command(program, uri, script, dir, env);
        if let Some(o) = output_within(c, Duration::from_secs(5)) {
            return o;
        }
    }
    panic!("{program} hung 12 times on {script:?}")
}

/// `text` with each editor's temporary file (`/tmp/virshXXXXXX.xml`, virtsh's
/// `virtshXXXXXX.xml`) written `<tmp>.xml`.
fn without_temp_names(text: &str) -> String {
    let mut out = text.to_string();
    for prefix in ["/virtsh", "/virsh"] {
        while let Some(at) = out.find(prefix) {
            let rest = &out[at + prefix.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if !rest[name.len()..].starts_with(".xml") {
                break;
            }
            out.replace_range(at..at + prefix.len() + name.len(), "/<tmp>");
        }
    }
    out
}

/// What a step printed, as compared: status, stdout and stderr, without what differs between
/// two runs (the wall clock, a domain's id, a temporary file's name) nor `--verbose`'s
/// progress before 100 %.
fn shown(o: &Output) -> (i32, String, String) {
    let text = |b: &[u8]| {
        normalise(&without_temp_names(&String::from_utf8_lossy(b)), "", "")
            .lines()
            .map(|l| match l.starts_with("Id:") {
                true => "Id: <id>",
                false => l,
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let err = text(&o.stderr);
    // Progress comes as `\rLabel: [ NN.NN %]` with no newline; only the last must agree.
    let err = match err.rfind('\r') {
        Some(at) if err[at..].contains("[100.00 %]") => {
            let start = err[..at].find('\r').unwrap_or(at);
            format!("{}{}", &err[..start], &err[at..])
        }
        _ => err,
    };
    (o.status.code().unwrap_or(-1), text(&o.stdout), err)
}

/// The steps of a guest's life through save, restore, managed save and dump, each followed by
/// its state (`D` the domain, `F` a directory for the files).
const GUEST_STEPS: &[&str] = &[
    "start D",
    "save D F/a.sav",
    "save-image-dumpxml F/a.sav --xpath /domain/name",
    "save-image-define F/a.sav F/a.xml --paused",
    "restore F/a.sav",
    "resume D",
    "save D F/b.sav --bypass-cache --verbose",
    "restore F/b.sav --running",
    "managedsave D --verbose",
    "dominfo D",
    "list --all --with-managed-save --name",
    "managedsave-dumpxml D --xpath /domain/name",
    "start D",
    "dump D F/c.core --memory-only --verbose",
    "dump D F/d.core --memory-only --format kdump-zlib",
    "dump D F/e.core --crash --reset",
    "dompmsuspend D mem",
    "managedsave D",
    "start D --force-boot",
    "managedsave D",
    "managedsave-remove D",
    "start D --paused",
    "managedsave D",
    "undefine D",
    "undefine D --managed-save",
];

/// Where the guest lives: the daemon's URI, the environment that reaches it, the domain's name
/// and UUID (each test its own, as tests run at once).
struct Guest<'a> {
    uri: &'a str,
    env: &'a [(&'a str, &'a str)],
    name: &'a str,
    uuid: &'a str,
}

/// Runs the guest's steps with `program`; returns what each step and the state after it
/// printed.
fn guest_life(program: &str, g: &Guest, dir: &Path) -> Vec<(String, (i32, String, String))> {
    let (uri, name, none) = (g.uri, g.name, g.env);
    let files = dir.join(program.rsplit('/').next().unwrap());
    std::fs::create_dir_all(&files).unwrap();
    let xml = files.join("d.xml");
    std::fs::write(
        &xml,
        format!(
            "<domain type='qemu'><name>{name}</name>\
             <uuid>{}</uuid><memory unit='MiB'>64</memory>\
             <vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>",
            g.uuid
        ),
    )
    .unwrap();
    let gone = || {
        let _ = run_in(VIRTSH, uri, &format!("destroy {name}"), dir, none);
        let _ = run_in(
            VIRTSH,
            uri,
            &format!("undefine {name} --managed-save"),
            dir,
            none,
        );
    };
    // A leftover of an interrupted run goes first.
    gone();
    let defined = run_in(VIRTSH, uri, &format!("define {}", xml.display()), dir, none);
    assert!(defined.status.success(), "{defined:?}");
    let mut seen = Vec::new();
    for step in GUEST_STEPS {
        let script = step
            .replace('D', name)
            .replace("F/", &format!("{}/", files.display()));
        if step.contains("F/a.xml") {
            // The image's own XML, as the image is redefined with it.
            let image = files.join("a.sav").display().to_string();
            let x = run_in(
                VIRTSH,
                uri,
                &format!("save-image-dumpxml {image} --security-info"),
                dir,
                none,
            );
            std::fs::write(files.join("a.xml"), &x.stdout).unwrap();
        }
        let o = run_in(program, uri, &script, dir, none);
        let state = run_in(VIRTSH, uri, &format!("domstate {name} --reason"), dir, none);
        let mut result = shown(&o);
        if step.starts_with("list ") {
            // Other tests' guests come and go on the same daemon: only this one's line counts.
            let mine: Vec<&str> = result.1.lines().filter(|l| *l == name).collect();
            result.1 = mine.join("\n");
        }
        // The files are each program's own: their paths say which.
        result.1 = result.1.replace(&files.display().to_string(), "F");
        result.2 = result.2.replace(&files.display().to_string(), "F");
        seen.push((step.to_string(), result));
        seen.push((format!("  state after {step}"), shown(&state)));
    }
    gone();
    seen
}

#[test]
fn a_real_guest_saved_restored_and_dumped_as_virsh_does() {
    daemon_answers();
    saved_restored_and_dumped(&Guest {
        uri: "qemu:///system",
        env: &[],
        name: "virtsh-saves-test",
        uuid: "5a7e0001-7e57-4d0c-9e5a-00000000000a",
    });
}

#[test]
fn a_real_guest_saved_restored_and_dumped_over_qemu_ssh_as_virsh_does() {
    daemon_answers();
    let d = sshd::start();
    let uri = format!("qemu+ssh://root@127.0.0.1:{}/system", d.port);
    let env = sshd::variables(d.home.path());
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    saved_restored_and_dumped(&Guest {
        uri: &uri,
        env: &env,
        name: "virtsh-saves-ssh-test",
        uuid: "5a7e0001-7e57-4d0c-9e5a-00000000000b",
    });
}

/// The guest's life by virsh, then by virtsh: the same output after each step, and the steps
/// did what they say.
fn saved_restored_and_dumped(g: &Guest) {
    let name = g.name;
    let dir = tempfile::tempdir().unwrap();
    let theirs = guest_life("virsh", g, dir.path());
    let ours = guest_life(VIRTSH, g, dir.path());
    let mut differences = Vec::new();
    for ((step, want), (_, got)) in theirs.iter().zip(&ours) {
        if want != got {
            differences.push(format!("{step}:\n  virsh:  {want:?}\n  virtsh: {got:?}"));
        }
    }
    assert!(
        differences.is_empty(),
        "{}\n{}",
        differences.join("\n"),
        logs_of(name)
    );
    // The steps did what they say: the guest was saved, restored, dumped.
    let step = |s: &str| &ours.iter().find(|(n, _)| n == s).unwrap().1;
    // The state after the `nth` step (from 0) named `after`.
    let state = |after: &str, nth: usize| {
        let name = format!("  state after {after}");
        let found = ours.iter().filter(|(n, _)| *n == name).nth(nth).unwrap();
        found.1 .1.trim_end().to_string()
    };
    assert_eq!(state("save D F/a.sav", 0), "shut off (saved)");
    // The image was redefined to restore paused.
    assert!(state("restore F/a.sav", 0).starts_with("paused"));
    assert_eq!(state("managedsave D --verbose", 0), "shut off (saved)");
    assert!(step("dominfo D").1.contains("Managed save:   yes"));
    assert_eq!(step("list --all --with-managed-save --name").1, name);
    // A start after a managed save resumes the guest from it; --force-boot boots afresh.
    assert_eq!(state("start D", 1), "running (restored)");
    assert_eq!(state("start D --force-boot", 0), "running (booted)");
    assert!(step("save D F/b.sav --bypass-cache --verbose")
        .2
        .ends_with("\rSave: [100.00 %]"));
    let core = dir.path().join("virtsh/c.core");
    assert!(std::fs::metadata(&core).unwrap().len() > 0);
}

/// A `<node>` file with one shut-off domain `fd` that has a managed save image, and the
/// preset given in place of its state.
fn fixture(dir: &Path, name: &str, presets: &str) -> String {
    let path = dir.join(format!("{name}.xml"));
    std::fs::write(
        &path,
        format!(
            "<node>\n  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n\
             <name>fd</name><uuid>33333333-2222-3333-4444-555555555555</uuid>\n\
             <memory unit='KiB'>1048576</memory><vcpu>1</vcpu><os><type arch='i686'>hvm</type></os>\n\
             <devices><disk type='file' device='disk'><source file='/x/y.img'/>\
             <target dev='vda' bus='virtio'/></disk></devices>\n{presets}\n  </domain>\n</node>\n"
        ),
    )
    .unwrap();
    format!("test://{}", path.display())
}

/// Runs `script` on `uri` with virsh and virtsh and asserts they print the same.
fn same(uri: &str, script: &str, dir: &Path, env: &[(&str, &str)]) -> (i32, String, String) {
    let theirs = shown(&run_test_driver("virsh", uri, script, dir, env));
    let ours = shown(&run_test_driver(VIRTSH, uri, script, dir, env));
    assert_eq!(ours, theirs, "{script} on {uri}");
    ours
}

#[test]
fn node_files_preset_managed_save_and_state_as_libvirt_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let saved = fixture(
        d,
        "saved",
        "<test:runstate>5</test:runstate><test:hasmanagedsave/>",
    );
    for script in [
        "list --all; list --all --with-managed-save --name; list --all --managed-save; dominfo fd; domstate fd --reason",
        "start fd; dominfo fd; domstate fd --reason",
        "start fd --force-boot; domstate fd --reason; dominfo fd",
        "undefine fd",
        "undefine fd --managed-save; list --all",
        "managedsave-remove fd; dominfo fd; managedsave-remove fd",
        "undefine fd --remove-all-storage",
        "undefine fd --managed-save --storage vda",
    ] {
        same(&saved, script, d, &[]);
    }
    let (_, out, _) = same(&saved, "dominfo fd", d, &[]);
    assert!(out.contains("Managed save:   yes"), "{out}");
    for (name, presets) in [
        ("range", "<test:runstate>9</test:runstate>"),
        ("letters", "<test:runstate>abc</test:runstate>"),
        (
            "transient",
            "<test:runstate>5</test:runstate><test:transient/>",
        ),
        (
            "running",
            "<test:runstate>1</test:runstate><test:hasmanagedsave/>",
        ),
        ("unsaid", "<test:hasmanagedsave/>"),
        ("paused", "<test:runstate>3</test:runstate>"),
        ("transient-running", "<test:transient/>"),
    ] {
        let uri = fixture(d, name, presets);
        same(&uri, "list --all; domstate fd --reason", d, &[]);
    }
}

/// Writes an executable editor script `name` doing `body` to the file it is given (`$1`).
fn editor(dir: &Path, name: &str, body: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
}

#[test]
fn save_images_edited_as_virsh_edits_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let vcpus = editor(d, "vcpus", r"sed -i 's/>2<\/vcpu>/>4<\/vcpu>/' $1");
    let broken = editor(d, "broken", "sed -i 's/<domain /<domain/' $1");
    let failing = editor(d, "failing", "exit 3");
    let uri = "test:///default";
    // Each image is made afresh by the script itself: the runs must not share one.
    for (editor, script) in [
        ("true", "save test i1.sav; save-image-edit i1.sav"),
        (
            vcpus.as_str(),
            "save test i2.sav; save-image-edit i2.sav; save-image-dumpxml i2.sav --xpath /domain/vcpu",
        ),
        (
            vcpus.as_str(),
            "save test i3.sav; save-image-edit i3.sav --running",
        ),
        // Without a terminal virsh says `Failed.` and goes on as if the define had worked.
        (
            broken.as_str(),
            "save test i4.sav; save-image-edit i4.sav; save-image-dumpxml i4.sav --xpath /domain/name",
        ),
        (failing.as_str(), "save test i5.sav; save-image-edit i5.sav"),
        ("true", "save-image-edit nonexistent.sav"),
        ("true", "save-image-edit i6.sav --running --paused"),
        ("true", "managedsave test; managedsave-edit test"),
    ] {
        let env = [("EDITOR", editor)];
        let theirs = shown(&run_test_driver("virsh", uri, script, d, &env));
        for f in ["i1", "i2", "i3", "i4", "i5"] {
            let _ = std::fs::remove_file(d.join(format!("{f}.sav")));
        }
        let ours = shown(&run_test_driver(VIRTSH, uri, script, d, &env));
        assert_eq!(ours, theirs, "EDITOR={editor} {script}");
    }
}
