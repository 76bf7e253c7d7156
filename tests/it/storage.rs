//! Embedded storage: dir pools with libvirt's duplicate rules, qemu-img volumes, a domain on a
//! pool volume, concurrent volume creation, and bad input that changes nothing.

use crate::common;
use std::process::{Child, Output, Stdio};

use crate::common::{qemus, Embedded, SmallDisk, Virtsh};

#[test]
fn pools_and_volumes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let v = Virtsh::embedded(&root);
    let target = dir.path().join("pool");
    let t = target.display();
    v.ok(&format!(
        "pool-define-as p dir --target {t}; pool-build p; pool-start p"
    ));
    let mode = std::fs::metadata(&target).unwrap().permissions();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
        0o755
    );
    assert_eq!(v.ok("pool-list --all --name"), "p\n");
    // Duplicates: the same target path, the same name with another UUID.
    assert!(v
        .err(&format!("pool-define-as q dir --target {t}"))
        .contains("Storage source conflict with pool: 'p'"));
    assert!(v
        .err("pool-define-as p dir --target /elsewhere")
        .contains("pool 'p' already exists with uuid"));

    v.ok("vol-create-as p raw.img 4M; vol-create-as p disk.qcow2 8M --format qcow2 --prealloc-metadata");
    let list = v.ok("vol-list p --details");
    assert!(
        list.contains("raw.img") && list.contains("4.00 MiB"),
        "{list}"
    );
    assert!(
        list.contains("disk.qcow2") && list.contains("8.00 MiB"),
        "{list}"
    );
    assert!(v
        .ok("vol-dumpxml disk.qcow2 --pool p")
        .contains("<format type='qcow2'/>"));
    assert_eq!(v.ok("vol-path raw.img --pool p"), format!("{t}/raw.img\n"));
    assert_eq!(v.ok(&format!("vol-name {t}/raw.img")), "raw.img\n");
    assert_eq!(
        v.ok(&format!("vol-key {t}/raw.img")),
        format!("{t}/raw.img\n")
    );
    assert!(v
        .err("vol-create-as p raw.img 1M")
        .contains("storage volume 'raw.img' exists already"));

    v.ok("vol-clone disk.qcow2 copy.qcow2 --pool p");
    assert!(v
        .ok("vol-info copy.qcow2 --pool p --bytes")
        .contains("Capacity:       8388608 bytes"));
    v.ok("vol-resize copy.qcow2 16M --pool p");
    assert!(v.ok("vol-info copy.qcow2 --pool p").contains("16.00 MiB"));
    assert!(v
        .err("vol-resize copy.qcow2 1M --pool p")
        .contains("shrink flag"));
    v.ok("vol-resize copy.qcow2 1M --pool p --shrink");
    assert!(v
        .ok("vol-info copy.qcow2 --pool p")
        .contains("Capacity:       1.00 MiB"));
    std::fs::write(target.join("raw.img"), vec![0xAB; 4096]).unwrap();
    v.ok("vol-wipe raw.img --pool p");
    assert!(std::fs::read(target.join("raw.img"))
        .unwrap()
        .iter()
        .all(|b| *b == 0));
    v.ok("vol-delete copy.qcow2 --pool p");
    assert!(!v.ok("vol-list p").contains("copy.qcow2"));

    // Upload and download, whole and in parts, sparse or not.
    let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let up = dir.path().join("up.bin");
    std::fs::write(&up, &data).unwrap();
    v.ok(&format!(
        "vol-create-as p io.img 4M; vol-upload io.img {} --pool p",
        up.display()
    ));
    let down = dir.path().join("down.bin");
    v.ok(&format!(
        "vol-download io.img {} --pool p --length 3000000",
        down.display()
    ));
    assert_eq!(std::fs::read(&down).unwrap(), data);
    v.ok(&format!(
        "vol-download io.img {} --pool p --offset 1000 --length 10",
        down.display()
    ));
    assert_eq!(std::fs::read(&down).unwrap(), &data[1000..1010]);
    v.ok(&format!(
        "vol-upload io.img {} --pool p --offset 8",
        up.display()
    ));
    v.ok(&format!(
        "vol-download io.img {} --pool p --length 16",
        down.display()
    ));
    assert_eq!(&std::fs::read(&down).unwrap()[8..16], &data[..8]);
    v.ok(&format!(
        "vol-download io.img {} --pool p --offset 3100000 --sparse",
        down.display()
    ));
    let meta = std::fs::metadata(&down).unwrap();
    assert_eq!(meta.len(), 4 * 1024 * 1024 - 3_100_000);
    assert!(
        std::os::unix::fs::MetadataExt::blocks(&meta) * 512 < 64 * 1024,
        "the zeros stay a hole"
    );
    let from = dir.path().join("from.xml");
    std::fs::write(
        &from,
        "<volume><name>from.img</name><capacity>4194304</capacity></volume>",
    )
    .unwrap();
    assert_eq!(
        v.ok(&format!(
            "vol-create-from p {} io.img --inputpool p",
            from.display()
        )),
        ""
    );
    assert!(v.ok("vol-list p").contains("from.img"));

    v.ok("pool-destroy p; pool-undefine p");
    assert_eq!(v.ok("pool-list --all --name"), "");
    // pool-create makes a transient pool that vanishes when destroyed.
    v.ok(&format!("pool-create-as t dir --target {t}"));
    assert_eq!(v.ok("pool-list --transient --name"), "t\n");
    v.ok("pool-destroy t");
    assert_eq!(v.ok("pool-list --all --name"), "");
}

#[test]
fn bad_storage_input_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let v = Virtsh::embedded(&root);
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    v.ok(&format!("pool-define-as f dir --target {}", file.display()));
    assert!(v.err("pool-start f").contains("is not a directory"));
    assert!(v.err("pool-build f").contains("is not a directory"));
    assert_eq!(v.ok("pool-list --inactive --name"), "f\n");
    let t = dir.path().join("pool");
    v.ok(&format!(
        "pool-define-as p dir --target {}; pool-build p; pool-start p",
        t.display()
    ));
    let e = v.err("vol-create-as p huge 1000T");
    assert!(e.contains("Not enough free space in pool 'p'"), "{e}");
    assert_eq!(v.ok("vol-list p"), "");
    // A domain whose disk names a missing volume does not start, and stays shut off.
    let xml = dir.path().join("d.xml");
    std::fs::write(
        &xml,
        "<domain type='qemu'><name>d</name><memory>32768</memory><os><type>hvm</type></os>\
        <devices><disk type='volume' device='disk'><source pool='p' volume='missing.img'/>\
        <target dev='vda' bus='virtio'/></disk></devices></domain>",
    )
    .unwrap();
    v.ok(&format!("define {}", xml.display()));
    assert!(v
        .err("start d")
        .contains("no storage vol with matching name 'missing.img'"));
    assert_eq!(v.ok("domstate d"), "shut off\n");
}

#[test]
fn domain_runs_on_a_pool_volume() {
    let e = Embedded::new();
    let (dir, root, v) = (&e.dir, e.root.clone(), &e.v);
    let t = dir.path().join("pool");
    v.ok(&format!(
        "pool-create-as p dir --target {} --build; vol-create-as p d.qcow2 16M --format qcow2",
        t.display()
    ));
    let xml = dir.path().join("d.xml");
    std::fs::write(&xml, "<domain type='qemu'><name>d</name><memory unit='MiB'>32</memory><os><type>hvm</type></os>\
        <devices><disk type='volume' device='disk'><driver name='qemu' type='qcow2'/><source pool='p' volume='d.qcow2'/>\
        <target dev='vda' bus='virtio'/></disk></devices></domain>").unwrap();
    assert_eq!(
        v.ok(&format!("create {}; domstate d", xml.display())),
        "running\n"
    );
    let (pid, _) = qemus(&root)[0].clone();
    let cmdline = std::fs::read_to_string(format!("/proc/{pid}/cmdline")).unwrap();
    assert!(
        cmdline.contains(&format!("file={}/d.qcow2,format=qcow2", t.display())),
        "{cmdline}"
    );
    v.ok("destroy d");
}

#[test]
fn one_volume_name_created_by_many_processes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let v = Virtsh::embedded(&root);
    let t = dir.path().join("pool");
    v.ok(&format!(
        "pool-create-as p dir --target {} --build",
        t.display()
    ));
    let procs: usize = std::env::var("VIRTSH_RACE_PROCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let trials: usize = std::env::var("VIRTSH_RACE_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    for trial in 0..trials {
        let name = format!("v{trial}");
        let children: Vec<Child> = (0..procs)
            .map(|_| {
                v.command()
                    .args(["vol-create-as", "p", &name, "1M", "--format", "qcow2"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let outs: Vec<Output> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        assert_eq!(
            outs.iter().filter(|o| o.status.success()).count(),
            1,
            "trial {trial}"
        );
        for o in outs.iter().filter(|o| !o.status.success()) {
            let e = String::from_utf8_lossy(&o.stderr);
            assert!(
                e.contains(&format!("storage volume '{name}' exists already")),
                "{e}"
            );
        }
        assert!(v
            .ok(&format!("vol-info {name} --pool p"))
            .contains("1.00 MiB"));
    }
}

#[test]
fn volumes_are_what_the_directory_holds() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let v = Virtsh::embedded(&root);
    let t = dir.path().join("pool");
    v.ok(&format!(
        "pool-define-as p dir --target {}; pool-build p; pool-start p",
        t.display()
    ));
    std::fs::write(dir.path().join("elsewhere.img"), vec![0u8; 4096]).unwrap();
    std::os::unix::fs::symlink(dir.path().join("elsewhere.img"), t.join("link.img")).unwrap();
    let odd = std::ffi::OsStr::from_bytes(b"bad\xff.img");
    std::fs::write(t.join(odd), vec![0u8; 4096]).unwrap();
    v.ok("pool-refresh p");
    // Both listed (the name that is not UTF-8 escaped, as virsh's tables print it) and
    // usable, the odd name given as the bytes it is.
    let list = v.script("vol-list p").stdout;
    let has = |needle: &[u8]| common::has(&list, needle);
    assert!(
        has(br" bad\xff.img ") && has(b" link.img "),
        "{}",
        String::from_utf8_lossy(&list)
    );
    assert!(v
        .ok("vol-info --pool p link.img")
        .contains("Capacity:       4.00 KiB"));
    let info = v
        .command()
        .args(["vol-info", "--pool", "p"])
        .arg(odd)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&info.stdout).contains("Capacity:       4.00 KiB"));
    let path = v
        .command()
        .args(["vol-path", "--pool", "p"])
        .arg(odd)
        .output()
        .unwrap();
    let mut want = t.join(odd).into_os_string().into_encoded_bytes();
    want.push(b'\n');
    assert_eq!(path.stdout, want);
    let deleted = v
        .command()
        .args(["vol-delete", "--pool", "p"])
        .arg(odd)
        .status()
        .unwrap();
    assert!(deleted.success());
    assert!(!t.join(odd).exists());
}

#[test]
fn a_clone_that_fills_the_disk_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let v = Virtsh::embedded(&root);
    let t = dir.path().join("pool");
    let _disk = SmallDisk::mount(&t, 8);
    v.ok(&format!(
        "pool-define-as p dir --target {}; pool-start p",
        t.display()
    ));
    // Five MiB that do not compress away, and room for one copy only.
    let data: Vec<u8> = (0..5u32 << 20)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(t.join("src.img"), data).unwrap();
    v.ok("pool-refresh p");
    let e = v.err("vol-clone --pool p src.img copy.img");
    assert!(e.contains("Failed to clone vol from src.img"), "{e}");
    assert!(!t.join("copy.img").exists(), "the partial copy was left");
    let list = v.ok("vol-list p");
    assert!(
        list.contains(" src.img ") && !list.contains("copy.img"),
        "{list}"
    );
}

/// `vol-dumpxml` on the embedded driver prints what libvirtd prints for the same files:
/// physical size, permissions and timestamps as well as capacity and allocation.
#[test]
fn volume_xml_is_what_libvirtd_prints() {
    common::libvirtd::daemon_answers();
    let e = Embedded::new();
    let target = e.dir.path().join("pool");
    std::fs::create_dir(&target).unwrap();
    let pool = format!("virtsh-volxml-{}", std::process::id());
    let system = Virtsh::on("qemu:///system");
    let create = format!("pool-create-as {pool} dir --target {}", target.display());
    let _ = system.script(&format!("pool-destroy {pool}"));
    system.ok(&format!(
        "{create}; vol-create-as {pool} q.qcow2 1M --format qcow2; vol-create-as {pool} r.img 2M"
    ));
    for vol in ["q.qcow2", "r.img"] {
        let theirs = system.ok(&format!("vol-dumpxml --pool {pool} {vol}"));
        let ours = e.v.ok(&format!(
            "{create}; vol-dumpxml --pool {pool} {vol}; pool-destroy {pool}"
        ));
        assert_eq!(ours, theirs);
        assert!(
            ours.contains("<permissions>") && ours.contains("<timestamps>"),
            "{ours}"
        );
    }
    system.ok(&format!("pool-destroy {pool}"));
}
