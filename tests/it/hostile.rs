//! Hostile input: bytes that are not UTF-8 in lines, arguments and paths; sizes with odd
//! units; and property tests that drive arbitrary bytes through the tokenizer, the option
//! parser, the size parser and the XML model without a panic.

use crate::common;
use std::ffi::OsStr;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::process::{Command, Stdio};

use crate::common::Virtsh;

fn virtsh() -> Command {
    Command::new(env!("CARGO_BIN_EXE_virtsh"))
}

#[test]
fn piped_lines_run_whatever_their_bytes() {
    let mut child = virtsh()
        .args(["-q", "-c", "test:///default"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"echo a\necho \xff\necho after\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    // Each line is echoed after the prompt and runs, as virsh does (under -q, without the
    // blank line after each); the byte goes out as it came in.
    let has = |needle: &[u8]| common::has(&out.stdout, needle);
    assert!(
        has(b"# echo a\na") && has(b"# echo \xff\n\xff") && has(b"# echo after\nafter"),
        "{:?}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The stdout of `virtsh -c test:///default ARGS...`, which must succeed.
fn stdout_of(args: &[&OsStr]) -> Vec<u8> {
    let out = virtsh()
        .args(["-c", "test:///default"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn paths_are_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join(OsStr::from_bytes(b"d\xff"));
    std::fs::create_dir(&odd).unwrap();
    let file = odd.join(OsStr::from_bytes(b"x\xff.xml"));
    std::fs::write(
        &file,
        "<domain type='test'><name>odd</name><memory>1024</memory><os><type>hvm</type></os></domain>",
    )
    .unwrap();
    let out = stdout_of(&[OsStr::new("define"), file.as_os_str()]);
    let mut want = b"Domain 'odd' defined from ".to_vec();
    want.extend(file.as_os_str().as_bytes());
    assert!(out.starts_with(&want), "{out:?}");
    // `cd` into it, and `pwd` says where, byte for byte.
    let mut line = b"cd ".to_vec();
    line.extend(odd.as_os_str().as_bytes());
    line.extend(b"; pwd");
    let out = stdout_of(&[OsStr::new("-q"), OsStr::from_bytes(&line)]);
    let mut want = odd.as_os_str().as_bytes().to_vec();
    want.push(b'\n');
    assert_eq!(out, want);
}

#[test]
fn sizes_with_odd_units_are_errors_not_crashes() {
    let v = Virtsh::on("test:///default");
    for size in ["1é", "1ı", "1\u{10348}"] {
        let o = v.script(&format!("setmem test {size}"));
        assert_eq!(o.status.code(), Some(1), "setmem test {size}");
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(e.contains("error: invalid argument: unknown suffix"), "{e}");
    }
    let o = virtsh()
        .args(["-c", "test:///default", "setmem", "test"])
        .arg(OsStr::from_bytes(b"1\xff"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
}

mod properties {
    use proptest::prelude::*;
    use virtsh::model::DomainDef;

    fn cases() -> ProptestConfig {
        ProptestConfig {
            cases: common_cases(),
            ..ProptestConfig::default()
        }
    }

    /// CI runs a short round; `VIRTSH_PROPTEST_CASES` asks for more.
    fn common_cases() -> u32 {
        super::common::knob("VIRTSH_PROPTEST_CASES", 256) as u32
    }

    /// A word: often a command or option virsh knows, else any bytes.
    fn word() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            prop::sample::select(vec![
                "list",
                "--all",
                "dominfo",
                "setmem",
                "--config",
                "vol-create-as",
                "--format",
                "pool-define-as",
                "--target",
                "-c",
                "--",
                "=",
                "--name=",
                "start",
                "--console",
                "echo",
                "--xml",
                "--shell",
                "help",
                "--command=",
                "1é",
                "+1",
                " 1",
                "-1",
            ])
            .prop_map(|w| w.as_bytes().to_vec()),
            prop::collection::vec(any::<u8>(), 0..12),
        ]
    }

    /// Fragments of domain XML, shuffled into documents that are often almost right.
    fn xml_soup() -> impl Strategy<Value = String> {
        let parts = prop::sample::select(vec![
            "<domain type='test'>",
            "<domain type='qemu'>",
            "</domain>",
            "<name>",
            "</name>",
            "n",
            "<memory unit='",
            "KiB",
            "é",
            "'>",
            "1024",
            "0",
            "</memory>",
            "<os><type>hvm</type></os>",
            "<devices>",
            "</devices>",
            "<disk type='file'>",
            "<target dev='vda'/>",
            "</disk>",
            "<graphics type='vnc' port='",
            "-1",
            "99999999999",
            "<rng model='virtio'>",
            "<backend model='random'/>",
            "</rng>",
            "<metadata>",
            "<a:x xmlns:a='urn:a'>",
            "</a:x>",
            "</metadata>",
            "&#1;",
            "&amp;",
            "&bogus;",
            "\u{1}",
            "<![CDATA[x]]>",
            "<!-- c -->",
            "<?pi x?>",
            "<qemu:commandline xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>",
            "<qemu:arg value='-x'/>",
            "<qemu:env name='1'/>",
            "</qemu:commandline>",
            "<vcpu current='",
            "2",
            "'>1</vcpu>",
            "<cpu mode='",
            "maximum",
            "'/>",
            "<watchdog model='ib700' action='",
            "<sound model='",
            "<currentMemory>",
            "</currentMemory>",
            "<uuid>",
            "zz",
            "</uuid>",
            "<hostdev/>",
            "<a>",
            "</a>",
        ]);
        prop::collection::vec(parts, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(cases())]

        #[test]
        fn the_xml_model_never_panics(doc in xml_soup()) {
            if let Ok(d) = DomainDef::parse(&doc) {
                // What parses formats, and what it formats parses to the same.
                let xml = d.to_xml(None);
                let again = DomainDef::parse(&xml).expect("formatted XML parses");
                prop_assert_eq!(again.to_xml(None), xml);
            }
        }

        #[test]
        fn arbitrary_documents_never_panic(doc in "\\PC{0,200}") {
            let _ = DomainDef::parse(&doc);
            let _ = virtsh::model::PoolDef::parse(&doc);
            let _ = virtsh::model::VolumeDef::parse(&doc);
        }

        #[test]
        fn sizes_never_panic(value in any::<u64>(), unit in "\\PC{0,4}", scale in 1u64..4096) {
            let _ = virtsh::model::units::scale(value, &unit, scale);
        }

        #[test]
        fn lines_never_panic(line in prop::collection::vec(any::<u8>(), 0..200)) {
            let _ = virtsh::shell::tokenizer::split(&line);
        }

        #[test]
        fn options_never_panic(words in prop::collection::vec(word(), 0..8)) {
            let args: Vec<std::ffi::OsString> = words
                .into_iter()
                .map(std::os::unix::ffi::OsStringExt::from_vec)
                .collect();
            let _ = virtsh::cli::Cli::parse(&args);
            let _ = virtsh_commands::parse::parse(&args);
        }
    }
}

/// An XML argument is read as virsh reads it, at most 10 MiB (more is refused in libvirt's
/// words, not read until memory runs out), and a FIFO nobody writes to reads as empty at
/// once instead of blocking the command forever.
#[test]
fn files_are_read_with_a_cap_and_no_wait_for_a_writer() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.xml");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(30 << 20).unwrap();
    let fifo = dir.path().join("fifo.xml");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    let v = Virtsh::on("test:///default");
    for (path, said) in [
        (
            big.display().to_string(),
            format!(
                "error: Failed to read file '{}': Value too large for defined data type",
                big.display()
            ),
        ),
        (
            "/dev/zero".into(),
            "error: Failed to read file '/dev/zero': Value too large for defined data type".into(),
        ),
        (
            dir.path().display().to_string(),
            format!(
                "error: Failed to read file '{}': Is a directory",
                dir.path().display()
            ),
        ),
        (
            fifo.display().to_string(),
            "error: at line 1: Document is empty".into(),
        ),
    ] {
        let started = std::time::Instant::now();
        let err = v.err(&format!("define {path}"));
        assert!(err.contains(&said), "{path}: {err}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{path}"
        );
    }
}
