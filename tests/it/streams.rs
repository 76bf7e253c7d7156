//! Sparse volume streams through libvirtd (`qemu:///system`, a dir pool of the test's own):
//! `vol-upload --sparse` sends the file's holes as the protocol's hole messages (the volume
//! stays as sparse as virsh leaves it, where a plain upload allocates it all), and
//! `vol-download --sparse` takes the daemon's holes as holes; the bytes are the file's.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::common::libvirtd::daemon_answers;
use crate::common::Virtsh;

const MIB: u64 = 1 << 20;

/// Bytes the file system allocated to `path`.
fn allocated(path: &Path) -> u64 {
    std::fs::metadata(path).unwrap().blocks() * 512
}

/// 8 MiB with 4 KiB of data at its start and at 6 MiB, holes elsewhere.
fn sparse_file(path: &Path) {
    use std::io::{Seek, SeekFrom, Write};
    let mut f = std::fs::File::create(path).unwrap();
    f.write_all(&[b'A'; 4096]).unwrap();
    f.seek(SeekFrom::Start(6 * MIB)).unwrap();
    f.write_all(&[b'B'; 4096]).unwrap();
    f.set_len(8 * MIB).unwrap();
}

fn run(program: &str, script: &str) {
    let o = std::process::Command::new(program)
        .args(["-q", "-c", "qemu:///system", script])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{program} {script}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn sparse_streams_keep_holes_both_ways() {
    daemon_answers();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let src = d.join("src.img");
    sparse_file(&src);
    let pool_dir = d.join("pool");
    std::fs::create_dir(&pool_dir).unwrap();
    let pool = format!("virtsh-sparse-{}", std::process::id());
    let virtsh = Virtsh::on("qemu:///system");
    let _ = virtsh.script(&format!("pool-destroy {pool}"));
    virtsh.ok(&format!(
        "pool-create-as {pool} dir --target {}",
        pool_dir.display()
    ));
    let cleanup = scopeguard(|| {
        let _ = Virtsh::on("qemu:///system").script(&format!("pool-destroy {pool}"));
    });
    for v in ["ours", "theirs", "plain"] {
        virtsh.ok(&format!(
            "vol-create-as {pool} {v} 8M --format raw --allocation 0"
        ));
    }
    let exe = env!("CARGO_BIN_EXE_virtsh");
    run(
        exe,
        &format!("vol-upload --sparse --pool {pool} ours {}", src.display()),
    );
    run(
        "virsh",
        &format!("vol-upload --sparse --pool {pool} theirs {}", src.display()),
    );
    run(
        exe,
        &format!("vol-upload --pool {pool} plain {}", src.display()),
    );
    let (ours, theirs, plain) = (
        pool_dir.join("ours"),
        pool_dir.join("theirs"),
        pool_dir.join("plain"),
    );
    for v in [&ours, &theirs, &plain] {
        assert_eq!(std::fs::read(v).unwrap(), std::fs::read(&src).unwrap());
    }
    assert!(
        allocated(&ours) <= allocated(&theirs) + 64 * 1024,
        "a sparse upload allocates {} bytes, virsh's {}",
        allocated(&ours),
        allocated(&theirs)
    );
    assert!(
        allocated(&plain) >= 8 * MIB,
        "a plain upload writes every byte"
    );
    // Down again, holes as holes.
    let out = d.join("out.img");
    run(
        exe,
        &format!("vol-download --sparse --pool {pool} ours {}", out.display()),
    );
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&src).unwrap());
    assert!(allocated(&out) < MIB, "{} bytes allocated", allocated(&out));
    drop(cleanup);
}

/// The failures of a transfer through libvirtd print as virsh prints them: the lead line
/// naming the volume or file, then the daemon's own error; a negative `--length` wraps; a
/// file the download made is removed again when the download fails.
#[test]
fn transfer_failures_print_as_virsh() {
    daemon_answers();
    let dir = tempfile::tempdir().unwrap();
    let pool_dir = dir.path().join("pool");
    std::fs::create_dir(&pool_dir).unwrap();
    let src = dir.path().join("src.img");
    std::fs::write(&src, vec![7u8; 64 * 1024]).unwrap();
    let pool = format!("virtsh-xfer-{}", std::process::id());
    let virtsh = Virtsh::on("qemu:///system");
    let _ = virtsh.script(&format!("pool-destroy {pool}"));
    virtsh.ok(&format!(
        "pool-create-as {pool} dir --target {}; vol-create-as {pool} v 1M",
        pool_dir.display()
    ));
    let cleanup = scopeguard(|| {
        let _ = Virtsh::on("qemu:///system").script(&format!("pool-destroy {pool}"));
    });
    let out = dir.path().join("out.img");
    let script = format!(
        "vol-upload --pool {pool} v {src} --length -1; vol-download --pool {pool} v {out} --length -1; \
         vol-download --pool {pool} v /nonexistent/x; vol-upload --pool {pool} v /nonexistent/x; \
         vol-download --pool {pool} nosuch {out}2; vol-upload --pool {pool} v {src} --offset -1",
        src = src.display(),
        out = out.display()
    );
    let said = |program: &str| {
        let o = std::process::Command::new(program)
            .args(["-q", "-c", "qemu:///system", &script])
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let theirs = said("virsh");
    let downloaded = std::fs::read(&out).unwrap();
    std::fs::remove_file(&out).unwrap();
    assert_eq!(said(env!("CARGO_BIN_EXE_virtsh")), theirs);
    assert_eq!(std::fs::read(&out).unwrap(), downloaded);
    assert!(
        theirs.1.contains("cannot create /nonexistent/x"),
        "{}",
        theirs.1
    );
    assert!(!dir.path().join("out.img2").exists());
    drop(cleanup);
}

/// Runs `f` when dropped (the pool goes even when an assertion fails).
fn scopeguard(f: impl FnOnce()) -> impl Drop {
    struct Guard<F: FnOnce()>(Option<F>);
    impl<F: FnOnce()> Drop for Guard<F> {
        fn drop(&mut self) {
            if let Some(f) = self.0.take() {
                f();
            }
        }
    }
    Guard(Some(f))
}
